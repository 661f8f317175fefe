#include "server/pacer.hpp"

#include <algorithm>

namespace arina::testing {

Pacer::Pacer(double bytes_per_second, Clock::time_point start) : rate_(bytes_per_second), start_(start) {}

std::size_t Pacer::slice_bytes() const {
    if (!limited()) return kUnlimitedSlice;
    return static_cast<std::size_t>(std::clamp(rate_ / 50.0, 512.0, 16.0 * 1024));
}

Pacer::Clock::time_point Pacer::due(std::int64_t sent) const {
    if (!limited()) return start_;
    const double seconds = static_cast<double>(sent - start_bytes_) / rate_;
    return start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

void Pacer::forgive_lag(std::int64_t sent, Clock::time_point now) {
    if (!limited() || now - due(sent) <= kMaxLag) return;
    start_ = now - kMaxLag;
    start_bytes_ = sent;
}

void Pacer::change_rate(double bytes_per_second, std::int64_t sent, Clock::time_point now) {
    rate_ = bytes_per_second;
    start_ = now;
    start_bytes_ = sent;
}

}  // namespace arina::testing
