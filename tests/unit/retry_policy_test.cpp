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

}  // namespace
}  // namespace arina::net
