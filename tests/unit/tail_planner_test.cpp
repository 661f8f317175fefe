#include "transfer/tail_planner.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace arina::transfer {
namespace {

constexpr std::int64_t MiB = 1024 * 1024;
constexpr double MB = 1e6;

// The stragglers benchmark shortly after the start: 16 requests of ~3.8 MiB left, every 4th on a
// connection at a tenth of the others' 4 MB/s.
std::vector<Running> every_fourth_slow() {
    std::vector<Running> running;
    for (int i = 0; i < 16; ++i) running.push_back({3800 * 1024, i % 4 == 3 ? 0.4 * MB : 4 * MB, true});
    return running;
}

TailRules rules_for(int connections, double typical_rate) {
    TailRules rules;
    rules.connections = connections;
    rules.typical_rate = typical_rate;
    return rules;
}

TEST(TailPlanner, BalancedTimeIsWhatIsLeftOverAllRates) {
    const std::vector<Running> running{{8 * MiB, 4 * MB, true}, {8 * MiB, 0, true}};
    auto rules = rules_for(3, 2 * MB);
    rules.waiting_bytes = 8 * MiB;
    // 24 MiB over 4 MB/s + 2 MB/s (unmeasured, typical) + 2 MB/s (a free slot).
    EXPECT_NEAR(balanced_seconds(running, rules), 24.0 * MiB / (8 * MB), 1e-9);
    EXPECT_TRUE(std::isinf(balanced_seconds({}, rules_for(0, 0))));
}

TEST(TailPlanner, SlowRequestsHandBackAllButWhatTheyCanDoInTheBalancedTime) {
    const auto running = every_fourth_slow();
    const auto rules = rules_for(16, 4 * MB);
    const double balanced = balanced_seconds(running, rules);
    EXPECT_NEAR(balanced, 16 * 3800.0 * 1024 / (49.6 * MB), 1e-6);  // about 1.25 s
    const auto plan = plan_handback(running, rules);
    ASSERT_EQ(plan.shorten.size(), 4u);
    std::int64_t handed_back = 0;
    for (const auto& h : plan.shorten) {
        EXPECT_EQ(h.index % 4, 3u);  // only the slow ones
        EXPECT_EQ(h.keep % (16 * 1024), 0);
        // Kept: what 0.4 MB/s does in the balanced time (rounded up to 16 KiB).
        EXPECT_GE(static_cast<double>(h.keep), 0.4 * MB * balanced);
        EXPECT_LT(static_cast<double>(h.keep), 0.4 * MB * balanced + 16 * 1024);
        handed_back += running[h.index].bytes_left - h.keep;
    }
    // About one piece for each of the 12 fast connections.
    EXPECT_GE(plan.piece_bytes * 12, handed_back);
    EXPECT_LT((plan.piece_bytes - 16 * 1024) * 12, handed_back);
}

TEST(TailPlanner, EvenConnectionsKeepTheirBytes) {
    std::vector<Running> running;
    for (int i = 0; i < 16; ++i) running.push_back({4 * MiB, (3.6 + 0.05 * i) * MB, true});
    EXPECT_TRUE(plan_handback(running, rules_for(16, 4 * MB)).shorten.empty());
    // One connection on an aggregate limit: nobody to hand bytes to.
    const std::vector<Running> alone{{64 * MiB, 0.4 * MB, true}};
    EXPECT_TRUE(plan_handback(alone, rules_for(1, 0.4 * MB)).shorten.empty());
}

TEST(TailPlanner, OnlyMeasuredMovableRequestsAreJudged) {
    auto running = every_fourth_slow();
    running[3].rate = 0;         // not measured long enough
    running[7].movable = false;  // a hedged copy racing its twin
    const auto plan = plan_handback(running, rules_for(16, 4 * MB));
    ASSERT_EQ(plan.shorten.size(), 2u);
    EXPECT_EQ(plan.shorten[0].index, 11u);
    EXPECT_EQ(plan.shorten[1].index, 15u);
    // Nothing is known about a typical connection: nothing moves.
    EXPECT_TRUE(plan_handback(every_fourth_slow(), rules_for(16, 0)).shorten.empty());
}

TEST(TailPlanner, ASmallRemainderStaysWhereItIs) {
    // 300 KiB left at 0.1 MB/s is 3 s, but handing back what is beyond 256 KiB is not worth a request.
    std::vector<Running> running{{300 * 1024, 0.1 * MB, true}};
    for (int i = 0; i < 7; ++i) running.push_back({64 * 1024, 4 * MB, true});
    EXPECT_TRUE(plan_handback(running, rules_for(8, 4 * MB)).shorten.empty());
}

TEST(TailPlanner, SplitPointMakesBothFinishTogether) {
    // Equal rates, no start-up: the middle.
    EXPECT_EQ(split_point(4 * MiB, 4 * MB, 4 * MB, 0, 256 * 1024), 2 * MiB);
    // No rates: the middle.
    EXPECT_EQ(split_point(4 * MiB, 0, 0, 0.1, 256 * 1024), 2 * MiB);
    // A request at a tenth of a free connection's rate keeps about a tenth (and a bit for the
    // free one's start-up); both then finish at the same time.
    const auto keep = split_point(4 * MiB, 0.4 * MB, 4 * MB, 0.05, 64 * 1024);
    EXPECT_EQ(keep % (16 * 1024), 0);
    const double own = static_cast<double>(keep) / (0.4 * MB);
    const double other = 0.05 + static_cast<double>(4 * MiB - keep) / (4 * MB);
    EXPECT_NEAR(own, other, 16.0 * 1024 / (0.4 * MB));
    // Never leaves either side below the minimum piece.
    EXPECT_EQ(split_point(4 * MiB, 0.001 * MB, 4 * MB, 0, 256 * 1024), 256 * 1024);
    EXPECT_EQ(split_point(4 * MiB, 4000 * MB, 4 * MB, 0, 256 * 1024), 4 * MiB - 256 * 1024);
}

}  // namespace
}  // namespace arina::transfer
