#include "net/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace arina::net {

bool is_retryable_status(int status) {
    if (status == 408 || status == 425 || status == 429) return true;
    return status >= 500 && status != 501 && status != 505;
}

bool is_retryable_failure(const AttemptFailure& f) {
    if (f.reason == FailReason::Http) return is_retryable_status(f.http_status);
    return f.reason == FailReason::Network || f.reason == FailReason::Timeout ||
           f.reason == FailReason::BadResponse;
}

RetryDecision decide_retry(const AttemptFailure& failure, int failures_so_far, int max_retries,
                           const RetryTiming& timing, std::mt19937& rng) {
    if (!is_retryable_failure(failure) || failures_so_far > max_retries) return {};
    if (failure.retry_after)
        return {true, std::clamp(*failure.retry_after, 0.0, timing.retry_after_cap_seconds)};
    const double exp = timing.base_seconds * std::pow(2.0, std::min(failures_so_far - 1, 30));
    const double ceiling = std::min(exp, timing.max_seconds);
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return {true, ceiling * jitter(rng)};
}

}  // namespace arina::net
