#include "server/channel.hpp"

#include <poll.h>

#include <cerrno>
#include <ctime>

namespace arina::testing {
namespace {

// A client that accepts no byte for this long is given up on.
constexpr std::chrono::milliseconds kSendTimeout{120'000};
// How long finish() waits for the peer's close before closing anyway.
constexpr std::chrono::milliseconds kLinger{100};

}  // namespace

Channel::Channel(std::unique_ptr<Transport> transport, int stop_fd)
    : transport_(std::move(transport)), stop_fd_(stop_fd) {}

Channel::Wait Channel::wait(IoStatus want, std::chrono::milliseconds timeout) {
    pollfd fds[2] = {
        {transport_->fd(), static_cast<short>(want == IoStatus::want_write ? POLLOUT : POLLIN), 0},
        {stop_fd_, POLLIN, 0},
    };
    const int rc = ::poll(fds, 2, static_cast<int>(timeout.count()));
    if (rc > 0 && fds[1].revents != 0) return Wait::stopped;
    if (rc == 0) return Wait::timeout;
    return Wait::ready;  // readiness, an error condition or EINTR: the retried call tells which
}

bool Channel::handshake(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        const auto r = transport_->handshake();
        if (r.status == IoStatus::done) return true;
        if (r.status == IoStatus::closed) return false;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || wait(r.status, left) != Wait::ready) return false;
    }
}

Channel::ReadStatus Channel::read_more(std::string& buffer, std::chrono::milliseconds idle_timeout) {
    char chunk[16 * 1024];
    while (true) {
        const auto r = transport_->read(chunk, sizeof chunk);
        if (r.status == IoStatus::done) {
            buffer.append(chunk, r.bytes);
            return ReadStatus::data;
        }
        if (r.status == IoStatus::closed) return ReadStatus::closed;
        switch (wait(r.status, idle_timeout)) {
            case Wait::ready:
                break;
            case Wait::stopped:
                return ReadStatus::stopped;
            case Wait::timeout:
                return ReadStatus::timeout;
        }
    }
}

bool Channel::write_all(std::string_view data, const Progress& on_written) {
    while (!data.empty()) {
        const auto r = transport_->write(data.data(), data.size());
        if (r.status == IoStatus::done) {
            if (on_written) on_written(r.bytes);
            data.remove_prefix(r.bytes);
            continue;
        }
        if (r.status == IoStatus::closed || wait(r.status, kSendTimeout) != Wait::ready) return false;
    }
    return true;
}

bool Channel::send_file_all(int file, std::int64_t offset, std::size_t size, const Progress& on_written) {
    while (size > 0) {
        const auto r = transport_->send_file(file, offset, size);
        if (r.status == IoStatus::done) {
            if (on_written) on_written(r.bytes);
            offset += static_cast<std::int64_t>(r.bytes);
            size -= r.bytes;
            continue;
        }
        if (r.status == IoStatus::closed || wait(r.status, kSendTimeout) != Wait::ready) return false;
    }
    return true;
}

bool Channel::sleep_until(Clock::time_point deadline) {
    while (true) {
        const auto left = deadline - Clock::now();
        if (left <= Clock::duration::zero()) return true;
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
        // ppoll: sub-millisecond sleeps keep rate pacing accurate.
        const timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
        pollfd stop{stop_fd_, POLLIN, 0};
        if (::ppoll(&stop, 1, &ts, nullptr) > 0) return false;
    }
}

void Channel::wait_for_peer_close() {
    std::string discard;
    while (read_more(discard, kForever) == ReadStatus::data) discard.clear();
}

void Channel::finish(bool graceful) {
    transport_->finish(graceful);
    const auto deadline = Clock::now() + kLinger;
    std::string discard;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || read_more(discard, left) != ReadStatus::data) return;
        discard.clear();
    }
}

}  // namespace arina::testing
