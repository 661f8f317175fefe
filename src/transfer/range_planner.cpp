#include "transfer/range_planner.hpp"

#include <algorithm>

namespace arina::transfer {

std::deque<ByteRange> plan_pieces(std::span<const ByteRange> holes, std::int64_t chunk_size) {
    std::deque<ByteRange> pieces;
    chunk_size = std::max<std::int64_t>(chunk_size, 1);
    for (const auto& hole : holes)
        for (std::int64_t pos = hole.begin; pos < hole.end; pos += chunk_size)
            pieces.push_back({pos, std::min(hole.end, pos + chunk_size)});
    return pieces;
}

std::optional<SplitPlan> plan_split(std::span<const InFlight> pieces, std::int64_t min_piece, double min_seconds) {
    constexpr std::int64_t kAlign = 16 * 1024;
    std::optional<std::size_t> slowest;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const auto& p = pieces[i];
        if (p.remaining.size() < 2 * std::max<std::int64_t>(min_piece, 1) || p.seconds_left < min_seconds) continue;
        if (!slowest || p.seconds_left > pieces[*slowest].seconds_left ||
            (p.seconds_left == pieces[*slowest].seconds_left && p.remaining.size() > pieces[*slowest].remaining.size()))
            slowest = i;
    }
    if (!slowest) return std::nullopt;
    const ByteRange r = pieces[*slowest].remaining;
    std::int64_t mid = r.begin + r.size() / 2;
    mid -= mid % kAlign;
    if (mid <= r.begin || mid >= r.end) mid = r.begin + r.size() / 2;
    return SplitPlan{*slowest, mid};
}

}  // namespace arina::transfer
