#include "transfer/hedge_planner.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace arina::transfer {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// A request measured for a second at `rate` with `left` bytes to go; a duplicate refetches them.
HedgeCandidate flowing(double left, double rate) {
    HedgeCandidate c;
    c.bytes_left = c.refetch_bytes = static_cast<std::int64_t>(left);
    c.rate = rate;
    c.seconds_measured = c.seconds_elapsed = 1.0;
    return c;
}

HedgeRules rules_at(double free_rate) {
    HedgeRules r;
    r.free_rate = free_rate;
    r.startup_seconds = 0.1;
    return r;
}

TEST(HedgePlanner, ASlowTailIsHedgedOnAFastFreeConnection) {
    // The straggler of the benchmark: 0.45 MiB left at 0.4 MiB/s (1.1 s); a free 4 MiB/s connection
    // needs 0.1 + 0.11 s.
    const std::vector<HedgeCandidate> c = {flowing(0.45 * kMiB, 0.4 * kMiB)};
    EXPECT_EQ(plan_hedge(c, rules_at(4 * kMiB)), 0u);
    EXPECT_NEAR(*own_seconds_left(c[0], rules_at(4 * kMiB)), 1.125, 1e-5);  // whole bytes
    EXPECT_NEAR(duplicate_seconds(c[0], rules_at(4 * kMiB)), 0.1 + 0.1125, 1e-5);
}

TEST(HedgePlanner, AnEvenNetworkIsNeverHedged) {
    // Every connection as fast as a free one: a duplicate cannot win by the margin.
    const std::vector<HedgeCandidate> c = {flowing(2 * kMiB, 4 * kMiB), flowing(0.3 * kMiB, 4 * kMiB),
                                           flowing(4 * kMiB, 4 * kMiB)};
    EXPECT_FALSE(plan_hedge(c, rules_at(4 * kMiB)));
    // Somewhat slower (half the rate) is not "clearly" slower for 1 MiB: 0.5 s vs 0.35 s.
    EXPECT_FALSE(plan_hedge(std::vector{flowing(1 * kMiB, 2 * kMiB)}, rules_at(4 * kMiB)));
}

TEST(HedgePlanner, TheMarginAndTheMinimumGainBothHold) {
    auto r = rules_at(4 * kMiB);
    r.startup_seconds = 0.02;
    // Five times the duplicate's time, but 80 KiB left: 0.195 s own vs 0.04 s, a gain under 0.25 s.
    EXPECT_FALSE(plan_hedge(std::vector{flowing(80 * 1024, 0.4 * kMiB)}, r));
    r.min_gain_seconds = 0.1;
    EXPECT_EQ(plan_hedge(std::vector{flowing(80 * 1024, 0.4 * kMiB)}, r), 0u);
    r.min_gain_seconds = 0.25;
    // A big gain but under the margin: 10 s own vs 6 s duplicate.
    EXPECT_FALSE(plan_hedge(std::vector{flowing(24 * kMiB, 2.4 * kMiB)}, r));
    r.margin = 1.5;
    EXPECT_EQ(plan_hedge(std::vector{flowing(24 * kMiB, 2.4 * kMiB)}, r), 0u);
}

TEST(HedgePlanner, PicksTheCandidateThatGainsMost) {
    std::vector<HedgeCandidate> c = {flowing(0.5 * kMiB, 0.4 * kMiB), flowing(1 * kMiB, 0.4 * kMiB),
                                     flowing(0.8 * kMiB, 0.4 * kMiB)};
    EXPECT_EQ(plan_hedge(c, rules_at(4 * kMiB)), 1u);
    c[1].eligible = false;  // already has its duplicate: never a second one
    EXPECT_EQ(plan_hedge(c, rules_at(4 * kMiB)), 2u);
}

TEST(HedgePlanner, RatesMeasuredTooBrieflyAreNotTrusted) {
    auto c = flowing(1 * kMiB, 0.1 * kMiB);
    c.seconds_measured = 0.1;
    EXPECT_FALSE(own_seconds_left(c, rules_at(4 * kMiB)));
    EXPECT_FALSE(plan_hedge(std::vector{c}, rules_at(4 * kMiB)));
}

TEST(HedgePlanner, AStalledRequestIsHedgedFirst) {
    HedgeCandidate stalled;
    stalled.bytes_left = stalled.refetch_bytes = 256 * 1024;
    stalled.seconds_elapsed = 0.2;  // still starting: not judged yet
    const auto rules = rules_at(4 * kMiB);
    EXPECT_FALSE(own_seconds_left(stalled, rules));
    stalled.seconds_elapsed = 2.0;  // nothing for two seconds
    EXPECT_TRUE(std::isinf(*own_seconds_left(stalled, rules)));
    const std::vector<HedgeCandidate> c = {flowing(3 * kMiB, 0.4 * kMiB), stalled};
    EXPECT_EQ(plan_hedge(c, rules), 1u);
}

TEST(HedgePlanner, NothingIsHedgedWithoutAKnownFreeRateOrWithTooFewBytes) {
    const std::vector<HedgeCandidate> c = {flowing(1 * kMiB, 0.1 * kMiB)};
    EXPECT_FALSE(plan_hedge(c, rules_at(0)));
    auto small = flowing(32 * 1024, 1024);
    EXPECT_FALSE(plan_hedge(std::vector{small}, rules_at(4 * kMiB)));
}

TEST(HedgePlanner, AStreamFragmentIsRefetchedWhole) {
    // 1 MiB left of a 4 MiB fragment at 0.4 MiB/s (2.5 s); the duplicate fetches all 4 MiB (1.1 s).
    auto c = flowing(1 * kMiB, 0.4 * kMiB);
    c.refetch_bytes = static_cast<std::int64_t>(4 * kMiB);
    EXPECT_EQ(plan_hedge(std::vector{c}, rules_at(4 * kMiB)), 0u);
    // With 0.5 MiB left (1.25 s) the whole refetch no longer wins by the margin.
    c.bytes_left = static_cast<std::int64_t>(0.5 * kMiB);
    EXPECT_FALSE(plan_hedge(std::vector{c}, rules_at(4 * kMiB)));
}

TEST(HedgePlanner, TypicalRateIsTheMedian) {
    EXPECT_EQ(typical_rate({}), 0);
    EXPECT_EQ(typical_rate({4, 0.4, 4, 4, 0.4}), 4);
    EXPECT_EQ(typical_rate({1, 9, 5}), 5);
}

TEST(HedgePlanner, MissingInListsTheHolesOfARange) {
    IntervalSet have;
    have.add({0, 100});
    have.add({200, 300});
    EXPECT_EQ(missing_in(have, {50, 250}), (std::vector<ByteRange>{{100, 200}}));
    EXPECT_EQ(missing_in(have, {0, 100}), std::vector<ByteRange>{});
    EXPECT_EQ(missing_in(have, {150, 400}), (std::vector<ByteRange>{{150, 200}, {300, 400}}));
    EXPECT_EQ(missing_in(have, {400, 500}), (std::vector<ByteRange>{{400, 500}}));
    EXPECT_EQ(missing_in(IntervalSet{}, {5, 10}), (std::vector<ByteRange>{{5, 10}}));
}

}  // namespace
}  // namespace arina::transfer
