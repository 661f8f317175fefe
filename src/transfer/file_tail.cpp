#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <vector>

#include "transfer/file_download.hpp"
#include "transfer/hedge_planner.hpp"
#include "transfer/range_planner.hpp"
#include "transfer/tail_planner.hpp"

// The tail of a plain file: where connections that are not equal cost the most. A request far
// slower than the others hands the far end of its piece back to the queue as soon as its rate is
// known (tail_planner's plan_handback); a free connection with nothing queued takes part of the
// piece that will take longest, cut where both finish together (plan_split). What neither can fix
// any more is left to hedging (file_hedge.cpp). Kept apart from file_download.cpp, which plans,
// starts and checks the requests.

namespace arina::transfer {
namespace {

using Clock = std::chrono::steady_clock;

// Below this a piece is not worth a new connection, and a shortened request keeps at least this.
constexpr std::int64_t kMinTailPiece = 256 * 1024;
// A piece that will be done sooner than this is left alone: splitting it would abort a connection
// whose remaining bytes are mostly in flight already.
constexpr double kMinSplitSeconds = 0.5;
// A request that has delivered nothing for this long counts as not flowing at all.
constexpr double kNotFlowingSeconds = 1.0;
// A rate measured over less than this since the first byte is noise (the server's latency, slow
// start): the request is not judged yet.
constexpr double kMinMeasureSeconds = 0.3;
// The rates the typical rate is taken from, once at least this many are known.
constexpr std::size_t kMinRatesForTypical = 3;

double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

}  // namespace

double FileDownload::measured_rate(const Active& a, Clock::time_point now) const {
    if (a.received <= 0) return 0;
    const double flowing = seconds_between(a.first_byte, now);
    if (flowing < kMinMeasureSeconds) return 0;
    return static_cast<double>(a.received) / flowing;
}

// What a connection reaches typically: the median of the rates of recently finished pieces and of
// the requests running now (robust to the few slow connections the tail handling is about).
double FileDownload::typical_rate_now(Clock::time_point now) const {
    std::vector<double> rates(recent_rates_.begin(), recent_rates_.end());
    for (const auto& [id, a] : active_)
        if (!a.probe)
            if (const double r = measured_rate(a, now); r > 0) rates.push_back(r);
    if (rates.size() < kMinRatesForTypical) return 0;
    return typical_rate(std::move(rates));
}

void FileDownload::hand_back_slow_tails() {
    // While -N auto is still stepping up, the requests started at different counts: their rates
    // (each since its own first byte) are not comparable yet.
    if (count_ && !count_->settled()) return;
    const auto now = Clock::now();
    TailRules rules;
    rules.typical_rate = typical_rate_now(now);
    if (rules.typical_rate <= 0) return;
    rules.connections = target_connections();
    rules.min_piece = kMinTailPiece;
    for (const auto& w : waiting_) rules.waiting_bytes += w.range.size();
    std::vector<net::TransferId> ids;
    std::vector<Running> running;
    for (const auto& [id, a] : active_) {
        ids.push_back(id);
        // The copies of a hedged piece race for the same bytes: their end stays.
        running.push_back({a.end - a.cursor, measured_rate(a, now),
                           !a.probe && !a.twin && !a.check && !a.failed && !a.violated});
    }
    const auto plan = plan_handback(running, rules);
    for (const auto& h : plan.shorten) {
        Active& a = active_.at(ids[h.index]);
        const ByteRange back{a.cursor + h.keep, a.end};
        a.end = back.begin;
        for (const auto& hole : missing_in(done_, back))
            for (const auto& piece : plan_pieces(std::span(&hole, 1), plan.piece_bytes))
                waiting_.push_back({piece, {}});
    }
}

// Nothing left to start: give free connections part of the piece that will take longest.
void FileDownload::split_for_free_connections(std::size_t slots) {
    while (active_.size() < slots && waiting_.empty() && retry_timers_.empty()) {
        std::vector<net::TransferId> ids;
        std::vector<InFlight> pieces;
        const auto now = Clock::now();
        for (const auto& [id, a] : active_) {
            ids.push_back(id);
            const double elapsed = seconds_between(a.started, now);
            const auto received = static_cast<double>(a.cursor - a.begin);
            double seconds_left = 0;
            if (received > 0)
                seconds_left = static_cast<double>(a.end - a.cursor) / (received / std::max(elapsed, 1e-3));
            else if (elapsed > kNotFlowingSeconds)
                seconds_left = std::numeric_limits<double>::infinity();
            // The copies of a hedged piece are racing for the same bytes: not split.
            pieces.push_back(
                {{a.cursor, a.end}, a.twin || a.check ? 0.0 : seconds_left, measured_rate(a, now)});
        }
        const double startup =
            recent_startups_.empty() ? 0.0 : typical_rate({recent_startups_.begin(), recent_startups_.end()});
        auto split = plan_split(pieces, kMinTailPiece, kMinSplitSeconds, typical_rate_now(now), startup);
        if (!split) break;
        Active& donor = active_.at(ids[split->index]);
        const ByteRange taken{split->split_at, donor.end};
        donor.end = split->split_at;
        start_piece(taken, {});
    }
}

// For -v: what the connections reached, from the pieces that finished last (a straggler shows as
// the low end).
std::string FileDownload::rates_notice() const {
    if (recent_rates_.size() < 2) return {};
    std::vector<double> rates(recent_rates_.begin(), recent_rates_.end());
    std::sort(rates.begin(), rates.end());
    std::string text = "rates of the last " + std::to_string(rates.size()) + " pieces (MB/s):";
    char buf[32];
    for (double r : rates) {
        std::snprintf(buf, sizeof buf, " %.2f", r / 1e6);
        text += buf;
    }
    return text;
}

}  // namespace arina::transfer
