#pragma once
// When to try a failed request again, and after how long. A retry is a value,
// never an exception: callers ask `decide` and schedule a timer with the delay.

#include <optional>
#include <random>

#include "util/fail_reason.hpp"

namespace arina::net {

struct RetryTiming {
    double base_seconds = 1.0;  ///< first back-off; doubles each attempt (--retry-sleep exp=BASE:MAX)
    double max_seconds = 30.0;  ///< back-off ceiling
    double retry_after_cap_seconds = 120.0;  ///< a server's Retry-After is honoured up to this
};

struct RetryDecision {
    bool retry = false;
    double delay_seconds = 0;
};

/// What one failed attempt looked like, as far as the retry decision cares.
struct AttemptFailure {
    FailReason reason = FailReason::Network;
    int http_status = 0;                ///< 0 when no HTTP answer
    std::optional<double> retry_after;  ///< seconds, from the server
};

/// Whether an HTTP status is worth retrying: 408, 425, 429 and 5xx other than 501/505.
bool is_retryable_status(int status);

/// Whether a failure may succeed if the same request is sent again.
bool is_retryable_failure(const AttemptFailure& failure);

/// `failures_so_far` counts this failure too (1 after the first failure). Retries while
/// failures_so_far <= max_retries. Delay: exponential back-off with full jitter in
/// [delay/2, delay], or the server's Retry-After (capped) when it gave one.
RetryDecision decide_retry(const AttemptFailure& failure, int failures_so_far, int max_retries,
                           const RetryTiming& timing, std::mt19937& rng);

}  // namespace arina::net
