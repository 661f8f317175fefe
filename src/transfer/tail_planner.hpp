#pragma once
// Rate-aware handling of a download's tail, decided by pure functions (unit-tested without a
// network).
//
// Pieces are cut evenly at the start, but connections are not equal: one that landed on a slow
// path (a congested route, a slow cache node) would need many times longer for its piece than the
// others need for theirs, and the download would wait for it. As soon as every running request's
// rate has been measured, the finish time of a balanced download is known (what is left, over what
// all connections together reach); a request that would finish clearly later hands the far end of
// its piece back to the queue, keeping only what it can do by then. The fast connections take the
// handed-back bytes as soon as they are free, in pieces sized so that each gets about one.
//
// The same estimate cuts a piece for a free connection (split_point): the free connection takes
// the part that makes both finish together, not half, when the one it takes from is slower.

#include <cstdint>
#include <span>
#include <vector>

namespace arina::transfer {

/// One request in flight as the tail planner sees it.
struct Running {
    std::int64_t bytes_left = 0;  ///< what it still has to receive
    double rate = 0;              ///< bytes/s since its first byte; 0 while not measured long enough
    bool movable = true;          ///< false: its end cannot move (the probe, a hedged copy, failing)
};

struct TailRules {
    /// bytes/s a typical connection reaches (0 = unknown: nothing is handed back).
    double typical_rate = 0;
    /// The connection count in use: slots with no request yet count at typical_rate.
    int connections = 1;
    /// Bytes queued and not started yet: part of what is left.
    std::int64_t waiting_bytes = 0;
    /// A request hands bytes back when its own time exceeds `margin` times the balanced time ...
    double margin = 1.5;
    /// ... and by at least this much (a handed-back piece costs a request and its start-up).
    double min_gain_seconds = 0.3;
    /// Never hand back, nor keep, less than this (a request's set-up costs more than it saves).
    std::int64_t min_piece = 256 * 1024;
};

/// A request to shorten: it keeps `keep` bytes from its cursor, the rest goes back to the queue.
struct Handback {
    std::size_t index = 0;
    std::int64_t keep = 0;
};

struct HandbackPlan {
    std::vector<Handback> shorten;
    /// The size to cut the handed-back bytes into: about one piece per connection that keeps its bytes.
    std::int64_t piece_bytes = 0;
};

/// Seconds until everything left is done if the bytes were spread over the connections by rate:
/// (the bytes left in flight and queued) / (the sum of the rates, unmeasured ones and free slots at
/// typical_rate). Infinity when nothing is known.
double balanced_seconds(std::span<const Running> running, const TailRules& rules);

/// Which requests should hand back the far end of their piece now, and how much each keeps
/// (aligned to 16 KiB). Only requests with a measured rate are judged.
HandbackPlan plan_handback(std::span<const Running> running, const TailRules& rules);

/// Where to split `bytes_left` of a request running at `own_rate` so that a new request on a free
/// connection (start-up `startup_seconds`, then `free_rate`) and the old one finish together:
/// the bytes the old one keeps. Without rates (0): the middle. Aligned to 16 KiB, and leaves each
/// side at least `min_piece` when it can.
std::int64_t split_point(std::int64_t bytes_left, double own_rate, double free_rate, double startup_seconds,
                         std::int64_t min_piece);

}  // namespace arina::transfer
