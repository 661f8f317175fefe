#include "transfer/range_planner.hpp"

#include <algorithm>

#include "transfer/tail_planner.hpp"

namespace arina::transfer {

std::deque<ByteRange> plan_pieces(std::span<const ByteRange> holes, std::int64_t chunk_size) {
    std::deque<ByteRange> pieces;
    chunk_size = std::max<std::int64_t>(chunk_size, 1);
    for (const auto& hole : holes)
        for (std::int64_t pos = hole.begin; pos < hole.end; pos += chunk_size)
            pieces.push_back({pos, std::min(hole.end, pos + chunk_size)});
    return pieces;
}

std::int64_t balanced_piece_size(std::int64_t bytes, std::int64_t chunk_size, int connections,
                                 std::int64_t min_piece) {
    constexpr std::int64_t kAlign = 16 * 1024;
    chunk_size = std::max<std::int64_t>(chunk_size, 1);
    const std::int64_t n = std::max(1, connections);
    if (bytes <= 0) return chunk_size;
    const std::int64_t pieces = (bytes + chunk_size - 1) / chunk_size;
    const std::int64_t rounded = (pieces + n - 1) / n * n;
    std::int64_t size = (bytes + rounded - 1) / rounded;
    size = (size + kAlign - 1) / kAlign * kAlign;
    return std::clamp(size, std::min(min_piece, chunk_size), chunk_size);
}

std::optional<SplitPlan> plan_split(std::span<const InFlight> pieces, std::int64_t min_piece,
                                    double min_seconds, double free_rate, double startup_seconds) {
    constexpr std::int64_t kAlign = 16 * 1024;
    std::optional<std::size_t> slowest;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const auto& p = pieces[i];
        if (p.remaining.size() < 2 * std::max<std::int64_t>(min_piece, 1) || p.seconds_left < min_seconds)
            continue;
        if (!slowest || p.seconds_left > pieces[*slowest].seconds_left ||
            (p.seconds_left == pieces[*slowest].seconds_left &&
             p.remaining.size() > pieces[*slowest].remaining.size()))
            slowest = i;
    }
    if (!slowest) return std::nullopt;
    const ByteRange r = pieces[*slowest].remaining;
    if (pieces[*slowest].rate > 0 && free_rate > 0)
        return SplitPlan{*slowest, r.begin + split_point(r.size(), pieces[*slowest].rate, free_rate,
                                                         startup_seconds, min_piece)};
    std::int64_t mid = r.begin + r.size() / 2;
    mid -= mid % kAlign;
    if (mid <= r.begin || mid >= r.end) mid = r.begin + r.size() / 2;
    return SplitPlan{*slowest, mid};
}

}  // namespace arina::transfer
