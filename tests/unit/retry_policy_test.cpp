#include "net/retry_policy.hpp"

#include <gtest/gtest.h>

namespace arina::net {
namespace {

TEST(RetryPolicy, BacksOffExponentiallyWithJitterUpToTheCeiling) {
    std::mt19937 rng(7);
    RetryTiming timing{1.0, 8.0, 60.0};
    const AttemptFailure f{FailReason::Network, 0, std::nullopt};
    for (int attempt = 1; attempt <= 6; ++attempt) {
        const auto d = decide_retry(f, attempt, 10, timing, rng);
        ASSERT_TRUE(d.retry);
        const double ceiling = std::min(8.0, std::pow(2.0, attempt - 1));
        EXPECT_GE(d.delay_seconds, ceiling / 2) << attempt;
        EXPECT_LE(d.delay_seconds, ceiling) << attempt;
    }
}

TEST(RetryPolicy, StopsAfterMaxRetries) {
    std::mt19937 rng(1);
    const AttemptFailure f{FailReason::Timeout, 0, std::nullopt};
    EXPECT_TRUE(decide_retry(f, 3, 3, {}, rng).retry);
    EXPECT_FALSE(decide_retry(f, 4, 3, {}, rng).retry);
    EXPECT_FALSE(decide_retry(f, 1, 0, {}, rng).retry);
}

TEST(RetryPolicy, HonoursRetryAfterButCapsIt) {
    std::mt19937 rng(1);
    RetryTiming timing{1.0, 30.0, 20.0};
    EXPECT_DOUBLE_EQ(decide_retry({FailReason::Http, 503, 7.0}, 1, 10, timing, rng).delay_seconds, 7.0);
    EXPECT_DOUBLE_EQ(decide_retry({FailReason::Http, 429, 3600.0}, 1, 10, timing, rng).delay_seconds, 20.0);
}

TEST(RetryPolicy, ClientErrorsAreNotRetried) {
    std::mt19937 rng(1);
    EXPECT_FALSE(decide_retry({FailReason::Http, 404, std::nullopt}, 1, 10, {}, rng).retry);
    EXPECT_FALSE(decide_retry({FailReason::Http, 403, std::nullopt}, 1, 10, {}, rng).retry);
    EXPECT_FALSE(decide_retry({FailReason::Tls, 0, std::nullopt}, 1, 10, {}, rng).retry);
    EXPECT_FALSE(decide_retry({FailReason::DiskFull, 0, std::nullopt}, 1, 10, {}, rng).retry);
    EXPECT_TRUE(decide_retry({FailReason::Http, 503, std::nullopt}, 1, 10, {}, rng).retry);
    EXPECT_TRUE(decide_retry({FailReason::Http, 429, std::nullopt}, 1, 10, {}, rng).retry);
    EXPECT_FALSE(decide_retry({FailReason::Http, 501, std::nullopt}, 1, 10, {}, rng).retry);
}

TEST(FailureClass, OneTableForEveryFailure) {
    EXPECT_EQ(classify({FailReason::Timeout, 0, std::nullopt}), FailureClass::Transient);
    EXPECT_EQ(classify({FailReason::Http, 503, std::nullopt}), FailureClass::Transient);
    EXPECT_EQ(classify({FailReason::Http, 408, std::nullopt}), FailureClass::Transient);
    EXPECT_EQ(classify({FailReason::Http, 429, 5.0}), FailureClass::Transient);
    EXPECT_EQ(classify({FailReason::Http, 404, std::nullopt}), FailureClass::Final);
    EXPECT_EQ(classify({FailReason::Http, 404, std::nullopt}, /*any_status=*/true), FailureClass::Persistent);
    EXPECT_EQ(classify({FailReason::Http, 501, std::nullopt}), FailureClass::Final);
    EXPECT_EQ(classify({FailReason::Network, 0, std::nullopt, FailureClass::Persistent}),
              FailureClass::Persistent);
    EXPECT_EQ(classify({FailReason::Tls, 0, std::nullopt}), FailureClass::Persistent);
    EXPECT_EQ(classify({FailReason::Tls, 0, std::nullopt, FailureClass::Final}), FailureClass::Final);
    EXPECT_EQ(classify({FailReason::DiskFull, 0, std::nullopt}), FailureClass::Final);
    EXPECT_EQ(classify({FailReason::Cancelled, 0, std::nullopt}), FailureClass::Final);
}

TEST(FailureClass, PersistentFailuresGetTwoQuickRetries) {
    std::mt19937 rng(3);
    const RetryTiming timing{1.0, 30.0, 120.0};
    RetryHistory h;
    const AttemptFailure refused{FailReason::Network, 0, std::nullopt, FailureClass::Persistent};
    for (int i = 0; i < 2; ++i) {
        const auto d = next_retry(refused, "refused", h, 10, timing, rng);
        ASSERT_TRUE(d.retry) << i;
        EXPECT_EQ(d.failure_class, FailureClass::Persistent);
        EXPECT_LE(d.delay_seconds, timing.quick_seconds);
    }
    EXPECT_FALSE(next_retry(refused, "refused", h, 10, timing, rng).retry);
    EXPECT_EQ(h.failures, 3);
}

TEST(FailureClass, AViolationThatRepeatsIdenticallyBecomesPersistent) {
    std::mt19937 rng(3);
    const RetryTiming timing{1.0, 30.0, 120.0};
    RetryHistory h;
    const AttemptFailure bad{FailReason::BadResponse, 0, std::nullopt};
    auto d = next_retry(bad, "Content-Range 'bytes 10-99/100' @0", h, 10, timing, rng);
    EXPECT_TRUE(d.retry);
    EXPECT_EQ(d.failure_class, FailureClass::Transient);
    EXPECT_LE(d.delay_seconds, timing.quick_seconds);  // a violation is not load: a quick retry
    d = next_retry(bad, "Content-Range 'bytes 10-99/100' @0", h, 10, timing, rng);
    EXPECT_TRUE(d.retry);
    EXPECT_EQ(d.failure_class, FailureClass::Persistent);
    EXPECT_LE(d.delay_seconds, timing.quick_seconds);
    d = next_retry(bad, "Content-Range 'bytes 10-99/100' @0", h, 10, timing, rng);
    EXPECT_FALSE(d.retry);  // two quick retries in all
    EXPECT_EQ(gave_up_note(d, h.failures), " (gave up after 3 attempts)");
}

TEST(FailureClass, ACutAtTheSameByteAgainGetsTwoQuickRetriesAfterItsRepeat) {
    std::mt19937 rng(3);
    const RetryTiming timing{1.0, 30.0, 120.0};
    RetryHistory h;
    const AttemptFailure cut{FailReason::Network, 0, std::nullopt};
    auto d = next_retry(cut, "transfer closed with 100 bytes remaining", h, 10, timing, rng);
    EXPECT_TRUE(d.retry);
    EXPECT_GE(d.delay_seconds, 0.5);  // a cut is transient until it repeats: an ordinary back-off
    for (int i = 0; i < 2; ++i) {
        d = next_retry(cut, "transfer closed with 100 bytes remaining", h, 10, timing, rng);
        EXPECT_TRUE(d.retry);
        EXPECT_EQ(d.failure_class, FailureClass::Persistent);
        EXPECT_LE(d.delay_seconds, timing.quick_seconds);
    }
    EXPECT_FALSE(next_retry(cut, "transfer closed with 100 bytes remaining", h, 10, timing, rng).retry);
    EXPECT_EQ(h.failures, 4);
}

TEST(FailureClass, CutsAtNewPlacesAreProgressAndKeepTheFullBudget) {
    std::mt19937 rng(3);
    RetryHistory h;
    const AttemptFailure cut{FailReason::Network, 0, std::nullopt};
    for (int i = 0; i < 10; ++i) {
        const auto d =
            next_retry(cut, "transfer closed with " + std::to_string(1000 - 50 * i) + " bytes remaining", h,
                       10, {}, rng);
        ASSERT_TRUE(d.retry) << i;
        EXPECT_EQ(d.failure_class, FailureClass::Transient) << i;
    }
    EXPECT_FALSE(next_retry(cut, "transfer closed with 1 bytes remaining", h, 10, {}, rng).retry);
}

TEST(FailureClass, FinalFailuresAreNotRetriedAndSayNothingAboutAttempts) {
    std::mt19937 rng(3);
    RetryHistory h;
    const auto d = next_retry({FailReason::Http, 404, std::nullopt}, "404", h, 10, {}, rng);
    EXPECT_FALSE(d.retry);
    EXPECT_EQ(gave_up_note(d, h.failures), "");
}

}  // namespace
}  // namespace arina::net
