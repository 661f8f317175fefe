#pragma once
// One HTTP request as the engine sees it: what to ask for, and the callbacks through
// which the owner (a file or fragment download) receives the answer.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "net/http_options.hpp"
#include "net/response_head.hpp"
#include "net/retry_policy.hpp"
#include "util/fail_reason.hpp"
#include "util/interval_set.hpp"

namespace arina::net {

using TransferId = std::uint64_t;

struct TransferRequest {
    std::string url;
    std::optional<ByteRange> range;  ///< sends `Range: bytes=begin-(end-1)`; end <= 0 means open-ended
    std::string if_range;            ///< validator for `If-Range` (strong ETag or Last-Modified)
    bool decode_content =
        false;  ///< ask for and decode gzip/deflate/br; otherwise `Accept-Encoding: identity`
    const HttpOptions* http = nullptr;  ///< required; owned by the caller and must outlive the transfer
    std::uint64_t owner = 0;  ///< the job this transfer belongs to: the host budget is shared fairly by owner
};

struct TransferOutcome {
    FailReason reason = FailReason::None;  ///< None: the response arrived completely
    std::string message;                   ///< names the URL and what happened
    bool stopped_by_handler = false;       ///< the handler returned false from a callback
    std::int64_t body_bytes = 0;           ///< body bytes delivered to on_body
    /// What the failure says about trying again (net::failure_class_for); see AttemptFailure.
    FailureClass failure_class = FailureClass::Transient;
};

/// Callbacks run on the engine thread, one transfer at a time; they must not block.
class TransferHandler {
  public:
    virtual ~TransferHandler() = default;
    /// The final response head (after redirects and 1xx). Return false to stop the transfer.
    /// A head whose framing is broken (net::framing_problem) is not delivered: the transfer ends
    /// with FailReason::BadResponse saying what the server sent.
    virtual bool on_response(TransferId id, const ResponseHead& head) = 0;
    /// A piece of the body. Return false to stop the transfer.
    virtual bool on_body(TransferId id, std::span<const char> data) = 0;
    /// Called exactly once for every transfer that was not abort()ed, after which the id is dead.
    virtual void on_done(TransferId id, const TransferOutcome& outcome) = 0;
};

}  // namespace arina::net
