#pragma once
// Hedged tail requests, decided by pure functions (unit-tested without a network).
//
// Near the end of a download a connection that landed on a slow path holds the last bytes
// hostage. When its remaining bytes would take it clearly longer than a free connection would
// need to fetch them again (a new request's start-up plus the bytes at the rate free connections
// have been reaching), the same bytes are asked on the free connection too; whichever copy
// arrives first is kept and the other is cancelled. The splitter (range_planner) goes first:
// hedging is for what cannot be split any more. A piece has at most one duplicate, ever.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "util/interval_set.hpp"

namespace arina::transfer {

/// One request in flight as the hedger sees it.
struct HedgeCandidate {
    std::int64_t bytes_left = 0;     ///< what it still has to receive
    std::int64_t refetch_bytes = 0;  ///< what a duplicate would fetch (the rest of a range; a whole fragment)
    double rate = 0;                 ///< bytes/s since its first byte (0: none yet)
    double seconds_measured = 0;     ///< how long that rate has been measured over
    double seconds_elapsed = 0;      ///< since the request was made
    bool eligible = true;            ///< false: it has (or had, or is) a duplicate, or cannot be hedged
};

struct HedgeRules {
    /// bytes/s a free connection is expected to reach: typical_rate() of recently finished requests
    /// (0 = unknown: nothing is hedged).
    double free_rate = 0;
    /// A new request's time to its first byte (a round trip or two, plus the server's latency).
    double startup_seconds = 0.1;
    /// Hedge only when the request's own time exceeds `margin` times the duplicate's time ...
    double margin = 2.0;
    /// ... and by at least this much (a duplicate costs a request and bytes).
    double min_gain_seconds = 0.25;
    /// A rate measured over less than this is noise (a request not flowing at all after this long
    /// counts as infinitely slow).
    double min_measure_seconds = 0.3;
    /// Fewer bytes left than this: not worth a request.
    std::int64_t min_bytes = 64 * 1024;
};

/// Seconds `c` still needs at its own rate: infinity when it has not delivered a byte for
/// `rules.min_measure_seconds`; nullopt while its rate is still being measured.
std::optional<double> own_seconds_left(const HedgeCandidate& c, const HedgeRules& rules);

/// Seconds a duplicate of `c` would need on a free connection.
double duplicate_seconds(const HedgeCandidate& c, const HedgeRules& rules);

/// Which candidate to duplicate now, if any: of those that qualify (eligible, enough bytes left,
/// a trusted rate, own time > margin x duplicate time and > duplicate time + min gain), the one
/// whose duplicate saves the most time.
std::optional<std::size_t> plan_hedge(std::span<const HedgeCandidate> candidates, const HedgeRules& rules);

/// The median of `rates` (0 when empty): what a free connection can expect, robust to the few slow
/// connections that hedging is about.
double typical_rate(std::vector<double> rates);

/// The parts of `range` not in `have`, in order: what a copy of a hedged piece still has to write.
std::vector<ByteRange> missing_in(const IntervalSet& have, ByteRange range);

}  // namespace arina::transfer
