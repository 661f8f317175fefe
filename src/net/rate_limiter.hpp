#pragma once
// One token bucket shared by every connection (--limit-rate, and the manager's
// global limit). Connections that find it empty pause and are woken in turn, so
// the total stays at the limit and no connection starves.

#include <chrono>
#include <cstdint>

namespace arina::net {

class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    /// bytes_per_second <= 0 means unlimited.
    explicit RateLimiter(double bytes_per_second = 0) { set_rate(bytes_per_second); }

    /// Changes the limit at run time; takes effect immediately.
    void set_rate(double bytes_per_second);
    double rate() const { return rate_; }
    bool limited() const { return rate_ > 0; }

    /// Takes `bytes` if the bucket is not empty. The bucket may go into debt by one
    /// chunk: that keeps large chunks flowing while the average still holds.
    bool try_consume(std::size_t bytes, Clock::time_point now);
    /// Whether there is anything to hand out right now.
    bool has_tokens(Clock::time_point now);

  private:
    void refill(Clock::time_point now);

    double rate_ = 0;
    double tokens_ = 0;
    double capacity_ = 0;  // a short burst only: 50 ms worth, so the rate stays smooth
    Clock::time_point last_{};
};

}  // namespace arina::net
