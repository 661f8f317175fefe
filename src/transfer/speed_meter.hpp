#pragma once
// Download speed over a sliding window: what a progress line and an ETA need.
// Not thread-safe; each display keeps its own.

#include <chrono>
#include <cstdint>
#include <deque>

namespace arina::transfer {

class SpeedMeter {
  public:
    using Clock = std::chrono::steady_clock;
    explicit SpeedMeter(std::chrono::milliseconds window = std::chrono::milliseconds(3000))
        : window_(window) {}

    /// Records the running total of bytes at `now`.
    void sample(std::int64_t total_bytes, Clock::time_point now = Clock::now());
    /// Bytes per second over the window; 0 until two samples exist.
    double bytes_per_second() const;

  private:
    std::chrono::milliseconds window_;
    std::deque<std::pair<Clock::time_point, std::int64_t>> samples_;
};

}  // namespace arina::transfer
