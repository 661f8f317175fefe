// arina-testserver: the test server as a program, so that benchmarks measure curl, aria2c, yt-dlp,
// ffmpeg and Arina against exactly the same server. Every knob applies to every served path.
//
//   arina-testserver --file big.bin --rate 4M --port-file port.txt --log requests.jsonl
//
// Prints "listening on http://127.0.0.1:PORT" once ready, serves until SIGINT or SIGTERM, then
// prints a one-line JSON summary (requests and body bytes per path, connections accepted, refused
// over --max-connections, and the most open at once) and exits 0.

#include <signal.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/test_server.hpp"
#include "util/atomic_file.hpp"
#include "util/units.hpp"

namespace {

using arina::testing::RequestRecord;

// Byte counts and rates: plain integers, or with a K/M/G suffix meaning powers of 1024 ("4M" =
// 4194304). A "B" or "iB" after the suffix is allowed and changes nothing.
std::string size_validator(const std::string& text) {
    return arina::parse_size(text) ? "" : "expected a byte count such as 1048576, 512K, 4M or 1G";
}
std::int64_t size_of(const std::string& text) {
    return text.empty() ? -1 : *arina::parse_size(text);
}

// One JSON line per finished response, flushed at once: benchmarks read the log while we run.
class JsonLineLog {
  public:
    explicit JsonLineLog(const std::string& path)
        : file_(path.empty() ? nullptr : std::fopen(path.c_str(), "a")) {}
    ~JsonLineLog() {
        if (file_) std::fclose(file_);
    }
    JsonLineLog(const JsonLineLog&) = delete;
    JsonLineLog& operator=(const JsonLineLog&) = delete;
    bool failed_to_open(const std::string& path) const { return !path.empty() && !file_; }

    void write(const RequestRecord& r) {
        if (!file_) return;
        const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        const nlohmann::json line = {
            {"t", std::round(t * 1000) / 1000}, {"method", r.method}, {"path", r.path},
            {"range", r.range_header},          {"status", r.status}, {"bytes", r.body_bytes_sent},
            {"conn", r.connection_id}};
        const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        std::lock_guard lock(mutex_);
        std::fwrite(text.data(), 1, text.size(), file_);
        std::fflush(file_);
    }

  private:
    std::FILE* file_;
    std::mutex mutex_;
    const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

nlohmann::json summary(const arina::testing::TestServer& server) {
    nlohmann::json paths = nlohmann::json::object();
    std::int64_t total_bytes = 0;
    const auto records = server.requests();
    for (const auto& r : records) {
        auto& entry = paths[r.path];
        if (entry.is_null()) entry = {{"requests", 0}, {"body_bytes", 0}};
        entry["requests"] = entry["requests"].get<int>() + 1;
        entry["body_bytes"] = entry["body_bytes"].get<std::int64_t>() + r.body_bytes_sent;
        total_bytes += r.body_bytes_sent;
    }
    return {{"requests", records.size()},
            {"body_bytes", total_bytes},
            {"connections", server.connections_accepted()},
            {"rejected_connections", server.connections_rejected()},
            {"max_concurrent_connections", server.max_concurrent_connections()},
            {"paths", paths}};
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Loopback HTTP/1.1 test server with fault knobs (Arina's tests and benchmarks)"};
    std::string root;
    std::vector<std::string> files;
    std::string bind = "127.0.0.1";
    std::uint16_t port = 0;
    bool tls = false;
    std::string cert_file, port_file, log_file;
    std::string rate = "0", drop_after, stall_after, slow_rate = "0", total_rate = "0";
    int max_connections = 0;
    arina::testing::Faults f;
    app.add_option("--root", root, "Serve every file below DIR at /")->check(CLI::ExistingDirectory);
    app.add_option("--file", files, "Serve FILE at /<basename> (repeatable)")->check(CLI::ExistingFile);
    app.add_option("--bind", bind, "Numeric address to listen on")->capture_default_str();
    app.add_option("--port", port, "Port; 0 picks a free one (see --port-file)")->capture_default_str();
    app.add_option("--port-file", port_file, "Write the bound port here (atomically) once listening");
    app.add_flag("--tls", tls, "Serve HTTPS with a self-signed certificate for 127.0.0.1");
    app.add_option("--cert-file", cert_file, "With --tls: write the certificate (PEM) here, for --cacert");
    app.add_option("--log", log_file,
                   "Append one JSON line per response: t, method, path, range, status, bytes, conn");
    app.add_option("--latency-ms", f.latency_ms, "Delay before every response's status line");
    app.add_option("--rate", rate,
                   "Body rate per connection in bytes/s; K/M/G = powers of 1024; 0 = unlimited")
        ->check(size_validator);
    app.add_option("--slow-every", f.slow_every_connections,
                   "Every K-th connection in accept order sends at --slow-rate instead (0 = none)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--slow-rate", slow_rate, "Body rate of those connections in bytes/s (0 = unlimited)")
        ->check(size_validator);
    app.add_option("--total-rate", total_rate,
                   "Body rate in bytes/s shared by all connections together (0 = unlimited)")
        ->check(size_validator);
    app.add_option("--max-connections", max_connections,
                   "Answer 503 and close a connection accepted while K are open (0 = no cap)")
        ->check(CLI::NonNegativeNumber);
    app.add_flag("--ignore-range", f.ignore_range, "Answer 200 with the whole body to Range requests");
    app.add_option("--error-status", f.error_status, "Answer with this status (e.g. 503) ...");
    app.add_option("--error-first", f.error_first_requests,
                   "... for the first N requests per path (0 = always)");
    app.add_option("--retry-after", f.retry_after_seconds, "Add Retry-After: N to those error responses");
    app.add_option("--drop-after", drop_after, "Close the connection after this many body bytes ...")
        ->check(size_validator);
    app.add_option("--drop-first", f.drop_first_requests,
                   "... for the first K requests per path (0 = every)");
    app.add_option("--stall-after", stall_after, "Stop sending after this many body bytes ...")
        ->check(size_validator);
    app.add_option("--stall-first", f.stall_first_requests,
                   "... for the first K requests per path (0 = every)");
    app.add_flag("--gzip", f.gzip,
                 "Send bodies with Content-Encoding: gzip (files are compressed in memory)");
    app.add_flag("--no-validators", f.no_validators, "Omit ETag and Last-Modified");
    app.add_flag("--no-content-length", f.no_content_length, "Send bodies chunked, without Content-Length");
    app.add_flag("--nagle", f.nagle,
                 "Answer with TCP_NODELAY off, head and body in separate writes (like Python's http.server)");
    app.add_option("--other-range-shift", f.other_range_shift,
                   "Honest: answer a Range request with other bytes, the asked range moved by N (named in "
                   "Content-Range)");
    app.add_option("--range-block-bytes", f.range_block_bytes,
                   "Honest: widen every answered range to whole blocks of N bytes (named in Content-Range)");
    app.add_option("--content-range-shift", f.content_range_shift,
                   "Lie: shift Content-Range by N bytes while sending the asked bytes");
    app.add_option("--content-length-delta", f.content_length_delta,
                   "Lie: Content-Length = real length + N (the connection is closed after it)");
    app.add_option("--lie-first", f.lie_first_requests,
                   "--other-range-shift and the lies apply to the first K requests (0 = all)");
    app.add_option("--lie-after", f.lie_after_requests,
                   "... and only from request K+1 on (0 = from the first)");
    CLI11_PARSE(app, argc, argv);
    if (root.empty() && files.empty()) {
        std::cerr << "arina-testserver: nothing to serve: give --root DIR or --file PATH\n";
        return 2;
    }
    f.rate_bytes_per_sec = static_cast<double>(size_of(rate));
    f.slow_connection_rate_bytes_per_sec = static_cast<double>(size_of(slow_rate));
    f.drop_after_bytes = size_of(drop_after);
    f.stall_after_bytes = size_of(stall_after);

    // Blocked before any thread starts, so every thread inherits the mask and the signals are
    // taken only by sigwait below. SIGPIPE: a client that hangs up must not end the server.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    JsonLineLog log(log_file);
    if (log.failed_to_open(log_file)) {
        std::cerr << "arina-testserver: cannot open log file " << log_file << "\n";
        return 1;
    }
    std::unique_ptr<arina::testing::TestServer> server;
    try {
        arina::testing::ServerOptions options;
        options.bind = bind;
        options.port = port;
        options.tls = tls;
        options.defaults = f;
        options.total_rate_bytes_per_sec = static_cast<double>(size_of(total_rate));
        options.max_connections = max_connections;
        options.on_response_done = [&log](const RequestRecord& r) { log.write(r); };
        server = std::make_unique<arina::testing::TestServer>(options);
    } catch (const std::exception& e) {
        std::cerr << "arina-testserver: " << e.what() << "\n";
        return 1;
    }
    if (!root.empty()) server->serve_directory("/", root);
    for (const auto& file : files) {
        const std::filesystem::path p(file);
        server->serve_file("/" + p.filename().string(), p);
    }
    if (!cert_file.empty() && tls) {
        if (const auto err = arina::write_file_atomically(cert_file, server->certificate_pem())) {
            std::cerr << "arina-testserver: " << err.message << "\n";
            return 1;
        }
    }
    if (!port_file.empty()) {
        if (const auto err = arina::write_file_atomically(port_file, std::to_string(server->port()) + "\n")) {
            std::cerr << "arina-testserver: " << err.message << "\n";
            return 1;
        }
    }
    std::cout << "listening on " << server->base_url() << std::endl;

    int signal_number = 0;
    do {
        sigwait(&signals, &signal_number);
    } while (signal_number == SIGPIPE);

    server->stop();
    std::cout << summary(*server).dump() << std::endl;
    return 0;
}
