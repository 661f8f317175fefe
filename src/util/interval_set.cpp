#include "util/interval_set.hpp"

#include <algorithm>

namespace arina {

void IntervalSet::add(ByteRange range) {
    if (range.empty()) return;
    // First interval whose end reaches range.begin (touching counts: merge adjacent).
    auto first = std::lower_bound(ranges_.begin(), ranges_.end(), range.begin,
                                  [](const ByteRange& r, std::int64_t pos) { return r.end < pos; });
    auto last = first;
    while (last != ranges_.end() && last->begin <= range.end) {
        range.begin = std::min(range.begin, last->begin);
        range.end = std::max(range.end, last->end);
        ++last;
    }
    first = ranges_.erase(first, last);
    ranges_.insert(first, range);
}

void IntervalSet::remove(ByteRange cut) {
    if (cut.empty()) return;
    std::vector<ByteRange> kept;
    kept.reserve(ranges_.size() + 1);
    for (const auto& r : ranges_) {
        if (r.end <= cut.begin || r.begin >= cut.end) {
            kept.push_back(r);
            continue;
        }
        if (r.begin < cut.begin) kept.push_back({r.begin, cut.begin});
        if (r.end > cut.end) kept.push_back({cut.end, r.end});
    }
    ranges_ = std::move(kept);
}

bool IntervalSet::contains(ByteRange range) const {
    if (range.empty()) return true;
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), range.begin,
                               [](std::int64_t pos, const ByteRange& r) { return pos < r.end; });
    return it != ranges_.end() && it->begin <= range.begin && it->end >= range.end;
}

std::int64_t IntervalSet::total() const {
    std::int64_t sum = 0;
    for (const auto& r : ranges_) sum += r.size();
    return sum;
}

std::vector<ByteRange> IntervalSet::holes(std::int64_t size) const {
    std::vector<ByteRange> out;
    std::int64_t pos = 0;
    for (const auto& r : ranges_) {
        if (r.begin >= size) break;
        if (r.begin > pos) out.push_back({pos, r.begin});
        pos = std::max(pos, r.end);
    }
    if (pos < size) out.push_back({pos, size});
    return out;
}

}  // namespace arina
