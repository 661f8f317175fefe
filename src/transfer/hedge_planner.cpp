#include "transfer/hedge_planner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace arina::transfer {

std::optional<double> own_seconds_left(const HedgeCandidate& c, const HedgeRules& rules) {
    if (c.rate > 0 && c.seconds_measured >= rules.min_measure_seconds)
        return static_cast<double>(c.bytes_left) / c.rate;
    // Nothing at all for a while (not even the head's first byte): stalled or crawling.
    if (c.rate <= 0 && c.seconds_elapsed >= rules.startup_seconds + rules.min_measure_seconds)
        return std::numeric_limits<double>::infinity();
    return std::nullopt;
}

double duplicate_seconds(const HedgeCandidate& c, const HedgeRules& rules) {
    if (rules.free_rate <= 0) return std::numeric_limits<double>::infinity();
    return rules.startup_seconds + static_cast<double>(c.refetch_bytes) / rules.free_rate;
}

std::optional<std::size_t> plan_hedge(std::span<const HedgeCandidate> candidates, const HedgeRules& rules) {
    if (rules.free_rate <= 0) return std::nullopt;
    std::optional<std::size_t> best;
    double best_gain = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const auto& c = candidates[i];
        if (!c.eligible || c.bytes_left < rules.min_bytes || c.refetch_bytes <= 0) continue;
        const auto own = own_seconds_left(c, rules);
        if (!own) continue;
        const double dup = duplicate_seconds(c, rules);
        if (*own <= rules.margin * dup || *own - dup < rules.min_gain_seconds) continue;
        // Stalled requests (infinite own time) come first, the one holding back most bytes first.
        constexpr double kStalled = 1e15;
        const double gain = std::isinf(*own) ? kStalled + static_cast<double>(c.bytes_left) : *own - dup;
        if (!best || gain > best_gain) {
            best = i;
            best_gain = gain;
        }
    }
    return best;
}

double typical_rate(std::vector<double> rates) {
    if (rates.empty()) return 0;
    const auto mid = rates.begin() + static_cast<std::ptrdiff_t>(rates.size() / 2);
    std::nth_element(rates.begin(), mid, rates.end());
    return *mid;
}

std::vector<ByteRange> missing_in(const IntervalSet& have, ByteRange range) {
    std::vector<ByteRange> out;
    std::int64_t pos = range.begin;
    for (const auto& r : have.ranges()) {
        if (r.end <= pos) continue;
        if (r.begin >= range.end) break;
        if (r.begin > pos) out.push_back({pos, std::min(r.begin, range.end)});
        pos = std::max(pos, r.end);
        if (pos >= range.end) break;
    }
    if (pos < range.end) out.push_back({pos, range.end});
    return out;
}

}  // namespace arina::transfer
