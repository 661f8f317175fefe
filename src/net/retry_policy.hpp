#pragma once
// Which failures are worth waiting for, and for how long. One classification of every failure
// (docs/failures.md has it as a table); a retry is a value, never an exception: callers ask
// `next_retry` and schedule a timer with the delay.
//
// Classes:
//   Transient   timeouts, connection resets, 5xx, 408/425/429 (with or without Retry-After), a body
//               cut short after real progress: the full retry budget, exponential back-off with jitter,
//               Retry-After honoured.
//   Persistent  name not found, connection refused on every address, a TLS handshake that fails, a
//               protocol violation that repeats identically, 4xx answers to requests that may be retried
//               (stream fragments): at most `RetryTiming::persistent_retries` quick retries. A
//               protocol violation's first retry is quick already and counts as one of them (3
//               attempts); a body cut at the same byte again had an ordinary back-off before its
//               repeat showed it persistent (4 attempts: a cut is transient until it repeats).
//   Final       the answer will not change: TLS certificate verification, 4xx to a plain download,
//               local errors (disk, file access, cancel). Not retried.

#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "util/fail_reason.hpp"

namespace arina::net {

enum class FailureClass { Transient, Persistent, Final };

std::string_view to_string(FailureClass c);

struct RetryTiming {
    double base_seconds = 1.0;  ///< first back-off; doubles each attempt (--retry-sleep exp=BASE:MAX)
    double max_seconds = 30.0;  ///< back-off ceiling
    double retry_after_cap_seconds = 120.0;  ///< a server's Retry-After is honoured up to this
    int persistent_retries = 2;              ///< quick retries of a persistent failure
    double quick_seconds = 0.25;             ///< the longest wait before such a quick retry
};

struct RetryDecision {
    bool retry = false;
    double delay_seconds = 0;
    FailureClass failure_class = FailureClass::Transient;  ///< of the failure decided on
};

/// What one failed attempt looked like, as far as the retry decision cares.
struct AttemptFailure {
    FailReason reason = FailReason::Network;
    int http_status = 0;                ///< 0 when no HTTP answer
    std::optional<double> retry_after;  ///< seconds, from the server
    /// What the failure itself says about the next attempt, where the HTTP status does not: the
    /// engine marks name-not-found and refused connections Persistent, certificate errors Final
    /// (net::failure_class_for); a protocol violation starts Transient and becomes Persistent when it
    /// repeats identically (RetryHistory).
    FailureClass failure_class = FailureClass::Transient;
};

/// Whether an HTTP status is worth retrying: 408, 425, 429 and 5xx other than 501/505.
bool is_retryable_status(int status);

/// The class of one failure on its own. `any_status`: the request is one whose 4xx answers may
/// still change (a stream fragment a CDN has not received yet, a signed URL): they are Persistent
/// instead of Final.
FailureClass classify(const AttemptFailure& failure, bool any_status = false);

/// Whether a failure may succeed if the same request is sent again (Transient or Persistent).
bool is_retryable_failure(const AttemptFailure& failure);

/// The failures of one unit of work so far (a byte range, a fragment, a small fetch, the first
/// request of a download): what the next decision needs to know.
struct RetryHistory {
    int failures = 0;            ///< every failure so far
    int quick_retries = 0;       ///< retries given to persistent failures
    std::string last_signature;  ///< the previous failure, to recognise a repeat
};

/// Records `failure` in `history` and decides. `signature` describes the failure precisely enough
/// that an identical repeat means the server does the same thing again (the message, including the
/// offsets involved): a violation or a cut-off body whose signature equals the previous one's made no
/// progress and is Persistent. Retries while the budget (`max_retries` failures) lasts: Transient
/// failures with exponential back-off and full jitter in [delay/2, delay], or the server's Retry-After
/// (capped); Persistent ones at most `timing.persistent_retries` times, after at most
/// `timing.quick_seconds`.
RetryDecision next_retry(const AttemptFailure& failure, std::string_view signature, RetryHistory& history,
                         int max_retries, const RetryTiming& timing, std::mt19937& rng,
                         bool any_status = false);

/// The stateless form, for a failure on its own: `failures_so_far` counts this failure too (1 after
/// the first failure). Only Transient failures are retried, while failures_so_far <= max_retries.
RetryDecision decide_retry(const AttemptFailure& failure, int failures_so_far, int max_retries,
                           const RetryTiming& timing, std::mt19937& rng);

/// " (gave up after N attempts)" or, for a persistent failure, " (gave up after N attempts: the server
/// answers the same way every time)"; empty for a Final failure seen once.
std::string gave_up_note(const RetryDecision& decision, int attempts);

}  // namespace arina::net
