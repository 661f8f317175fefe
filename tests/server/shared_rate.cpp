#include "server/shared_rate.hpp"

#include <algorithm>

namespace arina::testing {

std::size_t SharedRate::slice_bytes() const {
    return static_cast<std::size_t>(std::clamp(rate_ / 200.0, 512.0, 16.0 * 1024));
}

SharedRate::Clock::time_point SharedRate::reserve(std::size_t bytes, Clock::time_point now) {
    if (!limited()) return now;
    const auto length = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(bytes) / rate_));
    std::lock_guard lock(mutex_);
    const auto start = std::max(next_free_, now);
    next_free_ = start + length;
    return start;
}

}  // namespace arina::testing
