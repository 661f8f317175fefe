#pragma once
// Sending one response body as a plan says: the right byte range, paced, chunk-framed or not, and
// cut short for drop and stall faults.

#include <cstdint>
#include <functional>
#include <vector>

#include "server/channel.hpp"
#include "server/response_plan.hpp"
#include "server/shared_rate.hpp"

namespace arina::testing {

enum class BodyOutcome {
    complete,  ///< every byte (and the last chunk) sent
    cut,       ///< plan.cut_after bytes sent, the rest held back on purpose
    failed,    ///< the peer went away, stopped reading, or the server is stopping
};

/// `scratch` is a per-connection buffer reused between responses. `on_sent` hears every payload
/// byte count accepted by send() (chunk framing excluded). `shared` (may be null) is the server's
/// aggregate rate, which every slice also waits for on top of the plan's own rate.
BodyOutcome send_body(Channel& channel, const ResponsePlan& plan, std::vector<char>& scratch,
                      const std::function<void(std::int64_t)>& on_sent, SharedRate* shared = nullptr);

}  // namespace arina::testing
