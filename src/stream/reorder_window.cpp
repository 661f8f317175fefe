#include "stream/reorder_window.hpp"

#include <algorithm>

namespace arina::stream {

WindowLimits window_limits(int connections, std::int64_t held_bytes) {
    constexpr std::int64_t kMiB = 1024 * 1024;
    const std::int64_t n = std::max(1, connections);
    WindowLimits limits;
    limits.max_held_bytes = held_bytes > 0 ? held_bytes : n * 8 * kMiB;
    limits.max_fragment_bytes = std::max<std::int64_t>(limits.max_held_bytes / 2, 4 * kMiB);
    limits.max_ahead = 4 * n;
    return limits;
}

bool may_start(const WindowLimits& limits, std::int64_t ahead, std::int64_t held_bytes) {
    if (ahead <= 0) return true;
    return ahead < limits.max_ahead && held_bytes < limits.max_held_bytes;
}

bool must_defer(const WindowLimits& limits, std::int64_t ahead, std::int64_t buffered) {
    return ahead > 0 && buffered > limits.max_fragment_bytes;
}

}  // namespace arina::stream
