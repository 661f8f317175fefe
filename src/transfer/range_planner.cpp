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

std::optional<SplitPlan> plan_split(std::span<const ByteRange> remaining, std::int64_t min_piece) {
    constexpr std::int64_t kAlign = 16 * 1024;
    std::optional<std::size_t> largest;
    for (std::size_t i = 0; i < remaining.size(); ++i)
        if (!largest || remaining[i].size() > remaining[*largest].size()) largest = i;
    if (!largest) return std::nullopt;
    const ByteRange r = remaining[*largest];
    if (r.size() < 2 * std::max<std::int64_t>(min_piece, 1)) return std::nullopt;
    std::int64_t mid = r.begin + r.size() / 2;
    mid -= mid % kAlign;
    if (mid <= r.begin || mid >= r.end) mid = r.begin + r.size() / 2;
    return SplitPlan{*largest, mid};
}

}  // namespace arina::transfer
