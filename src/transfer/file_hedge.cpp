#include <algorithm>
#include <chrono>
#include <deque>
#include <vector>

#include "transfer/file_download.hpp"
#include "transfer/hedge_planner.hpp"

// Hedged tail requests of a plain file: a free connection asks again for the bytes a straggler still
// holds; both copies race for the same bytes, each byte is written once (by whichever copy brings it
// first) and the loser is cancelled. Kept apart from file_download.cpp, which plans, starts and
// checks the requests; the decision itself is hedge_planner's (pure, unit-tested).

namespace arina::transfer {
namespace {

// How many finished pieces the hedging decision remembers (their rates and times to first byte).
constexpr std::size_t kRecentPieces = 16;
// A piece shorter than this, or delivered faster than this, says little about a connection's rate.
constexpr std::int64_t kMinRatedBytes = 256 * 1024;
constexpr double kMinRatedSeconds = 0.05;

double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

void remember(std::deque<double>& values, double value) {
    values.push_back(value);
    if (values.size() > kRecentPieces) values.pop_front();
}

}  // namespace

// Writes what of `data` (the bytes at a.cursor) is not on disk yet: both copies of a hedged piece
// deliver the same bytes, and each byte is written once, by whichever copy brings it first.
void FileDownload::write_body(Active& a, std::span<const char> data) {
    const auto size = static_cast<std::int64_t>(data.size());
    if (a.received == 0) a.first_byte = std::chrono::steady_clock::now();
    // Answers for other bytes than asked, and bytes not yet confirmed, are compared with the disk.
    if ((a.other_range || a.check || !unconfirmed_.ranges().empty()) && !compare_with_disk(a, data)) return;
    std::int64_t written = 0;
    for (const auto& gap : missing_in(done_, {a.cursor, a.cursor + size})) {
        const auto offset = static_cast<std::size_t>(gap.begin - a.cursor);
        if (Error err =
                part_->write_at(gap.begin, data.subspan(offset, static_cast<std::size_t>(gap.size()))))
            return fail(err);
        done_.add(gap);
        a.wrote.add(gap);
        if (a.shifted && !a.proven) unconfirmed_.add(gap);
        written += gap.size();
    }
    duplicated_bytes_ += size - written;
    a.cursor += size;
    a.received += size;
    fetched_bytes_ += size;
    if (written > 0) dirty_ = true;
}

// The two copies of a hedged piece race for the same bytes. A copy that reaches the end of the
// piece wins; so does the duplicate once it is ahead of the original (everything the original
// would still bring is then on disk already or coming faster through the duplicate). The loser is
// cancelled: its bytes on disk stay, they are the same file (both answers passed If-Range and the
// validator checks).
void FileDownload::settle_race(Active& a) {
    auto other = active_.find(*a.twin);
    if (other == active_.end()) {
        a.twin.reset();
        return;
    }
    const bool finished = a.cursor >= a.end;
    const bool overtook = a.duplicate && a.cursor > other->second.cursor;
    if (!finished && !overtook) return;
    engine_.abort(other->first);
    active_.erase(other);  // a lives in another node of the map: still valid
    a.twin.reset();
    a.duplicate = false;
}

// One copy of a hedged piece failed: the other goes on alone (no retry, no failure counted), and
// whatever of the piece neither copy covers any more (bytes of a lying answer, thrown away) is
// asked again. False when `a` was not racing.
bool FileDownload::drop_from_race(const Active& a) {
    if (!a.twin) return false;
    auto other = active_.find(*a.twin);
    if (other == active_.end()) return false;
    Active& b = other->second;
    b.twin.reset();
    b.duplicate = false;
    for (const auto& hole : missing_in(done_, {a.begin, b.cursor})) waiting_.push_back({hole, {}});
    pump();
    return true;
}

void FileDownload::note_finished_piece(const Active& a) {
    if (a.received <= 0) return;
    remember(recent_startups_, seconds_between(a.started, a.first_byte));
    const double flowing = seconds_between(a.first_byte, std::chrono::steady_clock::now());
    if (!a.probe && a.received >= kMinRatedBytes && flowing >= kMinRatedSeconds)
        remember(recent_rates_, static_cast<double>(a.received) / flowing);
}

bool FileDownload::start_hedge() {
    const auto now = std::chrono::steady_clock::now();
    std::vector<net::TransferId> ids;
    std::vector<HedgeCandidate> candidates;
    for (const auto& [id, a] : active_) {
        HedgeCandidate c;
        c.bytes_left = c.refetch_bytes = a.end - a.cursor;
        c.seconds_elapsed = seconds_between(a.started, now);
        if (a.received > 0) {
            c.seconds_measured = seconds_between(a.first_byte, now);
            c.rate = static_cast<double>(a.received) / std::max(c.seconds_measured, 1e-3);
        }
        c.eligible =
            !a.probe && !a.twin && !a.hedged && !a.failed && !a.violated && !a.other_range && !a.check;
        ids.push_back(id);
        candidates.push_back(c);
    }
    HedgeRules rules;
    rules.free_rate = typical_rate({recent_rates_.begin(), recent_rates_.end()});
    if (!recent_startups_.empty())
        rules.startup_seconds = typical_rate({recent_startups_.begin(), recent_startups_.end()});
    const auto pick = plan_hedge(candidates, rules);
    if (!pick) return false;
    const net::TransferId original = ids[*pick];
    Active& o = active_.at(original);
    o.hedged = true;
    const net::TransferId duplicate = start_piece({o.cursor, o.end}, {});
    Active& d = active_.at(duplicate);  // map nodes stay put: `o` is still valid
    d.duplicate = d.hedged = true;
    d.twin = original;
    o.twin = duplicate;
    return true;
}

}  // namespace arina::transfer
