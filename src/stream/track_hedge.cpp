#include <algorithm>
#include <vector>

#include "stream/track.hpp"
#include "transfer/hedge_planner.hpp"

// Hedged fragments: in the last round of a VOD stream, a fragment far behind the others (a
// connection on a slow path) is asked again on a free connection. The copy that completes first is
// the fragment; the other is cancelled. The duplicate never streams to disk: it lands whole, from
// its own buffer, so two copies are never spliced (if the original was streaming to the part file
// and loses, what it wrote is cut off first). Kept apart from track.cpp, which fetches and orders
// fragments; the decision itself is transfer/hedge_planner's.

namespace arina::stream {
namespace {

using Clock = std::chrono::steady_clock;

// Fragments remembered for the rate a free connection reaches and the time to a first byte.
constexpr std::size_t kRecent = 16;
// A fragment smaller than this, or delivered faster than this, says little about a rate.
constexpr std::int64_t kMinRatedBytes = 64 * 1024;
constexpr double kMinRatedSeconds = 0.05;

double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

void remember(std::deque<double>& values, double value) {
    values.push_back(value);
    if (values.size() > kRecent) values.pop_front();
}

double median(const std::deque<double>& values) {
    return transfer::typical_rate({values.begin(), values.end()});
}

}  // namespace

void Track::note_finished(const Active& a) {
    if (a.received <= 0) return;
    remember(recent_startups_, seconds_between(a.started, a.first_byte));
    const double flowing = seconds_between(a.first_byte, Clock::now());
    if (a.received >= kMinRatedBytes && flowing >= kMinRatedSeconds)
        remember(recent_rates_, static_cast<double>(a.received) / flowing);
}

bool Track::start_hedge() {
    if (stopped_ || finished_ || settings_.live) return false;
    const auto now = Clock::now();
    std::vector<net::TransferId> ids;
    std::vector<transfer::HedgeCandidate> candidates;
    for (const auto& [id, a] : active_) {
        const Slot* slot = slot_of(a.key);
        transfer::HedgeCandidate c;
        c.bytes_left = a.expected >= 0 ? a.expected - a.received : 0;
        c.refetch_bytes = a.expected;  // a duplicate fetches the whole fragment (or piece)
        c.seconds_elapsed = seconds_between(a.started, now);
        if (a.received > 0) {
            c.seconds_measured = seconds_between(a.first_byte, now);
            c.rate = static_cast<double>(a.received) / std::max(c.seconds_measured, 1e-3);
        }
        // Not the first piece of a fragment cut in two: its answer sizes the second piece.
        c.eligible = slot && slot->state == Slot::State::Active && !a.twin && !a.hedged && !a.failure &&
                     !a.sliced && a.expected > 0 && a.expected <= settings_.window.max_fragment_bytes &&
                     (slot->pieces == 1 || slot->piece > 0);
        ids.push_back(id);
        candidates.push_back(c);
    }
    transfer::HedgeRules rules;
    rules.free_rate = median(recent_rates_);
    if (!recent_startups_.empty()) rules.startup_seconds = median(recent_startups_);
    const auto pick = transfer::plan_hedge(candidates, rules);
    if (!pick) return false;
    const net::TransferId original = ids[*pick];
    Slot* slot = slot_of(active_.at(original).key);
    const net::TransferId duplicate = start(*slot);  // the slot stays Active
    Active& o = active_.at(original);
    Active& d = active_.at(duplicate);
    o.hedged = d.hedged = d.duplicate = true;
    o.twin = duplicate;
    d.twin = original;
    return true;
}

// `a`, one copy of a hedged fragment, has ended (taken out of active_ by on_done). Complete: it
// wins, the other copy is cancelled and on_done goes on as for any fragment (false). Failed: the
// other copy goes on alone, with no failure counted (true: on_done has nothing more to do).
bool Track::settle_hedge(Active& a, bool complete) {
    const auto it = active_.find(*a.twin);
    a.twin.reset();
    if (it == active_.end()) return false;
    Active& other = it->second;
    if (!complete) {
        duplicated_bytes_ += a.received;
        if (a.spilling) {
            // The original was streaming to the part file: cut off its half before the copy lands.
            if (Error e = file_->truncate(write_pos_)) {
                fail(e);
                return true;
            }
        }
        other.twin.reset();
        other.duplicate = false;  // the copy is the fragment's request now, free to stream to disk
        advance();
        if (!stopped_) listener_.track_changed(*this);
        return true;
    }
    duplicated_bytes_ += other.received;
    shared_.engine.abort(it->first);
    if (other.spilling) {
        if (Error e = file_->truncate(write_pos_)) {
            active_.erase(it);
            fail(e);
            return true;
        }
    } else {
        held_bytes_ -= static_cast<std::int64_t>(other.buffer.size());
        recycle(other.buffer);
    }
    active_.erase(it);
    return false;
}

}  // namespace arina::stream
