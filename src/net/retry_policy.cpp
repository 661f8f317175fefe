#include "net/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace arina::net {
namespace {

double backoff(const RetryTiming& timing, int nth, double ceiling, std::mt19937& rng) {
    const double exp = timing.base_seconds * std::pow(2.0, std::min(nth - 1, 30));
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return std::min(exp, ceiling) * jitter(rng);
}

// Failures whose repeat at the same place means the server will keep doing it: a violation of the
// protocol, or a connection that ends at the same byte every time.
bool escalates_on_repeat(FailReason reason) {
    return reason == FailReason::BadResponse || reason == FailReason::Network;
}

}  // namespace

std::string_view to_string(FailureClass c) {
    switch (c) {
        case FailureClass::Transient:
            return "transient";
        case FailureClass::Persistent:
            return "persistent";
        case FailureClass::Final:
            break;
    }
    return "final";
}

bool is_retryable_status(int status) {
    if (status == 408 || status == 425 || status == 429) return true;
    return status >= 500 && status != 501 && status != 505;
}

FailureClass classify(const AttemptFailure& f, bool any_status) {
    switch (f.reason) {
        case FailReason::Http:
            if (is_retryable_status(f.http_status)) return FailureClass::Transient;
            return any_status ? FailureClass::Persistent : FailureClass::Final;
        case FailReason::Timeout:
            return FailureClass::Transient;
        case FailReason::Network:
        case FailReason::BadResponse:
            return f.failure_class;
        case FailReason::Tls:
            // A handshake cut off may work next time; a certificate that does not verify will not.
            return f.failure_class == FailureClass::Transient ? FailureClass::Persistent : f.failure_class;
        default:
            // Local (disk, file access, cancel, internal, usage), or a file that changed on the server,
            // which its downloader answers by starting over, never by asking the same again.
            return FailureClass::Final;
    }
}

bool is_retryable_failure(const AttemptFailure& failure) {
    return classify(failure) != FailureClass::Final;
}

RetryDecision next_retry(const AttemptFailure& failure, std::string_view signature, RetryHistory& history,
                         int max_retries, const RetryTiming& timing, std::mt19937& rng, bool any_status) {
    ++history.failures;
    FailureClass cls = classify(failure, any_status);
    if (cls == FailureClass::Transient && escalates_on_repeat(failure.reason) && !signature.empty() &&
        signature == history.last_signature)
        cls = FailureClass::Persistent;
    history.last_signature = std::string(signature);
    RetryDecision d;
    d.failure_class = cls;
    if (cls == FailureClass::Final || history.failures > max_retries) return d;
    // A protocol violation says nothing about load: waiting does not help it. Its first retry is
    // quick and is one of the two a violation that repeats gets, so it ends after 3 attempts.
    const bool quick_first =
        cls == FailureClass::Transient && failure.reason == FailReason::BadResponse && history.failures == 1;
    if (cls == FailureClass::Persistent || quick_first) {
        if (history.quick_retries >= timing.persistent_retries) return d;
        ++history.quick_retries;
        d.retry = true;
        d.delay_seconds =
            backoff(timing, history.quick_retries, std::min(timing.quick_seconds, timing.max_seconds), rng);
        return d;
    }
    d.retry = true;
    d.delay_seconds = failure.retry_after
                          ? std::clamp(*failure.retry_after, 0.0, timing.retry_after_cap_seconds)
                          : backoff(timing, history.failures, timing.max_seconds, rng);
    return d;
}

RetryDecision decide_retry(const AttemptFailure& failure, int failures_so_far, int max_retries,
                           const RetryTiming& timing, std::mt19937& rng) {
    RetryDecision d;
    d.failure_class = classify(failure);
    if (d.failure_class != FailureClass::Transient || failures_so_far > max_retries) return d;
    d.retry = true;
    d.delay_seconds = failure.retry_after
                          ? std::clamp(*failure.retry_after, 0.0, timing.retry_after_cap_seconds)
                          : backoff(timing, failures_so_far, timing.max_seconds, rng);
    return d;
}

std::string gave_up_note(const RetryDecision& decision, int attempts) {
    if (decision.failure_class == FailureClass::Final && attempts <= 1) return {};
    return " (gave up after " + std::to_string(attempts) + (attempts == 1 ? " attempt)" : " attempts)");
}

}  // namespace arina::net
