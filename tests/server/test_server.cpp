#include "server/test_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "server/connection.hpp"
#include "server/connection_registry.hpp"
#include "server/listener.hpp"
#include "server/request_log.hpp"
#include "server/route_table.hpp"
#include "server/shared_rate.hpp"
#include "server/tls_context.hpp"
#include "server/unique_fd.hpp"

namespace arina::testing {

struct TestServer::Impl {
    explicit Impl(ServerOptions opts)
        : options(std::move(opts)),
          routes(options.defaults),
          log(options.on_response_done),
          shared_rate(options.total_rate_bytes_per_sec),
          stop_event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
        if (!stop_event.valid()) throw std::runtime_error("test server: eventfd failed");
        if (options.tls) tls = std::make_unique<TlsContext>();
        listener = listen_tcp(options.bind, options.port, port);
        context.tls = tls ? tls->get() : nullptr;
        acceptor = std::thread([this] { accept_loop(); });
    }

    void accept_loop();
    void start_worker(UniqueFd client);
    void reap_finished_workers();
    void stop();

    ServerOptions options;
    RouteTable routes;
    RequestLog log;
    SharedRate shared_rate;
    ConnectionRegistry connections;
    std::unique_ptr<TlsContext> tls;
    /// Readable once stop() ran: every wait in every connection thread polls it too.
    UniqueFd stop_event;
    UniqueFd listener;
    std::uint16_t port = 0;
    ConnectionContext context{
        routes, log, stop_event.get(), nullptr, [this](int id) { connections.closing(id); }, &shared_rate};

    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::list<Worker> workers;  ///< touched by the accept thread, then by stop() once it is joined
    std::thread acceptor;
    std::mutex stop_mutex;
    bool stopped = false;
};

void TestServer::Impl::accept_loop() {
    while (true) {
        pollfd fds[2] = {{listener.get(), POLLIN, 0}, {stop_event.get(), POLLIN, 0}};
        // The timeout only serves to join finished connection threads while no client connects.
        const int rc = ::poll(fds, 2, 1000);
        if (rc > 0 && fds[1].revents != 0) return;
        reap_finished_workers();
        if (rc <= 0 || (fds[0].revents & POLLIN) == 0) continue;
        UniqueFd client(::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!client.valid()) {
            // Out of descriptors: back off instead of spinning on a listener that stays readable.
            if (errno == EMFILE || errno == ENFILE) {
                pollfd stop{stop_event.get(), POLLIN, 0};
                if (::poll(&stop, 1, 50) > 0) return;
            }
            continue;
        }
        // Small writes (headers, rate-limited slices) must not wait for delayed ACKs.
        const int one = 1;
        ::setsockopt(client.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        start_worker(std::move(client));
    }
}

void TestServer::Impl::start_worker(UniqueFd client) {
    const auto admission = connections.opened(client.get(), options.max_connections);
    const int id = admission.id;
    const bool over_capacity = !admission.admitted;
    auto done = std::make_shared<std::atomic<bool>>(false);
    try {
        std::thread thread([this, id, over_capacity, done, fd = std::move(client)]() mutable {
            try {
                serve_connection(context, std::move(fd), id, over_capacity);
            } catch (...) {  // no exception may leave a thread entry point
            }
            done->store(true);
        });
        workers.push_back({std::move(thread), std::move(done)});
    } catch (const std::system_error& e) {
        // No thread: the lambda (and the socket in it) is gone already.
        connections.closing(id);
        std::fprintf(stderr, "arina-testserver: cannot start a connection thread: %s\n", e.what());
    }
}

void TestServer::Impl::reap_finished_workers() {
    for (auto it = workers.begin(); it != workers.end();) {
        if (it->done->load()) {
            it->thread.join();
            it = workers.erase(it);
        } else {
            ++it;
        }
    }
}

void TestServer::Impl::stop() {
    std::lock_guard lock(stop_mutex);
    if (stopped) return;
    stopped = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(stop_event.get(), &one, sizeof one);
    if (acceptor.joinable()) acceptor.join();
    for (auto& worker : workers) worker.thread.join();
    workers.clear();
    listener.reset();
}

TestServer::TestServer(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

TestServer::~TestServer() {
    impl_->stop();
}

void TestServer::stop() {
    impl_->stop();
}

std::uint16_t TestServer::port() const {
    return impl_->port;
}

std::string TestServer::base_url() const {
    std::string host = impl_->options.bind;
    if (host == "0.0.0.0") host = "127.0.0.1";
    if (host == "::") host = "::1";
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return (impl_->tls ? "https://" : "http://") + host + ":" + std::to_string(impl_->port);
}

std::string TestServer::url(std::string_view path) const {
    return base_url() + std::string(path);
}

std::string TestServer::certificate_pem() const {
    return impl_->tls ? impl_->tls->certificate_pem() : "";
}

void TestServer::serve_bytes(std::string path, std::string body, Faults faults) {
    impl_->routes.add_bytes(std::move(path), std::move(body), std::move(faults));
}

void TestServer::serve_file(std::string path, std::filesystem::path file, Faults faults) {
    impl_->routes.add_file(std::move(path), std::move(file), std::move(faults));
}

void TestServer::serve_directory(std::string url_prefix, std::filesystem::path dir, Faults faults) {
    impl_->routes.add_directory(std::move(url_prefix), std::move(dir), std::move(faults));
}

void TestServer::redirect(std::string from, std::string to, int status) {
    impl_->routes.add_redirect(std::move(from), std::move(to), status);
}

void TestServer::set_faults(std::string path, Faults faults) {
    impl_->routes.set_faults(std::move(path), std::move(faults));
}

void TestServer::replace_bytes(std::string path, std::string body) {
    impl_->routes.replace_bytes(path, std::move(body));
}

void TestServer::sign_playlist(std::string playlist_path, int uses_per_token) {
    impl_->routes.sign_playlist(std::move(playlist_path), uses_per_token);
}

void TestServer::set_cookie_required(std::string path, std::string name, std::string value) {
    impl_->routes.require(std::move(path), Requirement{true, std::move(name), std::move(value)});
}

void TestServer::set_header_required(std::string path, std::string name, std::string value) {
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    impl_->routes.require(std::move(path), Requirement{false, std::move(name), std::move(value)});
}

std::vector<RequestRecord> TestServer::requests() const {
    return impl_->log.records();
}

std::vector<RequestRecord> TestServer::requests_for(std::string_view path) const {
    return impl_->log.records_for(path);
}

std::int64_t TestServer::body_bytes_sent(std::string_view path) const {
    return impl_->log.body_bytes_sent(path);
}

int TestServer::connections_accepted() const {
    return impl_->connections.accepted();
}

int TestServer::connections_rejected() const {
    return impl_->connections.rejected();
}

int TestServer::max_concurrent_connections() const {
    return impl_->connections.max_concurrent();
}

void TestServer::clear_log() {
    impl_->log.clear();
}

bool TestServer::wait_until_idle(std::chrono::milliseconds timeout) const {
    return impl_->log.wait_until_idle(timeout);
}

}  // namespace arina::testing
