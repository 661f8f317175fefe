#pragma once
// How a file of known size is cut into requests: pure functions, unit-tested.
//  - every hole in the file becomes pieces of at most `chunk_size` bytes, so no single
//    request asks for more than one chunk (which defeats per-connection throttling);
//  - when a connection is free and nothing is left to start, the in-flight piece with
//    the most bytes still to come is split in two, so the tail does not crawl on one
//    slow connection.

#include <cstdint>
#include <deque>
#include <optional>
#include <span>

#include "util/interval_set.hpp"

namespace arina::transfer {

/// The piece size for `bytes` still to fetch over `connections`: at most chunk_size, and
/// chosen so that the pieces come out as a whole number of rounds (every connection
/// gets the same number), so the last round does not leave most connections idle.
/// Never below min_piece; a multiple of 16 KiB.
std::int64_t balanced_piece_size(std::int64_t bytes, std::int64_t chunk_size, int connections,
                                 std::int64_t min_piece);

/// Pieces covering `holes`, in file order, none larger than chunk_size.
std::deque<ByteRange> plan_pieces(std::span<const ByteRange> holes, std::int64_t chunk_size);

struct SplitPlan {
    std::size_t index = 0;      ///< which in-flight piece to shorten
    std::int64_t split_at = 0;  ///< it keeps [begin, split_at); a new request takes [split_at, end)
};

/// One in-flight piece as the splitter sees it.
struct InFlight {
    ByteRange remaining;      ///< what it still has to receive
    double seconds_left = 0;  ///< at its current speed (infinity when it has not started flowing)
    double rate = 0;          ///< bytes/s, once measured (0: unknown)
};

/// Picks the in-flight piece that will take longest and splits it, unless it will be done
/// within `min_seconds` anyway (on a fast link the bytes already in flight would be wasted) or
/// either half would be smaller than `min_piece` (a new connection's set-up costs more than it
/// saves). Where: in the middle (aligned to 16 KiB); with the piece's rate and `free_rate` known,
/// where both requests finish together (tail_planner's split_point: a slow piece gives the free
/// connection most of its bytes).
std::optional<SplitPlan> plan_split(std::span<const InFlight> pieces, std::int64_t min_piece,
                                    double min_seconds, double free_rate = 0, double startup_seconds = 0);

}  // namespace arina::transfer
