#pragma once
// Deciding a response: status, header block, which bytes of which body, and the misbehaviours to
// act out while sending. Pure (the clock comes in as an argument), so every knob's effect on the
// headers can be tested without sockets.

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>

#include "server/http_request.hpp"
#include "server/representation.hpp"
#include "server/route_table.hpp"

namespace arina::testing {

struct ResponsePlan {
    int status = 200;
    std::string head;  ///< status line, header fields and the empty line
    /// Body source; nullptr when there is no body (HEAD, redirects).
    std::shared_ptr<const Representation> body;
    std::int64_t body_offset = 0;
    std::int64_t body_length = 0;
    bool chunked = false;
    bool close_after = false;  ///< "Connection: close" was sent: close once the body is out

    double latency_ms = 0;
    bool nagle = false;  ///< answer with TCP_NODELAY off (see Faults::nagle)
    double rate_bytes_per_sec = 0;
    /// Body bytes [slow_begin, slow_end) go out at slow_rate (see Faults::slow_after_bytes).
    std::int64_t slow_begin = -1;
    std::int64_t slow_end = -1;
    double slow_rate = 0;
    /// Cutting the body short: after cut_after body bytes, close (drop) or fall silent (stall).
    enum class Cut { none, drop, stall };
    Cut cut = Cut::none;
    std::int64_t cut_after = 0;
};

/// The response to a GET or HEAD whose path resolved to `route`, on connection `connection_id`
/// (1-based accept order; it picks the rate of Faults::slow_every_connections).
ResponsePlan plan_response(const HttpRequest& request, const Resolution& route, std::time_t now,
                           int connection_id = 0);

/// The body rate of connection `connection_id` under `faults` (0 = unlimited).
double connection_rate(const Faults& faults, int connection_id);

/// A bare error response (malformed requests, unsupported methods), with a short text body.
ResponsePlan plan_error(int status, bool close, std::time_t now);

/// "Not Found" for 404, and so on.
const char* reason_phrase(int status);

}  // namespace arina::testing
