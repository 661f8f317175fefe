#include "server/body_writer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "server/pacer.hpp"

namespace arina::testing {
namespace {

constexpr std::size_t kChunkFramingRoom = 32;  // "<hex size>\r\n" before, "\r\n" after

bool read_at(int fd, std::int64_t offset, char* out, std::size_t size) {
    while (size > 0) {
        const auto n = ::pread(fd, out, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;  // error, or the file shrank under us
        out += n;
        size -= static_cast<std::size_t>(n);
        offset += n;
    }
    return true;
}

class SliceSender {
  public:
    SliceSender(Channel& channel, const ResponsePlan& plan, std::vector<char>& scratch,
                const std::function<void(std::int64_t)>& on_sent)
        : channel_(channel), plan_(plan), scratch_(scratch), on_sent_(on_sent) {
        scratch_.resize(Pacer::kUnlimitedSlice + kChunkFramingRoom);
    }

    // Sends body bytes [position, position + size) of the representation.
    bool send(std::int64_t position, std::size_t size) {
        const Representation& rep = *plan_.body;
        const bool from_file = !rep.bytes;
        if (from_file && !plan_.chunked && channel_.can_send_file())
            return channel_.send_file_all(rep.file.get(), position, size, counted());
        if (!plan_.chunked) {
            if (!from_file) return channel_.write_all({rep.bytes->data() + position, size}, counted());
            if (!read_at(rep.file.get(), position, scratch_.data(), size)) return false;
            return channel_.write_all({scratch_.data(), size}, counted());
        }
        // Chunked: one write holding framing and payload; only the payload part is counted.
        char prefix[24];
        const int prefix_len = std::snprintf(prefix, sizeof prefix, "%zx\r\n", size);
        char* out = scratch_.data();
        std::memcpy(out, prefix, static_cast<std::size_t>(prefix_len));
        char* payload = out + prefix_len;
        if (from_file) {
            if (!read_at(rep.file.get(), position, payload, size)) return false;
        } else {
            std::memcpy(payload, rep.bytes->data() + position, size);
        }
        std::memcpy(payload + size, "\r\n", 2);
        const auto framed = static_cast<std::size_t>(prefix_len) + size + 2;
        std::size_t written = 0;
        const auto payload_begin = static_cast<std::size_t>(prefix_len);
        const auto payload_end = payload_begin + size;
        return channel_.write_all({out, framed}, [&](std::size_t n) {
            const auto from = std::max(written, payload_begin);
            written += n;
            const auto to = std::min(written, payload_end);
            if (to > from) on_sent_(static_cast<std::int64_t>(to - from));
        });
    }

  private:
    Channel::Progress counted() const {
        return [this](std::size_t n) { on_sent_(static_cast<std::int64_t>(n)); };
    }

    Channel& channel_;
    const ResponsePlan& plan_;
    std::vector<char>& scratch_;
    const std::function<void(std::int64_t)>& on_sent_;
};

}  // namespace

BodyOutcome send_body(Channel& channel, const ResponsePlan& plan, std::vector<char>& scratch,
                      const std::function<void(std::int64_t)>& on_sent, SharedRate* shared) {
    if (!plan.body) return BodyOutcome::complete;
    const std::int64_t limit =
        plan.cut == ResponsePlan::Cut::none ? plan.body_length : std::min(plan.cut_after, plan.body_length);
    SliceSender sender(channel, plan, scratch, on_sent);
    Pacer pacer(plan.rate_bytes_per_sec, Pacer::Clock::now());
    std::int64_t sent = 0;
    while (sent < limit) {
        // The slow patch: its own rate inside, the normal one again after; no slice crosses its edges.
        std::int64_t edge = limit;
        if (plan.slow_begin >= 0 && sent == plan.slow_begin)
            pacer.change_rate(plan.slow_rate, sent, Pacer::Clock::now());
        else if (plan.slow_begin >= 0 && sent == plan.slow_end)
            pacer.change_rate(plan.rate_bytes_per_sec, sent, Pacer::Clock::now());
        if (plan.slow_begin > sent)
            edge = std::min(edge, plan.slow_begin);
        else if (plan.slow_end > sent)
            edge = std::min(edge, plan.slow_end);
        const bool shared_limit = shared != nullptr && shared->limited();
        std::size_t slice = pacer.slice_bytes();
        if (shared_limit) slice = std::min(slice, shared->slice_bytes());
        const auto size =
            static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(slice), edge - sent));
        if (pacer.limited()) {
            pacer.forgive_lag(sent, Pacer::Clock::now());
            if (!channel.sleep_until(pacer.due(sent))) return BodyOutcome::failed;
        }
        // Booked only once this connection's own clock allows the slice: no turn is held while waiting.
        if (shared_limit && !channel.sleep_until(shared->reserve(size, SharedRate::Clock::now())))
            return BodyOutcome::failed;
        if (!sender.send(plan.body_offset + sent, size)) return BodyOutcome::failed;
        sent += static_cast<std::int64_t>(size);
    }
    if (limit < plan.body_length) return BodyOutcome::cut;
    if (plan.chunked && !channel.write_all("0\r\n\r\n")) return BodyOutcome::failed;
    return BodyOutcome::complete;
}

}  // namespace arina::testing
