#include "net/read_batching.hpp"

#include <algorithm>

namespace arina::net {
namespace {

// About forty wake-ups a second per connection at most.
constexpr double kBatchSeconds = 0.025;

}  // namespace

std::int64_t receive_low_water(double bytes_per_second, std::int64_t remaining) {
    if (remaining <= 0 || !(bytes_per_second > 0)) return 1;
    const auto batch = static_cast<std::int64_t>(
        std::min(bytes_per_second * kBatchSeconds, static_cast<double>(kMaxReceiveLowWater)));
    return std::clamp<std::int64_t>(std::min(batch, remaining), 1, kMaxReceiveLowWater);
}

bool low_water_worth_changing(std::int64_t current, std::int64_t wanted, std::int64_t remaining) {
    if (wanted == current) return false;
    if (current > 1 && (remaining <= 0 || current > remaining)) return true;  // the end must wake us
    const std::int64_t change = wanted > current ? wanted - current : current - wanted;
    return change > current / 4;
}

}  // namespace arina::net
