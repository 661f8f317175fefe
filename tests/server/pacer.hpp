#pragma once
// Smooth rate limiting of one response body: the body goes out in small slices, each sent when a
// per-response clock says it is due, so the flow is even instead of burst-then-sleep.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace arina::testing {

class Pacer {
  public:
    using Clock = std::chrono::steady_clock;

    /// `bytes_per_second` <= 0 means unlimited.
    Pacer(double bytes_per_second, Clock::time_point start);

    bool limited() const { return rate_ > 0; }
    /// Bytes to send at once: ~1/50 s of data (at most 16 KiB, at least 512 B) when limited, else
    /// large sends that keep syscall overhead low.
    std::size_t slice_bytes() const;
    /// When the byte at position `sent` (counted from the start of the body) may go out.
    Clock::time_point due(std::int64_t sent) const;
    /// After a client stopped reading for a while, forgive the backlog beyond kMaxLag so that the
    /// catch-up is not one long burst at full speed.
    void forgive_lag(std::int64_t sent, Clock::time_point now);
    /// From byte `sent` on, at `bytes_per_second` (<= 0: unlimited), starting now.
    void change_rate(double bytes_per_second, std::int64_t sent, Clock::time_point now);

    static constexpr std::size_t kUnlimitedSlice = 256 * 1024;
    static constexpr std::chrono::milliseconds kMaxLag{250};

  private:
    double rate_;
    Clock::time_point start_;
    std::int64_t start_bytes_ = 0;
};

}  // namespace arina::testing
