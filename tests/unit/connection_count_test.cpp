#include "transfer/connection_count.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>

#include "transfer/host_connection_memory.hpp"

namespace arina::transfer {
namespace {

using namespace std::chrono_literals;
using Clock = ConnectionCount::Clock;
constexpr double MiB = 1024.0 * 1024.0;

// A simulated server: the total rate `rate(connections)` in bytes/s, optionally a cap of
// concurrent connections beyond which it refuses (503), and some jitter on every sample.
struct SimServer {
    std::function<double(int)> rate;
    int cap = 0;  // 0: no cap
    double jitter = 0.03;
};

struct SimRun {
    int max_target = 0;   // the most connections ever asked for
    int max_running = 0;  // the most the server ever served at once
    int refusals = 0;
    Clock::duration settled_after{};
    bool settled = false;
};

// Feeds the controller a sample every 50 ms of simulated time for at most `limit`, as a download
// would: the requests in flight are the target (a download with plenty of pieces left), and the
// extra requests beyond a server's cap are refused in one burst, each seeing the others still in
// flight.
SimRun simulate(ConnectionCount& count, const SimServer& server, Clock::time_point start,
                Clock::duration limit = 30s) {
    std::mt19937 rng(12);
    std::uniform_real_distribution<double> noise(1 - server.jitter, 1 + server.jitter);
    SimRun run;
    double bytes = 0;
    for (auto t = start; t < start + limit; t += 50ms) {
        int in_flight = count.target();
        run.max_target = std::max(run.max_target, in_flight);
        while (server.cap > 0 && in_flight > server.cap) {
            --in_flight;
            ++run.refusals;
            count.on_refused(in_flight);
        }
        const int running = std::min(count.target(), in_flight);
        run.max_running = std::max(run.max_running, running);
        bytes += server.rate(running) * 0.05 * noise(rng);
        count.on_sample(t, static_cast<std::int64_t>(bytes), running);
        if (count.settled() && !run.settled) {
            run.settled = true;
            run.settled_after = t - start;
        }
    }
    return run;
}

ConnectionCountSettings with_budget(int budget) {
    ConnectionCountSettings s;
    s.budget = budget;
    return s;
}

TEST(ConnectionCount, PerConnectionLimitGrowsToTheBudget) {
    const auto t0 = Clock::time_point{} + 1h;
    ConnectionCount count(with_budget(16), t0);
    EXPECT_EQ(count.target(), 2);
    EXPECT_EQ(count.reason(), CountReason::Probing);
    const auto run = simulate(count, {.rate = [](int c) { return 4 * MiB * c; }}, t0);
    EXPECT_EQ(count.target(), 16);
    EXPECT_EQ(count.reason(), CountReason::Budget);
    ASSERT_TRUE(run.settled);
    // 2 -> 4 (proportional gain, so the next step is 4x) -> 16: three windows of about a second.
    EXPECT_LE(run.settled_after, 4s);
    EXPECT_GT(count.measured_rate(), 15 * 4 * MiB);
    ASSERT_TRUE(count.learnt());
    EXPECT_EQ(count.learnt()->count, 16);
    EXPECT_EQ(count.learnt()->ceiling, 16);
}

TEST(ConnectionCount, PerConnectionLimitReachesTheBudgetWithinASecond) {
    // Every moment below the budget costs: with 16 connections worth 4 MiB/s each, the time at 2
    // and 4 is what -N auto loses against -N 16. 2 (settle + first window) -> 4 (settle + early
    // window, the gain being proportional) -> 16.
    const auto t0 = Clock::time_point{} + 1h;
    ConnectionCount count(with_budget(16), t0);
    simulate(count, {.rate = [](int c) { return 4 * MiB * c; }}, t0, 1s);
    EXPECT_EQ(count.target(), 16);
    EXPECT_EQ(count.reason(), CountReason::Growing);  // reached; Budget once measured there
}

TEST(ConnectionCount, AggregateLimitStaysSmall) {
    // 100 Mbit/s shared by every connection: two connections have it all.
    const auto t0 = Clock::time_point{} + 1h;
    ConnectionCount count(with_budget(16), t0);
    const auto run = simulate(count, {.rate = [](int) { return 12.5e6; }}, t0);
    EXPECT_EQ(count.target(), 2);
    EXPECT_EQ(count.reason(), CountReason::NoGain);
    EXPECT_LE(run.max_target, 4);
    EXPECT_TRUE(run.settled);
    EXPECT_LE(run.settled_after, 3s);
}

TEST(ConnectionCount, LinkBottleneckAboveTheFirstCountsStopsWhereTheGainEnds) {
    // 4 MiB/s per connection on a link of 20 MiB/s: 4 connections have 16, 16 have 20 (+25 %,
    // still worth it); with a link of 16.5 MiB/s the step to 16 brings 3 %, and so does 8: back to 4.
    const auto t0 = Clock::time_point{} + 1h;
    ConnectionCount wide(with_budget(16), t0);
    simulate(wide, {.rate = [](int c) { return std::min(4 * MiB * c, 20 * MiB); }}, t0);
    EXPECT_EQ(wide.target(), 16);
    EXPECT_EQ(wide.reason(), CountReason::Budget);

    ConnectionCount narrow(with_budget(16), t0);
    const auto run = simulate(
        narrow, {.rate = [](int c) { return std::min(4 * MiB * c, 16.5 * MiB); }, .jitter = 0.01}, t0);
    EXPECT_EQ(narrow.target(), 4);
    EXPECT_EQ(narrow.reason(), CountReason::NoGain);
    EXPECT_EQ(run.max_target, 16);
}

TEST(ConnectionCount, ASmallGainAfterALargeStepKeepsTheCountHalfway) {
    // A link of 17 MiB/s: 4 connections have 16, 16 have 17 (+6 %, under min_gain): the count
    // halfway, 8, also has 17: a small but real gain over 4, kept, and no further step.
    const auto t0 = Clock::time_point{} + 1h;
    ConnectionCount count(with_budget(16), t0);
    const auto run =
        simulate(count, {.rate = [](int c) { return std::min(4 * MiB * c, 17 * MiB); }, .jitter = 0.01}, t0);
    EXPECT_EQ(count.target(), 8);
    EXPECT_EQ(count.reason(), CountReason::SmallGain);
    EXPECT_EQ(run.max_target, 16);
    ASSERT_TRUE(count.learnt());
    EXPECT_EQ(count.learnt()->count, 8);
    EXPECT_EQ(count.learnt()->reason, CountReason::SmallGain);
}

// The controller fed by hand: one window at each count, the rates given, as a download would
// sample them (every 50 ms, `count` requests in flight). Returns when `count` changed or settled.
void feed_window(ConnectionCount& count, Clock::time_point& t, double& bytes, double rate) {
    const int at = count.target();
    for (int i = 0; i < 40 && count.target() == at && !count.settled(); ++i) {
        t += 50ms;
        bytes += rate * 0.05;
        count.on_sample(t, static_cast<std::int64_t>(bytes), at);
    }
}

TEST(ConnectionCount, ASmallButRealGainIsKeptAndTheRampStops) {
    // A server's shared rate that 4 connections fill 8 % better than 2 (the 20 ms of each request
    // no longer leaves it idle): above small_gain, below min_gain.
    const auto t0 = Clock::time_point{} + 1h;
    auto t = t0;
    double bytes = 0;
    ConnectionCount count(with_budget(16), t0);
    feed_window(count, t, bytes, 11.5e6);
    EXPECT_EQ(count.target(), 4);
    EXPECT_EQ(count.reason(), CountReason::Growing);
    feed_window(count, t, bytes, 12.42e6);
    EXPECT_EQ(count.target(), 4);
    EXPECT_EQ(count.reason(), CountReason::SmallGain);
    EXPECT_TRUE(count.settled());
    EXPECT_EQ(to_string(count.reason()), "small_gain");
    ASSERT_TRUE(count.learnt());
    EXPECT_EQ(count.learnt()->count, 4);
    // Settled: later windows, even with a larger rate, change nothing.
    feed_window(count, t, bytes, 20e6);
    EXPECT_EQ(count.target(), 4);
}

TEST(ConnectionCount, AGainUnderTheSmallThresholdGoesBack) {
    // +3 %: noise, or a bottleneck already reached: back to 2.
    const auto t0 = Clock::time_point{} + 1h;
    auto t = t0;
    double bytes = 0;
    ConnectionCount count(with_budget(16), t0);
    feed_window(count, t, bytes, 12.0e6);
    EXPECT_EQ(count.target(), 4);
    feed_window(count, t, bytes, 12.36e6);
    EXPECT_EQ(count.target(), 2);
    EXPECT_EQ(count.reason(), CountReason::NoGain);
    EXPECT_TRUE(count.settled());
}

TEST(ConnectionCount, AClearGainKeepsRampingAndASmallOneEndsIt) {
    // 2 -> 4 +40 % (clear, not proportional: the next step is 2x) -> 8 +10 % (small): stays at 8.
    const auto t0 = Clock::time_point{} + 1h;
    auto t = t0;
    double bytes = 0;
    ConnectionCount count(with_budget(16), t0);
    feed_window(count, t, bytes, 10e6);
    feed_window(count, t, bytes, 14e6);
    EXPECT_EQ(count.target(), 8);
    EXPECT_EQ(count.reason(), CountReason::Growing);
    feed_window(count, t, bytes, 15.4e6);
    EXPECT_EQ(count.target(), 8);
    EXPECT_EQ(count.reason(), CountReason::SmallGain);
    EXPECT_TRUE(count.settled());
}

TEST(ConnectionCount, TheSmallGainThresholdIsASetting) {
    // With small_gain at min_gain the rule is the old one: a step under min_gain goes back.
    const auto t0 = Clock::time_point{} + 1h;
    auto t = t0;
    double bytes = 0;
    auto settings = with_budget(16);
    settings.small_gain = settings.min_gain;
    ConnectionCount count(settings, t0);
    feed_window(count, t, bytes, 11.5e6);
    feed_window(count, t, bytes, 12.42e6);
    EXPECT_EQ(count.target(), 2);
    EXPECT_EQ(count.reason(), CountReason::NoGain);
}

TEST(ConnectionCount, AServerThatSlowsDownUnderManyConnectionsSettlesHalfway) {
    // 16 connections make this server thrash back to the rate of 4; 8 are still better than 4.
    const auto t0 = Clock::time_point{} + 1h;
    ConnectionCount count(with_budget(16), t0);
    simulate(count, {.rate = [](int c) { return c <= 8 ? 4 * MiB * c : 16 * MiB; }, .jitter = 0.01}, t0);
    EXPECT_EQ(count.target(), 8);
    EXPECT_EQ(count.reason(), CountReason::NoGain);
}

TEST(ConnectionCount, CapOfThreeWith503SettlesAtThreeAtMost) {
    const auto t0 = Clock::time_point{} + 1h;
    ConnectionCount count(with_budget(16), t0);
    const auto run = simulate(count, {.rate = [](int c) { return 4 * MiB * c; }, .cap = 3}, t0);
    EXPECT_LE(count.target(), 3);
    EXPECT_EQ(count.target(), 3);  // the burst of refusals ends at what the server accepted
    EXPECT_EQ(count.ceiling(), 3);
    EXPECT_EQ(count.reason(), CountReason::Refused);
    EXPECT_LE(run.max_running, 3);
    EXPECT_EQ(run.refusals, 1);  // 2 -> 4: the fourth was refused, and nothing was tried again
    ASSERT_TRUE(count.learnt());
    EXPECT_EQ(count.learnt()->ceiling, 3);
    EXPECT_EQ(count.learnt()->reason, CountReason::Refused);
}

TEST(ConnectionCount, CapOfSixMetByALargeStepSettlesAtSix) {
    // 4 -> 16: ten extra requests are refused one after another; the ceiling follows them down.
    const auto t0 = Clock::time_point{} + 1h;
    ConnectionCount count(with_budget(16), t0);
    const auto run = simulate(count, {.rate = [](int c) { return 4 * MiB * c; }, .cap = 6}, t0);
    EXPECT_EQ(count.target(), 6);
    EXPECT_EQ(count.reason(), CountReason::Refused);
    EXPECT_EQ(run.refusals, 10);
    EXPECT_EQ(run.max_target, 16);
}

TEST(ConnectionCount, OnlyWindowsAtTheFullCountAreMeasured) {
    // A download's tail has fewer pieces than connections: no decision is taken from it.
    const auto t0 = Clock::time_point{} + 1h;
    ConnectionCount count(with_budget(16), t0);
    for (int i = 0; i < 200; ++i) count.on_sample(t0 + i * 50ms, i * 100'000, 1);
    EXPECT_EQ(count.target(), 2);
    EXPECT_FALSE(count.settled());
    // Nor from the settle time after a change, nor from a stall.
    ConnectionCount stalled(with_budget(16), t0);
    for (int i = 0; i < 200; ++i) stalled.on_sample(t0 + i * 50ms, 5000, 2);
    EXPECT_EQ(stalled.target(), 2);
    EXPECT_FALSE(stalled.settled());
}

TEST(ConnectionCount, ABudgetAtOrBelowTheFirstCountIsSettledAtOnce) {
    const auto t0 = Clock::time_point{} + 1h;
    ConnectionCount count(with_budget(1), t0);
    EXPECT_EQ(count.target(), 1);
    EXPECT_EQ(count.reason(), CountReason::Budget);
    EXPECT_TRUE(count.settled());
}

TEST(ConnectionCount, StartsAtWhatWasLearntAndStaysBelowARefusal) {
    const auto t0 = Clock::time_point{} + 1h;
    ConnectionCount count(with_budget(16), t0, LearntCount{3, 3, CountReason::Refused});
    EXPECT_EQ(count.target(), 3);
    EXPECT_EQ(count.ceiling(), 3);
    EXPECT_EQ(count.reason(), CountReason::Learnt);
    EXPECT_TRUE(count.settled());
    EXPECT_FALSE(count.learnt());  // nothing new to remember
    simulate(count, {.rate = [](int c) { return 4 * MiB * c; }}, t0, 5s);
    EXPECT_EQ(count.target(), 3);  // no probing beyond what the host allowed before
    // The server now refuses the third: the new ceiling is worth remembering.
    count.on_refused(2);
    EXPECT_EQ(count.target(), 2);
    EXPECT_EQ(count.reason(), CountReason::Refused);
    ASSERT_TRUE(count.learnt());
    EXPECT_EQ(count.learnt()->ceiling, 2);
    // A learnt count above this download's budget is cut to it.
    ConnectionCount small(with_budget(4), t0, LearntCount{16, 16, CountReason::Budget});
    EXPECT_EQ(small.target(), 4);
    EXPECT_EQ(small.ceiling(), 4);
}

TEST(HostConnectionMemory, RemembersPerOriginAndKeepsARefusedCeiling) {
    HostConnectionMemory memory;
    EXPECT_FALSE(memory.recall("http://127.0.0.1:8080"));
    memory.remember("http://127.0.0.1:8080", {3, 3, CountReason::Refused});
    memory.remember("http://127.0.0.1:9090", {16, 16, CountReason::Budget});
    ASSERT_TRUE(memory.recall("http://127.0.0.1:8080"));
    EXPECT_EQ(memory.recall("http://127.0.0.1:8080")->count, 3);
    EXPECT_EQ(memory.recall("http://127.0.0.1:9090")->count, 16);
    // A later download that measured more without being refused does not lift the ceiling.
    memory.remember("http://127.0.0.1:8080", {8, 8, CountReason::Budget});
    EXPECT_EQ(memory.recall("http://127.0.0.1:8080")->count, 3);
    EXPECT_EQ(memory.recall("http://127.0.0.1:8080")->ceiling, 3);
    EXPECT_EQ(memory.recall("http://127.0.0.1:8080")->reason, CountReason::Refused);
    // A lower count within the ceiling is taken.
    memory.remember("http://127.0.0.1:8080", {2, 8, CountReason::NoGain});
    EXPECT_EQ(memory.recall("http://127.0.0.1:8080")->count, 2);
    EXPECT_EQ(memory.recall("http://127.0.0.1:8080")->ceiling, 3);
}

}  // namespace
}  // namespace arina::transfer
