#pragma once
// Blocking I/O on one connection that still ends promptly when the server stops: every wait polls
// the socket together with the server's stop event, so no thread sleeps past a shutdown.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/transport.hpp"

namespace arina::testing {

class Channel {
  public:
    using Clock = std::chrono::steady_clock;
    /// Told how many bytes each successful send() accepted.
    using Progress = std::function<void(std::size_t)>;
    /// For waits that end only by the peer or by stop().
    static constexpr std::chrono::milliseconds kForever{-1};

    Channel(std::unique_ptr<Transport> transport, int stop_fd);

    /// The TLS handshake (nothing for plain TCP). false when it fails, times out or the server stops.
    bool handshake(std::chrono::milliseconds timeout);

    enum class ReadStatus { data, closed, stopped, timeout };
    /// Appends whatever arrives next to `buffer`.
    ReadStatus read_more(std::string& buffer, std::chrono::milliseconds idle_timeout);

    /// Sends all of `data`. false when the peer is gone, stops reading for too long, or the server stops.
    bool write_all(std::string_view data, const Progress& on_written = {});
    bool can_send_file() const { return transport_->can_send_file(); }
    /// The connection's socket, for socket options.
    int fd() const { return transport_->fd(); }
    /// Like write_all, from an open file without copying through user space.
    bool send_file_all(int file, std::int64_t offset, std::size_t size, const Progress& on_written);

    /// false when the server stops first.
    bool sleep_until(Clock::time_point deadline);
    /// Reads and discards until the peer closes or the server stops (what a stalled response does).
    void wait_for_peer_close();
    /// Ends our direction (see Transport::finish), then reads until the peer's close for a moment:
    /// closing with unread input would send a reset that can destroy the response in flight.
    void finish(bool graceful);

  private:
    enum class Wait { ready, stopped, timeout };
    Wait wait(IoStatus want, std::chrono::milliseconds timeout);

    std::unique_ptr<Transport> transport_;
    int stop_fd_;
};

}  // namespace arina::testing
