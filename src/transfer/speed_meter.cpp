#include "transfer/speed_meter.hpp"

namespace arina::transfer {

void SpeedMeter::sample(std::int64_t total_bytes, Clock::time_point now) {
    samples_.emplace_back(now, total_bytes);
    while (samples_.size() > 2 && now - samples_.front().first > window_) samples_.pop_front();
}

double SpeedMeter::bytes_per_second() const {
    if (samples_.size() < 2) return 0;
    const auto& [t0, b0] = samples_.front();
    const auto& [t1, b1] = samples_.back();
    const double seconds = std::chrono::duration<double>(t1 - t0).count();
    return seconds > 0 ? static_cast<double>(b1 - b0) / seconds : 0;
}

}  // namespace arina::transfer
