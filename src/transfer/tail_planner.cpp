#include "transfer/tail_planner.hpp"

#include <algorithm>
#include <limits>

namespace arina::transfer {
namespace {

constexpr std::int64_t kAlign = 16 * 1024;

std::int64_t align_up(std::int64_t bytes) {
    return (bytes + kAlign - 1) / kAlign * kAlign;
}

}  // namespace

double balanced_seconds(std::span<const Running> running, const TailRules& rules) {
    double bytes = static_cast<double>(std::max<std::int64_t>(0, rules.waiting_bytes));
    double capacity = 0;
    for (const auto& r : running) {
        bytes += static_cast<double>(std::max<std::int64_t>(0, r.bytes_left));
        capacity += r.rate > 0 ? r.rate : rules.typical_rate;
    }
    const auto free_slots = std::max<std::ptrdiff_t>(
        0, static_cast<std::ptrdiff_t>(rules.connections) - static_cast<std::ptrdiff_t>(running.size()));
    capacity += static_cast<double>(free_slots) * rules.typical_rate;
    if (capacity <= 0) return std::numeric_limits<double>::infinity();
    return bytes / capacity;
}

HandbackPlan plan_handback(std::span<const Running> running, const TailRules& rules) {
    HandbackPlan plan;
    if (rules.typical_rate <= 0 || running.empty()) return plan;
    const double balanced = balanced_seconds(running, rules);
    std::int64_t handed_back = 0;
    for (std::size_t i = 0; i < running.size(); ++i) {
        const auto& r = running[i];
        if (!r.movable || r.rate <= 0) continue;
        const double own = static_cast<double>(r.bytes_left) / r.rate;
        if (own <= rules.margin * balanced || own - balanced < rules.min_gain_seconds) continue;
        const std::int64_t keep =
            std::max(rules.min_piece, align_up(static_cast<std::int64_t>(r.rate * balanced)));
        if (r.bytes_left - keep < rules.min_piece) continue;
        plan.shorten.push_back({i, keep});
        handed_back += r.bytes_left - keep;
    }
    if (plan.shorten.empty()) return plan;
    // The connections that keep their bytes take the handed-back ones when they are free.
    const auto takers = std::max<std::int64_t>(
        1, std::max<std::int64_t>(rules.connections, static_cast<std::int64_t>(running.size())) -
               static_cast<std::int64_t>(plan.shorten.size()));
    plan.piece_bytes = std::max(rules.min_piece, align_up((handed_back + takers - 1) / takers));
    return plan;
}

std::int64_t split_point(std::int64_t bytes_left, double own_rate, double free_rate, double startup_seconds,
                         std::int64_t min_piece) {
    if (bytes_left <= 0) return 0;
    double keep = static_cast<double>(bytes_left) / 2;
    if (own_rate > 0 && free_rate > 0) {
        // keep / own_rate = startup + (bytes_left - keep) / free_rate
        keep =
            (startup_seconds + static_cast<double>(bytes_left) / free_rate) / (1 / own_rate + 1 / free_rate);
    }
    auto at = static_cast<std::int64_t>(keep);
    at -= at % kAlign;
    const std::int64_t low = std::min(min_piece, bytes_left / 2);
    return std::clamp(at, low, bytes_left - low);
}

}  // namespace arina::transfer
