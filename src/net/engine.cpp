#include "net/engine.hpp"

#include <curl/curl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "net/curl_errors.hpp"
#include "net/origin.hpp"
#include "net/rate_limiter.hpp"
#include "net/read_batching.hpp"
#include "util/log_hook.hpp"

namespace arina::net {
namespace {

using Clock = std::chrono::steady_clock;

// How often stalls and rate-limit pauses are looked at. Small enough for a smooth
// --limit-rate, large enough not to spin.
constexpr std::chrono::milliseconds kTick{10};
constexpr long kReceiveBufferBytes = 128 * 1024;

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// "scheme://host:port" of a URL: the unit of the per-host connection budget.
std::string host_key(const std::string& url) {
    std::string key = origin_of(url);
    return key.empty() ? url : key;
}

// Asks the kernel to acknowledge what arrives on `socket` at once rather than up to 40 ms later.
// On a reused keep-alive connection Linux enters delayed-ACK ("ping-pong") mode as soon as we send a
// request: it expects to piggyback the ACK on our next data. A server that writes a response's head
// and body separately with Nagle's algorithm on (Python's http.server, many small origins) sends the
// head and holds the small body until the head is ACKed, so every request waited ~40 ms for the
// delayed-ACK timer. TCP_QUICKACK leaves ping-pong mode, and the read that follows (libcurl's recv of
// what woke us) ACKs right away; Linux re-enters the mode on our next request, hence once per wake-up
// with data to read, and whenever libcurl starts reading a socket for a new transfer (it may have read
// the head already). One setsockopt per wake-up: read batching keeps those few on bulk transfers.
void ack_promptly(int socket) {
    const int one = 1;
    ::setsockopt(socket, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

// Work run on the engine thread comes from every download; one that throws must not
// take the thread, and with it every other download, down. It is reported and dropped.
template <class Fn>
void guarded(const char* what, Fn&& fn) {
    try {
        fn();
    } catch (const std::exception& e) {
        emit_log(LogLevel::Error, std::string("internal error in ") + what + ": " + e.what());
    } catch (...) {
        emit_log(LogLevel::Error, std::string("internal error in ") + what);
    }
}

}  // namespace

struct Transfer {
    TransferId id = 0;
    TransferRequest request;
    TransferHandler* handler = nullptr;
    std::string host;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    ResponseHead head;
    bool head_delivered = false;
    bool stopped_by_handler = false;
    bool aborted = false;
    bool paused = false;
    std::string handler_error;   // a callback threw: the transfer ends as an internal error
    std::string protocol_error;  // the head broke HTTP framing: the transfer ends as a bad response
    std::int64_t body_bytes = 0;
    Clock::time_point last_activity{};
    // Read batching (read_batching.hpp): the body bytes the socket will still carry (-1: not
    // known exactly, e.g. chunked, compressed or HTTP/2), when the body began, the mark in force.
    std::int64_t expected_body = -1;
    Clock::time_point body_started{};
    std::int64_t low_water = 1;
    curl_socket_t socket = CURL_SOCKET_BAD;  // the connection the body arrives on
    struct Engine::Impl* engine = nullptr;
    char error_buffer[CURL_ERROR_SIZE] = {};
};

struct Engine::Impl {
    explicit Impl(EngineOptions o) : options(o), limiter(o.rate_limit) {}

    EngineOptions options;
    CURLM* multi = nullptr;
    // libcurl tells us which sockets to watch (socket_callback) and when to call it back
    // (timer_callback); we wait on them with epoll, so each wake-up handles only the
    // sockets that are ready instead of polling every transfer.
    int epoll_fd = -1;
    int wake_fd = -1;  // eventfd: post() and start() from other threads wake the loop
    bool curl_timer_set = false;
    curl_socket_t reading_socket = CURL_SOCKET_BAD;
    // Every socket given a low-water mark above 1 since the last reset (see check_stalls).
    std::set<curl_socket_t> raised_sockets;
    Clock::time_point curl_deadline{};
    CURLSH* share = nullptr;
    RateLimiter limiter;

    // Cross-thread state.
    std::mutex mutex;
    std::vector<std::function<void()>> posted;
    bool stopping = false;
    std::atomic<int> stat_active{0};
    std::atomic<int> stat_queued{0};
    std::atomic<std::int64_t> stat_bytes{0};

    // Engine-thread state.
    TransferId next_id = 1;
    std::unordered_map<TransferId, std::unique_ptr<Transfer>> transfers;
    std::vector<Transfer*> waiting;  // not started yet: per-host budget full
    std::map<std::string, int> active_per_host;
    std::vector<TransferId> paused;     // waiting for rate-limit tokens, in wake-up order
    std::vector<TransferId> to_remove;  // aborted from inside callbacks
    TimerId next_timer = 1;
    std::map<std::pair<Clock::time_point, TimerId>, std::function<void()>> timers;
    std::unordered_map<TimerId, Clock::time_point> timer_due;

    void run();
    void run_posted();
    void run_timers();
    void check_stalls();
    void wake_paused();
    void start_waiting();
    bool host_has_room(const std::string& host) const;
    void launch(Transfer& t);
    void finish(Transfer& t, CURLcode code);
    void release(Transfer& t);
    void remove_aborted();

    void wake();
    void curl_action(curl_socket_t socket, int flags);
    void drain_messages();
    static int socket_callback(CURL* easy, curl_socket_t socket, int what, void* user, void* socket_data);
    static int timer_callback(CURLM* multi, long timeout_ms, void* user);
    static std::size_t header_callback(char* data, std::size_t size, std::size_t n, void* user);
    static std::size_t write_callback(char* data, std::size_t size, std::size_t n, void* user);
    static void expect_body(Transfer& t);
    void tune_low_water(Transfer& t, Clock::time_point now);
    void set_low_water(Transfer& t, std::int64_t bytes);
};

// ---------------------------------------------------------------- callbacks

std::size_t Engine::Impl::header_callback(char* data, std::size_t size, std::size_t n, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    const std::size_t len = size * n;
    if (t.aborted) return 0;
    t.last_activity = Clock::now();
    const bool end_of_head = add_header_line(t.head, std::string_view(data, len));
    if (!end_of_head) return len;
    // A blank line ends a head; 1xx and followed redirects are followed by another one.
    const int status = t.head.status;
    const bool redirect =
        status >= 300 && status < 400 && t.head.has("location") && t.request.http->max_redirects > 0;
    if (status < 200 || redirect) return len;
    char* url = nullptr;
    curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &url);
    t.head.effective_url = url ? url : t.request.url;
    t.head_delivered = true;
    // Checked here, for every downloader at once: a length that cannot be trusted frames nothing.
    if (auto problem = framing_problem(t.head, t.request.range.has_value())) {
        t.protocol_error = "server " + *problem;
        return 0;
    }
    expect_body(t);
    try {
        if (!t.handler->on_response(t.id, t.head)) {
            t.stopped_by_handler = true;
            return 0;
        }
    } catch (const std::exception& e) {
        t.handler_error = e.what();
        return 0;
    }
    return len;
}

std::size_t Engine::Impl::write_callback(char* data, std::size_t size, std::size_t n, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    const std::size_t len = size * n;
    if (t.aborted || t.stopped_by_handler) return 0;
    auto& self = *t.engine;
    const auto now = Clock::now();
    t.last_activity = now;
    // An exception must not unwind through libcurl's C frames: it ends this transfer.
    try {
        if (!t.head_delivered) {  // a head without a blank line (HTTP/0.9-like); deliver it now
            t.head_delivered = true;
            if (!t.handler->on_response(t.id, t.head)) {
                t.stopped_by_handler = true;
                return 0;
            }
        }
    } catch (const std::exception& e) {
        t.handler_error = e.what();
        return 0;
    }
    if (!self.limiter.try_consume(len, now)) {
        // libcurl keeps these bytes and hands them over again after the un-pause.
        t.paused = true;
        self.paused.push_back(t.id);
        return CURL_WRITEFUNC_PAUSE;
    }
    if (t.body_bytes == 0) t.body_started = now;
    t.body_bytes += static_cast<std::int64_t>(len);
    self.stat_bytes.fetch_add(static_cast<std::int64_t>(len), std::memory_order_relaxed);
    try {
        if (!t.handler->on_body(t.id, std::span<const char>(data, len))) {
            t.stopped_by_handler = true;
            return 0;
        }
    } catch (const std::exception& e) {
        t.handler_error = e.what();
        return 0;
    }
    self.tune_low_water(t, now);
    return len;
}

// Only a body whose bytes on the wire are at least its remaining length can batch reads: plain
// HTTP/1.x with a Content-Length, not decoded (TLS only adds bytes). Anything else keeps mark 1.
void Engine::Impl::expect_body(Transfer& t) {
    t.expected_body = -1;
    long version = 0;
    curl_easy_getinfo(t.easy, CURLINFO_HTTP_VERSION, &version);
    if (version != CURL_HTTP_VERSION_1_0 && version != CURL_HTTP_VERSION_1_1) return;
    if (t.request.decode_content && t.head.has("content-encoding")) return;
    if (t.head.has("transfer-encoding")) return;
    if (const auto length = t.head.content_length(); length && *length > 0) t.expected_body = *length;
}

void Engine::Impl::tune_low_water(Transfer& t, Clock::time_point now) {
    if (t.expected_body < 0) return;
    if (reading_socket != CURL_SOCKET_BAD) t.socket = reading_socket;
    const std::int64_t remaining = t.expected_body - t.body_bytes;
    const double elapsed = std::chrono::duration<double>(now - t.body_started).count();
    // The first bursts say little about the speed; until then, and at the end, every byte wakes us.
    const double speed = elapsed >= 0.02 ? static_cast<double>(t.body_bytes) / elapsed : 0;
    const std::int64_t wanted = receive_low_water(speed, remaining);
    if (low_water_worth_changing(t.low_water, wanted, remaining)) set_low_water(t, wanted);
}

void Engine::Impl::set_low_water(Transfer& t, std::int64_t bytes) {
    if (t.socket == CURL_SOCKET_BAD) return;
    const int value = static_cast<int>(bytes);
    if (::setsockopt(t.socket, SOL_SOCKET, SO_RCVLOWAT, &value, sizeof value) == 0) t.low_water = bytes;
    if (bytes > 1) raised_sockets.insert(t.socket);
}

// ---------------------------------------------------------------- engine thread

void Engine::Impl::launch(Transfer& t) {
    const HttpOptions& http = *t.request.http;
    CURL* e = curl_easy_init();
    t.easy = e;
    curl_easy_setopt(e, CURLOPT_URL, t.request.url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_SHARE, share);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_buffer);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::header_callback);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::write_callback);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, http.max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(http.max_redirects));
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(http.socket_timeout * 1000));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, http.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, http.verify_tls ? 2L : 0L);
    if (!http.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, http.ca_file.c_str());
    curl_easy_setopt(e, CURLOPT_USERAGENT, http.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    if (!http.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, http.proxy.c_str());
    if (!http.cookies_file.empty()) curl_easy_setopt(e, CURLOPT_COOKIEFILE, http.cookies_file.c_str());
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    if (t.request.decode_content)
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    else
        t.headers = curl_slist_append(t.headers, "Accept-Encoding: identity");
    if (t.request.range) {
        const auto& r = *t.request.range;
        const std::string range = r.end > 0 ? std::to_string(r.begin) + "-" + std::to_string(r.end - 1)
                                            : std::to_string(r.begin) + "-";
        curl_easy_setopt(e, CURLOPT_RANGE, range.c_str());  // libcurl copies the string
        if (!t.request.if_range.empty())
            t.headers = curl_slist_append(t.headers, ("If-Range: " + t.request.if_range).c_str());
    }
    for (const auto& h : http.headers) t.headers = curl_slist_append(t.headers, h.c_str());
    for (const auto& scoped : http.origin_headers) {
        if (!scoped.applies_to(t.host)) continue;
        for (const auto& h : scoped.headers) t.headers = curl_slist_append(t.headers, h.c_str());
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);

    t.last_activity = Clock::now();
    ++active_per_host[t.host];
    stat_active.fetch_add(1, std::memory_order_relaxed);
    curl_multi_add_handle(multi, e);
}

bool Engine::Impl::host_has_room(const std::string& host) const {
    if (options.max_connections_per_host <= 0) return true;
    auto it = active_per_host.find(host);
    return it == active_per_host.end() || it->second < options.max_connections_per_host;
}

// Starts waiting transfers whose host has room. Among the waiters of one host the
// owner with the fewest running transfers goes first, so tasks share a host fairly;
// ties go to the oldest request.
void Engine::Impl::start_waiting() {
    while (!waiting.empty()) {
        std::map<std::pair<std::string, std::uint64_t>, int> running_by_owner;
        for (const auto& [id, t] : transfers)
            if (t->easy) ++running_by_owner[{t->host, t->request.owner}];
        Transfer* best = nullptr;
        std::size_t best_index = 0;
        int best_running = 0;
        for (std::size_t i = 0; i < waiting.size(); ++i) {
            Transfer* t = waiting[i];
            if (!host_has_room(t->host)) continue;
            const int running = running_by_owner[{t->host, t->request.owner}];
            if (!best || running < best_running) {
                best = t;
                best_index = i;
                best_running = running;
            }
        }
        if (!best) break;
        waiting.erase(waiting.begin() + static_cast<std::ptrdiff_t>(best_index));
        stat_queued.fetch_sub(1, std::memory_order_relaxed);
        launch(*best);
    }
}

void Engine::Impl::release(Transfer& t) {
    if (t.easy) {
        // The connection may be kept for another request, whose head must wake us byte by byte.
        if (t.low_water > 1) set_low_water(t, 1);
        curl_multi_remove_handle(multi, t.easy);
        curl_easy_cleanup(t.easy);
        t.easy = nullptr;
        if (--active_per_host[t.host] <= 0) active_per_host.erase(t.host);
        stat_active.fetch_sub(1, std::memory_order_relaxed);
    } else {
        auto it = std::find(waiting.begin(), waiting.end(), &t);
        if (it != waiting.end()) {
            waiting.erase(it);
            stat_queued.fetch_sub(1, std::memory_order_relaxed);
        }
    }
    curl_slist_free_all(t.headers);
    t.headers = nullptr;
    transfers.erase(t.id);  // destroys t
}

void Engine::Impl::finish(Transfer& t, CURLcode code) {
    TransferOutcome outcome;
    outcome.body_bytes = t.body_bytes;
    outcome.stopped_by_handler = t.stopped_by_handler;
    if (!t.handler_error.empty()) {
        outcome.stopped_by_handler = false;
        outcome.reason = FailReason::Internal;
        outcome.message = t.request.url + ": internal error: " + t.handler_error;
    } else if (!t.protocol_error.empty()) {
        outcome.reason = FailReason::BadResponse;
        outcome.message = t.request.url + ": " + t.protocol_error;
    } else if (!t.stopped_by_handler && code != CURLE_OK) {
        outcome.reason = fail_reason_for(code);
        outcome.failure_class = failure_class_for(code);
        outcome.message = t.request.url + ": " + failure_text(code, t.error_buffer);
        // "Couldn't connect to server" does not say whether the host refused or was unreachable.
        long os_error = 0;
        if (code == CURLE_COULDNT_CONNECT && t.easy &&
            curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_error) == CURLE_OK && os_error != 0)
            outcome.message += " (" + std::string(std::strerror(static_cast<int>(os_error))) + ")";
    }
    TransferHandler* handler = t.handler;
    const TransferId id = t.id;
    release(t);
    guarded("a transfer's completion", [&] { handler->on_done(id, outcome); });
}

void Engine::Impl::remove_aborted() {
    auto ids = std::move(to_remove);
    to_remove.clear();
    for (TransferId id : ids) {
        auto it = transfers.find(id);
        if (it != transfers.end()) release(*it->second);
    }
}

void Engine::Impl::check_stalls() {
    const auto now = Clock::now();
    std::vector<Transfer*> stalled;
    bool any_quiet = false;
    for (const auto& [id, t] : transfers) {
        if (!t->easy || t->paused || t->aborted) continue;
        const double idle = std::chrono::duration<double>(now - t->last_activity).count();
        const double timeout = t->request.http->socket_timeout;
        if (idle > std::min(1.0, timeout / 4)) any_quiet = true;
        if (idle > timeout) stalled.push_back(t.get());
    }
    // Once anything has been quiet for a second, every raised low-water mark goes back to 1, which
    // also wakes a socket whose data is waiting below its mark. Two ways to get there: a
    // connection that slowed down may be trickling bytes below its mark (from now on every byte
    // wakes us, so it is never taken for stalled); and a transfer's socket is learnt from the
    // socket libcurl was reading when its body arrived, while libcurl may also run other
    // transfers in that call (their timers), so a mark meant for one connection can land on
    // another, whose whole answer then sits below it, unseen.
    if (any_quiet && !raised_sockets.empty()) {
        const int one = 1;
        for (curl_socket_t s : raised_sockets) ::setsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &one, sizeof one);
        raised_sockets.clear();
        for (const auto& [id, t] : transfers) t->low_water = 1;
    }
    for (Transfer* t : stalled) {
        TransferOutcome outcome;
        outcome.reason = FailReason::Timeout;
        outcome.body_bytes = t->body_bytes;
        char msg[64];
        std::snprintf(msg, sizeof msg, "no data received for %.0f s", t->request.http->socket_timeout);
        outcome.message = t->request.url + ": " + msg;
        TransferHandler* handler = t->handler;
        const TransferId id = t->id;
        release(*t);
        guarded("a transfer's completion", [&] { handler->on_done(id, outcome); });
    }
}

void Engine::Impl::wake_paused() {
    if (paused.empty()) return;
    // Rotate so that the first to pause is the first to run again.
    auto ids = std::move(paused);
    paused.clear();
    const auto now = Clock::now();
    std::size_t i = 0;
    for (; i < ids.size(); ++i) {
        if (!limiter.has_tokens(now)) break;
        auto it = transfers.find(ids[i]);
        if (it == transfers.end() || !it->second->easy) continue;
        Transfer& t = *it->second;
        t.paused = false;
        t.last_activity = now;
        // May deliver the held bytes right away, and may pause the transfer again.
        curl_easy_pause(t.easy, CURLPAUSE_CONT);
    }
    for (; i < ids.size(); ++i) paused.push_back(ids[i]);
}

void Engine::Impl::run_posted() {
    std::vector<std::function<void()>> jobs;
    {
        std::lock_guard lock(mutex);
        jobs.swap(posted);
    }
    for (auto& job : jobs) guarded("posted work", job);
}

void Engine::Impl::run_timers() {
    const auto now = Clock::now();
    while (!timers.empty() && timers.begin()->first.first <= now) {
        auto node = timers.extract(timers.begin());
        timer_due.erase(node.key().second);
        guarded("a timer", node.mapped());
    }
}

int Engine::Impl::socket_callback(CURL*, curl_socket_t socket, int what, void* user, void*) {
    auto& self = *static_cast<Impl*>(user);
    if (what == CURL_POLL_REMOVE) {
        ::epoll_ctl(self.epoll_fd, EPOLL_CTL_DEL, socket, nullptr);
        return 0;
    }
    // A transfer starting to read: libcurl may already have read the head, right after sending the
    // request, in the same call that tells us this (no wake-up of ours came first).
    if (what & CURL_POLL_IN) ack_promptly(socket);
    epoll_event ev{};
    ev.data.fd = socket;
    ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
    if (::epoll_ctl(self.epoll_fd, EPOLL_CTL_MOD, socket, &ev) != 0 && errno == ENOENT)
        ::epoll_ctl(self.epoll_fd, EPOLL_CTL_ADD, socket, &ev);
    return 0;
}

int Engine::Impl::timer_callback(CURLM*, long timeout_ms, void* user) {
    auto& self = *static_cast<Impl*>(user);
    self.curl_timer_set = timeout_ms >= 0;
    if (self.curl_timer_set) self.curl_deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    return 0;
}

void Engine::Impl::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd, &one, sizeof one);
}

void Engine::Impl::curl_action(curl_socket_t socket, int flags) {
    int running = 0;
    // Bodies delivered during this call arrived on `socket` (libcurl has no getter for a
    // transfer's socket while it runs).
    reading_socket = socket;
    curl_multi_socket_action(multi, socket, flags, &running);
    reading_socket = CURL_SOCKET_BAD;
}

void Engine::Impl::drain_messages() {
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
        if (msg->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
        if (!t) continue;
        if (t->aborted)
            release(*t);
        else
            finish(*t, msg->data.result);
    }
}

void Engine::Impl::run() {
    auto last_stall_check = Clock::now();
    std::array<epoll_event, 64> events{};
    while (true) {
        {
            std::lock_guard lock(mutex);
            if (stopping) break;
        }
        run_posted();
        run_timers();
        remove_aborted();
        start_waiting();
        if (curl_timer_set && Clock::now() >= curl_deadline) {
            curl_timer_set = false;
            curl_action(CURL_SOCKET_TIMEOUT, 0);
        }
        drain_messages();
        remove_aborted();
        wake_paused();

        const auto now = Clock::now();
        if (now - last_stall_check >= std::chrono::milliseconds(200)) {
            check_stalls();
            last_stall_check = now;
        }

        long wait_ms = 1000;
        if (curl_timer_set) {
            // Rounded up: a deadline less than 1 ms away would otherwise make epoll_wait(0) spin until it.
            const auto until = std::chrono::ceil<std::chrono::milliseconds>(curl_deadline - now);
            wait_ms = std::min<long>(wait_ms, std::max<long>(0, static_cast<long>(until.count())));
        }
        if (!timers.empty()) {
            const auto until =
                std::chrono::ceil<std::chrono::milliseconds>(timers.begin()->first.first - now);
            wait_ms = std::min<long>(wait_ms, std::max<long>(0, static_cast<long>(until.count())));
        }
        if (!paused.empty()) wait_ms = std::min<long>(wait_ms, kTick.count());
        if (!transfers.empty()) wait_ms = std::min<long>(wait_ms, 200);
        {
            std::lock_guard lock(mutex);
            if (!posted.empty() || stopping) wait_ms = 0;
        }
        const int n =
            ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), static_cast<int>(wait_ms));
        for (int i = 0; i < n; ++i) {
            const int fd = events[static_cast<std::size_t>(i)].data.fd;
            const auto ev = events[static_cast<std::size_t>(i)].events;
            if (fd == wake_fd) {
                std::uint64_t count = 0;
                [[maybe_unused]] const auto r = ::read(wake_fd, &count, sizeof count);
                continue;
            }
            if (ev & EPOLLIN) ack_promptly(fd);
            const int flags = ((ev & EPOLLIN) ? CURL_CSELECT_IN : 0) |
                              ((ev & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                              ((ev & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
            curl_action(fd, flags);
        }
        drain_messages();
    }
    // Shutdown: drop whatever is left without callbacks.
    while (!transfers.empty()) release(*transfers.begin()->second);
}

// ---------------------------------------------------------------- public API

Engine::Engine(EngineOptions options) : impl_(std::make_unique<Impl>(options)) {
    global_init();
    impl_->multi = curl_multi_init();
    impl_->share = curl_share_init();
    // One thread uses these, so no lock callbacks are needed.
    curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, 64L);
    impl_->epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    impl_->wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (impl_->epoll_fd < 0 || impl_->wake_fd < 0)
        throw std::runtime_error("engine: cannot create epoll/eventfd");
    epoll_event wake_event{};
    wake_event.events = EPOLLIN;
    wake_event.data.fd = impl_->wake_fd;
    ::epoll_ctl(impl_->epoll_fd, EPOLL_CTL_ADD, impl_->wake_fd, &wake_event);
    curl_multi_setopt(impl_->multi, CURLMOPT_SOCKETFUNCTION, &Impl::socket_callback);
    curl_multi_setopt(impl_->multi, CURLMOPT_SOCKETDATA, impl_.get());
    curl_multi_setopt(impl_->multi, CURLMOPT_TIMERFUNCTION, &Impl::timer_callback);
    curl_multi_setopt(impl_->multi, CURLMOPT_TIMERDATA, impl_.get());
    thread_ = std::thread([this] {
        thread_id_.store(std::this_thread::get_id());
        impl_->run();
    });
}

Engine::~Engine() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->wake();
    thread_.join();
    curl_multi_cleanup(impl_->multi);
    curl_share_cleanup(impl_->share);
    ::close(impl_->epoll_fd);
    ::close(impl_->wake_fd);
}

void Engine::post(std::function<void()> fn) {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->posted.push_back(std::move(fn));
    }
    impl_->wake();
}

void Engine::set_rate_limit(double bytes_per_second) {
    post([this, bytes_per_second] { impl_->limiter.set_rate(bytes_per_second); });
}

void Engine::set_host_connection_limit(int limit) {
    post([this, limit] { impl_->options.max_connections_per_host = limit; });
}

EngineStats Engine::stats() const {
    return {impl_->stat_active.load(), impl_->stat_queued.load(), impl_->stat_bytes.load()};
}

TransferId Engine::start(TransferRequest request, TransferHandler& handler) {
    auto t = std::make_unique<Transfer>();
    t->id = impl_->next_id++;
    t->host = host_key(request.url);
    t->request = std::move(request);
    t->handler = &handler;
    t->engine = impl_.get();
    Transfer* raw = t.get();
    impl_->transfers.emplace(raw->id, std::move(t));
    // Started from the loop, never from inside a libcurl callback (libcurl forbids
    // adding handles there).
    impl_->waiting.push_back(raw);
    impl_->stat_queued.fetch_add(1, std::memory_order_relaxed);
    impl_->wake();
    return raw->id;
}

void Engine::abort(TransferId id) {
    auto it = impl_->transfers.find(id);
    if (it == impl_->transfers.end() || it->second->aborted) return;
    it->second->aborted = true;
    // Removed from the loop, never from inside a libcurl callback.
    impl_->to_remove.push_back(id);
}

TimerId Engine::add_timer(std::chrono::milliseconds delay, std::function<void()> fn) {
    const TimerId id = impl_->next_timer++;
    const auto due = Clock::now() + delay;
    impl_->timers.emplace(std::make_pair(due, id), std::move(fn));
    impl_->timer_due.emplace(id, due);
    return id;
}

void Engine::cancel_timer(TimerId id) {
    auto it = impl_->timer_due.find(id);
    if (it == impl_->timer_due.end()) return;
    impl_->timers.erase({it->second, id});
    impl_->timer_due.erase(it);
}

}  // namespace arina::net
