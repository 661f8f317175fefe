#include "server/connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <string>
#include <vector>

#include "server/body_writer.hpp"
#include "server/channel.hpp"
#include "server/http_request.hpp"
#include "server/request_log.hpp"
#include "server/response_plan.hpp"
#include "server/route_table.hpp"
#include "server/transport.hpp"

namespace arina::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kHandshakeTimeout = 10s;
/// An idle keep-alive connection is closed after this long, as real servers do.
constexpr auto kIdleTimeout = 60s;
/// GET and HEAD carry no body; a small one is read and ignored, a large one refused.
constexpr std::int64_t kMaxRequestBody = 1 << 20;

enum class Next { keep_going, close_gracefully, close_abruptly };

RequestRecord make_record(const HttpRequest* request, int status, int connection_id) {
    RequestRecord r;
    r.status = status;
    r.connection_id = connection_id;
    if (!request) return r;
    r.method = request->method;
    r.path = request->path;
    r.target = request->target;
    r.range_header = std::string(request->header("range"));
    r.if_range_header = std::string(request->header("if-range"));
    r.headers = request->headers;
    return r;
}

class Connection {
  public:
    Connection(const ConnectionContext& context, Channel& channel, int id, bool over_capacity)
        : ctx_(context), channel_(channel), id_(id), over_capacity_(over_capacity) {}

    // Reads and answers one request.
    Next serve_one() {
        std::size_t head_length = 0;
        switch (read_head(head_length)) {
            case HeadStatus::closed:
                return Next::close_gracefully;
            case HeadStatus::too_large:
                return respond(nullptr, plan_error(431, true, std::time(nullptr)));
            case HeadStatus::ok:
                break;
        }
        auto parsed = parse_request_head(std::string_view(buffer_).substr(0, head_length));
        buffer_.erase(0, head_length);
        const auto now = std::time(nullptr);
        if (!parsed.request) return respond(nullptr, plan_error(parsed.error_status, true, now));
        const HttpRequest& request = *parsed.request;
        // A chunked request body cannot be skipped without decoding it; we only serve GET and HEAD.
        if (request.chunked_body) return respond(&request, plan_error(501, true, now));
        if (request.content_length > kMaxRequestBody) return respond(&request, plan_error(413, true, now));
        if (!skip_request_body(request.content_length)) return Next::close_abruptly;
        // Too many connections open: refuse as a busy origin does, and close.
        if (over_capacity_) return respond(&request, plan_error(503, true, now));
        if (request.method != "GET" && request.method != "HEAD")
            return respond(&request, plan_error(501, !request.keep_alive, now));
        const auto question = request.target.find('?');
        const std::string_view query = question == std::string::npos
                                           ? std::string_view()
                                           : std::string_view(request.target).substr(question + 1);
        return respond(&request, plan_response(request, ctx_.routes.resolve(request.path, query), now, id_));
    }

  private:
    enum class HeadStatus { ok, closed, too_large };

    HeadStatus read_head(std::size_t& head_length) {
        while (true) {
            buffer_.erase(0, leading_empty_line_bytes(buffer_));
            head_length = find_head_end(buffer_);
            if (head_length > kMaxRequestHead || (head_length == 0 && buffer_.size() > kMaxRequestHead))
                return HeadStatus::too_large;
            if (head_length > 0) return HeadStatus::ok;
            if (channel_.read_more(buffer_, kIdleTimeout) != Channel::ReadStatus::data)
                return HeadStatus::closed;
        }
    }

    bool skip_request_body(std::int64_t length) {
        while (static_cast<std::int64_t>(buffer_.size()) < length) {
            if (channel_.read_more(buffer_, kIdleTimeout) != Channel::ReadStatus::data) return false;
        }
        buffer_.erase(0, static_cast<std::size_t>(length));
        return true;
    }

    Next respond(const HttpRequest* request, const ResponsePlan& plan) {
        RequestRecord record = make_record(request, plan.status, id_);
        const auto log_id = ctx_.log.begin(record);
        const auto outcome = deliver(plan, record, log_id);
        ctx_.log.finish(log_id, record);
        switch (outcome) {
            case BodyOutcome::failed:
                return Next::close_abruptly;
            case BodyOutcome::cut:
                // A stall keeps the socket open and silent until the client gives up.
                if (plan.cut == ResponsePlan::Cut::stall) channel_.wait_for_peer_close();
                return Next::close_abruptly;
            case BodyOutcome::complete:
                break;
        }
        return plan.close_after ? Next::close_gracefully : Next::keep_going;
    }

    BodyOutcome deliver(const ResponsePlan& plan, RequestRecord& record, std::uint64_t log_id) {
        set_nagle(plan.nagle);
        if (plan.latency_ms > 0) {
            const auto delay = std::chrono::duration<double, std::milli>(plan.latency_ms);
            if (!channel_.sleep_until(Channel::Clock::now() +
                                      std::chrono::duration_cast<Channel::Clock::duration>(delay)))
                return BodyOutcome::failed;
        }
        if (!channel_.write_all(plan.head)) return BodyOutcome::failed;
        return send_body(
            channel_, plan, scratch_,
            [&](std::int64_t n) {
                record.body_bytes_sent += n;
                ctx_.log.add_body_bytes(log_id, record.path, n);
            },
            ctx_.shared_rate);
    }

    // The listener turns TCP_NODELAY on for every connection; a route may want it off.
    void set_nagle(bool on) {
        if (on == nagle_) return;
        const int nodelay = on ? 0 : 1;
        if (::setsockopt(channel_.fd(), IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay) == 0) nagle_ = on;
    }

    const ConnectionContext& ctx_;
    Channel& channel_;
    const int id_;
    const bool over_capacity_;
    bool nagle_ = false;
    std::string buffer_;  ///< received bytes not yet consumed (pipelined requests stay here)
    std::vector<char> scratch_;
};

// Tells the registry exactly once, before the socket is closed, even when serving threw.
class ClosingNotice {
  public:
    ClosingNotice(const ConnectionContext& ctx, int id) : ctx_(ctx), id_(id) {}
    ~ClosingNotice() { give(); }
    ClosingNotice(const ClosingNotice&) = delete;
    ClosingNotice& operator=(const ClosingNotice&) = delete;
    void give() {
        if (given_) return;
        given_ = true;
        if (ctx_.on_closing) ctx_.on_closing(id_);
    }

  private:
    const ConnectionContext& ctx_;
    int id_;
    bool given_ = false;
};

}  // namespace

void serve_connection(const ConnectionContext& context, UniqueFd socket, int connection_id,
                      bool over_capacity) {
    // TLS writes go through write(2), which raises SIGPIPE on a closed socket. Blocked in this
    // thread, the signal stays pending here and the write fails with EPIPE instead.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);

    auto transport = context.tls ? make_tls_transport(std::move(socket), context.tls)
                                 : make_plain_transport(std::move(socket));
    Channel channel(std::move(transport), context.stop_fd);
    ClosingNotice notice(context, connection_id);  // destroyed before channel: before the close
    try {
        Next next = Next::close_abruptly;
        if (channel.handshake(kHandshakeTimeout)) {
            Connection connection(context, channel, connection_id, over_capacity);
            do next = connection.serve_one();
            while (next == Next::keep_going);
        }
        notice.give();
        channel.finish(next == Next::close_gracefully);
    } catch (const std::exception& e) {
        // No exception may leave a thread entry point; a test sees the connection close.
        std::fprintf(stderr, "arina-testserver: connection %d: %s\n", connection_id, e.what());
    }
}

}  // namespace arina::testing
