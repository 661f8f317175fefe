#pragma once
// How many connections a plain download with `-N auto` uses: a pure controller, fed the
// download's running byte total and the server's refusals, answering the count to aim for and
// why. No clock of its own (every call says when), no network: unit-tested on simulated curves.
//
//  - It starts with a few connections and measures the total rate over a window, once the count
//    has settled (a new connection's set-up and TCP slow start are not its rate) and only while
//    that many requests are really in flight (the tail of a download has fewer).
//  - A step up is kept when the rate grew by a meaningful share of what the added connections
//    would bring if each did as well as the ones before; the next step is larger when the gain
//    was nearly proportional (the limit is per connection), so a large budget is reached in few
//    windows.
//  - A step that brought a small but real gain (at least small_gain, less than min_gain) is kept,
//    and the ramp stops there: the bottleneck is nearly reached, and the few connections it took are
//    cheaper than the share of the rate left on the table (a server's shared rate is often filled a
//    little better by 4 connections than by 2). Final.
//  - A step that brought less is taken back: the bottleneck is shared by all connections (the
//    link, or a server with one rate for all of them). After a step of 4x that gained less than
//    min_gain, the count halfway is measured once before settling (its gain over the smaller count
//    decides as above). Final.
//  - The per-host budget is the ceiling. Final.
//  - A refusal (429, 503, a refused connection) while other connections flow lowers the ceiling
//    to the other requests in flight, for the rest of the session (HostConnectionMemory
//    carries it to the next download from that host). Final.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace arina::transfer {

/// Why the count is what it is (shown with -v, in JSON progress and --stats).
enum class CountReason {
    Fixed,      ///< not automatic: -N, a profile's or the config's count
    Probing,    ///< the first count, being measured
    Growing,    ///< the last step raised the total rate: a larger count is being measured
    Budget,     ///< reached the per-host budget (--max-connections-per-host)
    NoGain,     ///< more connections did not raise the total rate: stepped back
    SmallGain,  ///< the last step raised the total rate a little: kept, no further step
    Refused,    ///< the server refused an extra connection (429/503/refused): stays below
    Learnt,     ///< started at what an earlier download from this host settled on
};

/// "fixed", "probing", "growing", "budget", "no_gain", "small_gain", "refused", "learnt".
std::string_view to_string(CountReason reason);

/// Where a download from one host settled: what the next download from it starts with.
struct LearntCount {
    int count = 0;    ///< the count it settled on
    int ceiling = 0;  ///< never more than this (lowered by refusals; else the budget)
    CountReason reason = CountReason::Budget;
};

struct ConnectionCountSettings {
    int initial = 2;  ///< connections to start with (when nothing is learnt)
    int budget = 8;   ///< the most ever (the per-host budget)
    /// Once the count is in flight, this long is not measured: new connections are still being set up
    /// (a request's latency, the first round trips of a new connection).
    std::chrono::milliseconds settle{150};
    /// The first count's rate, the baseline of the first step, is measured over this long: every
    /// moment at the first count costs most when the limit turns out to be per connection.
    std::chrono::milliseconds first_window{300};
    /// The rate at a larger count is measured over this long ...
    std::chrono::milliseconds window{500};
    /// ... or only this long when the gain over the smaller count is already nearly proportional
    /// (steep_gain_share): the clear case of a per-connection limit, where every window spent at
    /// the smaller count costs the most.
    std::chrono::milliseconds early_window{200};
    /// A step is worth keeping, and the next one worth trying, when the total rate grew by at least
    /// this fraction.
    double min_gain = 0.15;
    /// A step that gained less than min_gain but at least this fraction is kept, and the count
    /// settles there (CountReason::SmallGain). Below it the step is noise: taken back.
    double small_gain = 0.05;
    /// When a step's gain was at least this share of proportional growth (each added connection
    /// brought about as much as each earlier one), the next step multiplies the count by 4, not 2.
    double steep_gain_share = 0.75;
};

class ConnectionCount {
  public:
    using Clock = std::chrono::steady_clock;

    /// Starts at settings.initial (bounded by the budget), or at what `learnt` says.
    ConnectionCount(ConnectionCountSettings settings, Clock::time_point now,
                    std::optional<LearntCount> learnt = std::nullopt);

    /// The download's running total of received bytes at `now`, with the number of requests in
    /// flight. True when the target changed.
    bool on_sample(Clock::time_point now, std::int64_t total_bytes, int in_flight);
    /// The server refused one more connection (429/503, connection refused) while
    /// `others_in_flight` other requests of the download were running (the caller makes sure some
    /// of them receive data: a server refusing everything is a failure, not a limit). The ceiling
    /// drops to that number; a burst of refusals brings it down to what the server accepted.
    /// True when the target changed.
    bool on_refused(int others_in_flight);

    int target() const { return target_; }
    int ceiling() const { return ceiling_; }
    CountReason reason() const { return reason_; }
    /// The count has stopped moving (budget, no gain, refused, learnt).
    bool settled() const { return settled_; }
    /// What to remember for the host once settled by measurement or refusal (not when learnt).
    std::optional<LearntCount> learnt() const;
    /// The rate the last decision was based on, bytes/s (0 before the first window).
    double measured_rate() const { return last_rate_; }

  private:
    void step_to(int count, CountReason reason, Clock::time_point now);
    void settle(int count, CountReason reason);
    void decide(double rate, Clock::time_point now);
    double gain_share(double rate) const;  // of proportional growth over previous_

    struct Mark {
        Clock::time_point at;
        std::int64_t bytes = 0;
    };
    struct Measured {
        int count = 0;
        double rate = 0;
    };

    ConnectionCountSettings settings_;
    int target_ = 1;
    int ceiling_ = 1;
    CountReason reason_ = CountReason::Probing;
    bool settled_ = false;
    bool from_memory_ = false;
    bool bisecting_ = false;  // a large step gave nothing: measuring the count halfway
    Clock::time_point level_since_;
    std::optional<Mark> window_start_;
    std::optional<Measured> previous_;
    double last_rate_ = 0;
};

}  // namespace arina::transfer
