#include "net/rate_limiter.hpp"

#include <algorithm>

namespace arina::net {

void RateLimiter::set_rate(double bytes_per_second) {
    rate_ = std::max(0.0, bytes_per_second);
    capacity_ = std::max(rate_ * 0.05, 16384.0);
    tokens_ = std::min(tokens_, capacity_);
}

void RateLimiter::refill(Clock::time_point now) {
    if (last_ == Clock::time_point{}) {
        last_ = now;
        tokens_ = capacity_;
        return;
    }
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    if (elapsed > 0) tokens_ = std::min(capacity_, tokens_ + elapsed * rate_);
}

bool RateLimiter::try_consume(std::size_t bytes, Clock::time_point now) {
    if (!limited()) return true;
    refill(now);
    if (tokens_ <= 0) return false;
    tokens_ -= static_cast<double>(bytes);
    return true;
}

bool RateLimiter::has_tokens(Clock::time_point now) {
    if (!limited()) return true;
    refill(now);
    return tokens_ > 0;
}

}  // namespace arina::net
