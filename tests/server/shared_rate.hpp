#pragma once
// One rate shared by every connection of the server (ServerOptions::total_rate_bytes_per_sec): what a
// link or an origin with one bandwidth budget does. Each body slice reserves its bytes before it is
// sent and waits for the reserved moment, so the connections take turns in arrival order and the sum
// of their rates never exceeds the limit, however many there are.

#include <chrono>
#include <cstddef>
#include <mutex>

namespace arina::testing {

class SharedRate {
  public:
    using Clock = std::chrono::steady_clock;

    /// `bytes_per_second` <= 0 means unlimited.
    explicit SharedRate(double bytes_per_second) : rate_(bytes_per_second) {}

    bool limited() const { return rate_ > 0; }
    /// Bytes one reservation should cover: ~1/200 s of the shared rate (512 B to 16 KiB), so one
    /// connection's slice never holds the others up for long.
    std::size_t slice_bytes() const;
    /// Books `bytes` and returns when they may go out: right after everything booked before, and
    /// never earlier than `now`. Time nobody used is not saved up (no burst after an idle spell).
    /// Thread-safe.
    Clock::time_point reserve(std::size_t bytes, Clock::time_point now);

  private:
    const double rate_;
    std::mutex mutex_;
    Clock::time_point next_free_{};  ///< the end of the last reservation
};

}  // namespace arina::testing
