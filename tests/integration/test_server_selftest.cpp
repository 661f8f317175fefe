// Self-test of the loopback test server (tests/server): every knob checked with the curl program, so
// that tests of Arina built on the server can trust what it does.

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "integration/curl_fetch.hpp"
#include "server/response_plan.hpp"
#include "server/test_server.hpp"
#include "support/test_support.hpp"
#include "util/sha256.hpp"

namespace arina {
namespace {

using Clock = std::chrono::steady_clock;
using test::count_of;
using test::fetch;
using test::Fetch;
using testing::Faults;
using testing::ServerOptions;
using testing::TestServer;

// Sends raw bytes on a fresh connection and returns everything received until the server closes.
std::string raw_exchange(std::uint16_t port, const std::string& request) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string received;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        const timeval timeout{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        [[maybe_unused]] const auto sent = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
        char buf[4096];
        ssize_t n;
        while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) received.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return received;
}

TEST(TestServer, FullGetReturnsTheServedBytes) {
    TestServer server;
    const auto body = test::random_bytes(1 << 20, 7);
    server.serve_bytes("/file.bin", body);
    const auto f = fetch(server.url("/file.bin"));
    ASSERT_EQ(f.exit_code, 0) << f.output;
    EXPECT_EQ(f.status, 200);
    EXPECT_EQ(sha256_hex(f.body), sha256_hex(body));
    EXPECT_EQ(f.header("Content-Length"), std::to_string(body.size()));
    EXPECT_EQ(f.header("Accept-Ranges"), "bytes");
    EXPECT_EQ(f.header("ETag"), "\"" + sha256_hex(body).substr(0, 16) + "\"");
    EXPECT_NE(f.header("Last-Modified"), "");
    EXPECT_EQ(f.header("Content-Type"), "application/octet-stream");
}

TEST(TestServer, RangeRequestsAnswer206WithContentRange) {
    TestServer server;
    const auto body = test::random_bytes(1000, 3);
    server.serve_bytes("/r.bin", body);
    const auto mid = fetch(server.url("/r.bin"), {"-r", "100-199"});
    EXPECT_EQ(mid.status, 206);
    EXPECT_EQ(mid.header("Content-Range"), "bytes 100-199/1000");
    EXPECT_EQ(mid.body, body.substr(100, 100));
    const auto open_ended = fetch(server.url("/r.bin"), {"-r", "900-"});
    EXPECT_EQ(open_ended.header("Content-Range"), "bytes 900-999/1000");
    EXPECT_EQ(open_ended.body, body.substr(900));
    const auto suffix = fetch(server.url("/r.bin"), {"-r", "-10"});
    EXPECT_EQ(suffix.header("Content-Range"), "bytes 990-999/1000");
    EXPECT_EQ(suffix.body, body.substr(990));
    const auto beyond = fetch(server.url("/r.bin"), {"-r", "950-5000"});
    EXPECT_EQ(beyond.header("Content-Range"), "bytes 950-999/1000");
    // Several ranges may be answered with the whole body.
    const auto multi = fetch(server.url("/r.bin"), {"-r", "0-1,5-6"});
    EXPECT_EQ(multi.status, 200);
    EXPECT_EQ(multi.body, body);
    ASSERT_TRUE(server.wait_until_idle());
    EXPECT_EQ(server.requests_for("/r.bin").front().range_header, "bytes=100-199");
}

TEST(TestServer, UnsatisfiableRangeAnswers416) {
    TestServer server;
    server.serve_bytes("/r.bin", std::string(1000, 'x'));
    const auto f = fetch(server.url("/r.bin"), {"-r", "1000-"});
    EXPECT_EQ(f.status, 416);
    EXPECT_EQ(f.header("Content-Range"), "bytes */1000");
}

TEST(TestServer, IfRangeHonoursOnlyTheCurrentValidator) {
    TestServer server;
    const auto body = test::random_bytes(1000, 4);
    server.serve_bytes("/v.bin", body);
    const auto first = fetch(server.url("/v.bin"));
    const auto etag = first.header("ETag");
    const auto date = first.header("Last-Modified");

    const auto same_etag = fetch(server.url("/v.bin"), {"-r", "10-19", "-H", "If-Range: " + etag});
    EXPECT_EQ(same_etag.status, 206);
    const auto same_date = fetch(server.url("/v.bin"), {"-r", "10-19", "-H", "If-Range: " + date});
    EXPECT_EQ(same_date.status, 206);
    const auto other_etag =
        fetch(server.url("/v.bin"), {"-r", "10-19", "-H", "If-Range: \"0123456789abcdef\""});
    EXPECT_EQ(other_etag.status, 200);
    EXPECT_EQ(other_etag.body, body);
    const auto weak = fetch(server.url("/v.bin"), {"-r", "10-19", "-H", "If-Range: W/" + etag});
    EXPECT_EQ(weak.status, 200);

    // The file changes on the server: the old validators no longer match.
    server.replace_bytes("/v.bin", "new content");
    const auto changed = fetch(server.url("/v.bin"), {"-r", "0-2", "-H", "If-Range: " + etag});
    EXPECT_EQ(changed.status, 200);
    EXPECT_EQ(changed.body, "new content");
    EXPECT_NE(changed.header("ETag"), etag);
    EXPECT_NE(changed.header("Last-Modified"), date);
    const auto old_date = fetch(server.url("/v.bin"), {"-r", "0-2", "-H", "If-Range: " + date});
    EXPECT_EQ(old_date.status, 200);
}

TEST(TestServer, ErrorStatusForTheFirstRequestsThenContent) {
    TestServer server;
    Faults faults;
    faults.error_status = 503;
    faults.error_first_requests = 2;
    faults.retry_after_seconds = 7;
    server.serve_bytes("/busy.bin", "payload", faults);
    const auto a = fetch(server.url("/busy.bin"));
    const auto b = fetch(server.url("/busy.bin"));
    const auto c = fetch(server.url("/busy.bin"));
    EXPECT_EQ(a.status, 503);
    EXPECT_EQ(a.header("Retry-After"), "7");
    EXPECT_EQ(b.status, 503);
    EXPECT_EQ(c.status, 200);
    EXPECT_EQ(c.body, "payload");
    EXPECT_EQ(c.header("Retry-After"), "");

    // New knobs restart the count.
    faults.error_status = 429;
    faults.error_first_requests = 1;
    faults.retry_after_seconds = -1;
    server.set_faults("/busy.bin", faults);
    const auto d = fetch(server.url("/busy.bin"));
    EXPECT_EQ(d.status, 429);
    EXPECT_EQ(d.header("Retry-After"), "");
    EXPECT_EQ(fetch(server.url("/busy.bin")).status, 200);
}

TEST(TestServer, IgnoreRangeSendsTheWholeBody) {
    TestServer server;
    Faults faults;
    faults.ignore_range = true;
    const auto body = test::random_bytes(5000, 5);
    server.serve_bytes("/norange.bin", body, faults);
    const auto f = fetch(server.url("/norange.bin"), {"-r", "0-9"});
    EXPECT_EQ(f.status, 200);
    EXPECT_EQ(f.body, body);
    EXPECT_EQ(f.header("Accept-Ranges"), "");
}

TEST(TestServer, GzipEncodesTheWholeRepresentation) {
    TestServer server;
    Faults faults;
    faults.gzip = true;
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + " of a compressible text\n";
    server.serve_bytes("/text.txt", text, faults);
    const auto decoded = fetch(server.url("/text.txt"), {"--compressed"});
    EXPECT_EQ(decoded.header("Content-Encoding"), "gzip");
    EXPECT_EQ(decoded.header("Content-Type"), "text/plain");
    EXPECT_EQ(decoded.body, text);
    const auto raw = fetch(server.url("/text.txt"));
    EXPECT_LT(raw.body.size(), text.size());
    EXPECT_TRUE(raw.body.starts_with("\x1f\x8b"));  // the gzip magic
    // Ranges address the gzipped bytes.
    const auto part = fetch(server.url("/text.txt"), {"-r", "0-9"});
    EXPECT_EQ(part.status, 206);
    EXPECT_EQ(part.body, raw.body.substr(0, 10));
    EXPECT_EQ(part.header("Content-Range"), "bytes 0-9/" + std::to_string(raw.body.size()));
}

TEST(TestServer, ContentLengthLieBreaksTheFirstResponses) {
    TestServer server;
    Faults faults;
    faults.content_length_delta = 100;
    faults.lie_first_requests = 1;
    const auto body = test::random_bytes(1000, 6);
    server.serve_bytes("/lie.bin", body, faults);
    const auto lied = fetch(server.url("/lie.bin"));
    EXPECT_EQ(lied.header("Content-Length"), "1100");
    EXPECT_EQ(lied.exit_code, 18) << lied.output;  // CURLE_PARTIAL_FILE
    EXPECT_EQ(lied.body, body);
    const auto honest = fetch(server.url("/lie.bin"));
    EXPECT_EQ(honest.exit_code, 0) << honest.output;
    EXPECT_EQ(honest.header("Content-Length"), "1000");
}

TEST(TestServer, ContentRangeShiftLiesAboutThePositions) {
    TestServer server;
    Faults faults;
    faults.content_range_shift = 10;
    const auto body = test::random_bytes(1000, 8);
    server.serve_bytes("/shift.bin", body, faults);
    const auto f = fetch(server.url("/shift.bin"), {"-r", "100-199"});
    EXPECT_EQ(f.header("Content-Range"), "bytes 110-209/1000");
    EXPECT_EQ(f.body, body.substr(100, 100));
}

TEST(TestServer, DropAfterBytesCutsTheFirstResponses) {
    TestServer server;
    Faults faults;
    faults.drop_after_bytes = 3000;
    faults.drop_first_requests = 1;
    const auto body = test::random_bytes(100000, 9);
    server.serve_bytes("/drop.bin", body, faults);
    const auto cut = fetch(server.url("/drop.bin"));
    EXPECT_EQ(cut.exit_code, 18) << cut.output;
    EXPECT_EQ(cut.body, body.substr(0, 3000));
    const auto whole = fetch(server.url("/drop.bin"));
    EXPECT_EQ(whole.exit_code, 0) << whole.output;
    EXPECT_EQ(whole.body, body);
    ASSERT_TRUE(server.wait_until_idle());
    EXPECT_EQ(server.body_bytes_sent("/drop.bin"), 3000 + 100000);
}

TEST(TestServer, StallKeepsSilentUntilTheClientGivesUp) {
    TestServer server;
    Faults faults;
    faults.stall_after_bytes = 2000;
    server.serve_bytes("/stall.bin", test::random_bytes(50000, 10), faults);
    const auto f = fetch(server.url("/stall.bin"), {"--max-time", "1"});
    EXPECT_EQ(f.exit_code, 28) << f.output;  // CURLE_OPERATION_TIMEDOUT
    EXPECT_EQ(f.body.size(), 2000u);
}

TEST(TestServer, StopEndsStalledConnectionsPromptly) {
    auto server = std::make_unique<TestServer>();
    Faults faults;
    faults.stall_after_bytes = 1000;
    server->serve_bytes("/stall.bin", test::random_bytes(50000, 11), faults);
    Fetch f;
    std::thread client([&] { f = fetch(server->url("/stall.bin"), {"--max-time", "20"}); });
    for (int i = 0; i < 500 && server->body_bytes_sent("/stall.bin") < 1000; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(server->body_bytes_sent("/stall.bin"), 1000);
    const auto start = Clock::now();
    server->stop();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    client.join();
    EXPECT_LT(seconds, 0.5);
    EXPECT_EQ(f.exit_code, 18) << f.output;
    EXPECT_LT(f.seconds, 10);
}

TEST(TestServer, RedirectsCarryLocation) {
    TestServer server;
    server.serve_bytes("/new.bin", "moved here");
    server.redirect("/old.bin", "/new.bin");
    server.redirect("/abs", server.url("/new.bin"), 301);
    const auto plain = fetch(server.url("/old.bin"));
    EXPECT_EQ(plain.status, 302);
    EXPECT_EQ(plain.header("Location"), "/new.bin");
    const auto followed = fetch(server.url("/old.bin"), {"-L"});
    EXPECT_EQ(followed.status, 200);
    EXPECT_EQ(followed.body, "moved here");
    const auto absolute = fetch(server.url("/abs"), {"-L"});
    EXPECT_EQ(absolute.body, "moved here");
    server.redirect("/loop-a", "/loop-b");
    server.redirect("/loop-b", "/loop-a");
    const auto loop = fetch(server.url("/loop-a"), {"-L", "--max-redirs", "10"});
    EXPECT_EQ(loop.exit_code, 47) << loop.output;  // CURLE_TOO_MANY_REDIRECTS
}

TEST(TestServer, ByteCounterAndRequestLog) {
    TestServer server;
    const auto body = test::random_bytes(10000, 12);
    server.serve_bytes("/log.bin", body);
    fetch(server.url("/log.bin?x=1"), {"-r", "0-999", "-A", "selftest-agent"});
    fetch(server.url("/log.bin"), {"-r", "1000-2999"});
    fetch(server.url("/missing"));
    fetch(server.url("/log.bin"), {"-I"});
    ASSERT_TRUE(server.wait_until_idle());
    EXPECT_EQ(server.body_bytes_sent("/log.bin"), 3000);
    const auto all = server.requests();
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all[0].method, "GET");
    EXPECT_EQ(all[0].path, "/log.bin");
    EXPECT_EQ(all[0].target, "/log.bin?x=1");
    EXPECT_EQ(all[0].status, 206);
    EXPECT_EQ(all[0].body_bytes_sent, 1000);
    EXPECT_EQ(all[0].headers.at("user-agent"), "selftest-agent");
    EXPECT_EQ(all[1].body_bytes_sent, 2000);
    EXPECT_EQ(all[2].status, 404);
    EXPECT_EQ(all[3].method, "HEAD");
    EXPECT_EQ(all[3].body_bytes_sent, 0);
    EXPECT_EQ(server.requests_for("/log.bin").size(), 3u);
    EXPECT_EQ(server.connections_accepted(), 4);
    EXPECT_EQ(all[3].connection_id, 4);
    server.clear_log();
    EXPECT_TRUE(server.requests().empty());
    EXPECT_EQ(server.body_bytes_sent("/log.bin"), 0);
}

TEST(TestServer, HeadSendsHeadersOnly) {
    TestServer server;
    server.serve_bytes("/h.m3u8", "#EXTM3U\n");
    const auto f = fetch(server.url("/h.m3u8"), {"-I"});
    EXPECT_EQ(f.status, 200);
    EXPECT_EQ(f.header("Content-Length"), "8");
    EXPECT_EQ(f.header("Content-Type"), "application/vnd.apple.mpegurl");
    EXPECT_EQ(f.body.find("#EXTM3U"), std::string::npos);
}

TEST(TestServer, RateLimitIsRoughlyRespected) {
    TestServer server;
    Faults faults;
    faults.rate_bytes_per_sec = 2 << 20;
    server.serve_bytes("/slow.bin", test::random_bytes(1 << 20, 13), faults);
    const auto f = fetch(server.url("/slow.bin"));
    EXPECT_EQ(f.exit_code, 0) << f.output;
    EXPECT_EQ(f.body.size(), 1u << 20);
    EXPECT_GE(f.seconds, 0.4);
    EXPECT_LT(f.seconds, 5.0);
}

TEST(TestServer, LatencyDelaysEveryResponse) {
    TestServer server;
    Faults faults;
    faults.latency_ms = 300;
    server.serve_bytes("/late.bin", "x", faults);
    const auto f = fetch(server.url("/late.bin"));
    EXPECT_EQ(f.body, "x");
    EXPECT_GE(f.seconds, 0.3);
}

TEST(TestServer, CountsConcurrentConnections) {
    TestServer server;
    Faults faults;
    faults.latency_ms = 800;  // keeps the four requests overlapping
    server.serve_bytes("/c.bin", "concurrent", faults);
    std::vector<std::thread> clients;
    std::vector<Fetch> results(4);
    for (std::size_t i = 0; i < results.size(); ++i)
        clients.emplace_back([&, i] { results[i] = fetch(server.url("/c.bin")); });
    for (auto& c : clients) c.join();
    for (const auto& r : results) EXPECT_EQ(r.body, "concurrent") << r.output;
    EXPECT_EQ(server.connections_accepted(), 4);
    EXPECT_EQ(server.max_concurrent_connections(), 4);
}

TEST(TestServer, EveryKthConnectionSendsAtItsOwnRate) {
    TestServer server;
    Faults faults;
    faults.slow_every_connections = 2;
    faults.slow_connection_rate_bytes_per_sec = 1 << 20;
    const auto body = test::random_bytes(512 * 1024, 31);
    server.serve_bytes("/k.bin", body, faults);
    // curl opens a new connection per run: ids 1, 2, 3; only 2 is slow (0.5 s for 512 KiB).
    std::vector<Fetch> runs;
    for (int i = 0; i < 3; ++i) runs.push_back(fetch(server.url("/k.bin")));
    for (const auto& f : runs) EXPECT_EQ(f.body, body) << f.output;
    EXPECT_GE(runs[1].seconds, 0.45);
    EXPECT_LT(runs[0].seconds, runs[1].seconds - 0.25);
    EXPECT_LT(runs[2].seconds, runs[1].seconds - 0.25);
    const auto records = server.requests_for("/k.bin");
    ASSERT_EQ(records.size(), 3u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(records[static_cast<std::size_t>(i)].connection_id, i + 1);
}

TEST(TestServer, TotalRateIsSharedByAllConnections) {
    ServerOptions options;
    options.total_rate_bytes_per_sec = 2 << 20;
    TestServer server(options);
    const auto body = test::random_bytes(512 * 1024, 32);
    server.serve_bytes("/t.bin", body);
    // Four at once: 2 MiB through one 2 MiB/s budget take about a second, where each alone at that
    // rate would take a quarter of one.
    std::vector<std::thread> clients;
    std::vector<Fetch> results(4);
    const auto start = Clock::now();
    for (std::size_t i = 0; i < results.size(); ++i)
        clients.emplace_back([&, i] { results[i] = fetch(server.url("/t.bin")); });
    for (auto& c : clients) c.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (const auto& r : results) EXPECT_EQ(r.body, body) << r.output;
    EXPECT_GE(seconds, 0.9);
    EXPECT_LT(seconds, 10.0);
    EXPECT_EQ(server.body_bytes_sent("/t.bin"), 4 * 512 * 1024);
}

TEST(TestServer, ConnectionsBeyondTheCapGet503AndClose) {
    ServerOptions options;
    options.max_connections = 2;
    TestServer server(options);
    Faults faults;
    faults.latency_ms = 800;  // keeps the first connections open while the third arrives
    server.serve_bytes("/cap.bin", "capped", faults);
    std::vector<std::thread> clients;
    std::vector<Fetch> results(3);
    for (std::size_t i = 0; i < results.size(); ++i)
        clients.emplace_back([&, i] { results[i] = fetch(server.url("/cap.bin")); });
    for (auto& c : clients) c.join();
    int ok = 0, refused = 0;
    for (const auto& r : results) {
        if (r.status == 200 && r.body == "capped") ++ok;
        if (r.status == 503) {
            ++refused;
            EXPECT_EQ(r.header("Connection"), "close");
        }
    }
    EXPECT_EQ(ok, 2);
    EXPECT_EQ(refused, 1);
    EXPECT_EQ(server.connections_accepted(), 3);
    EXPECT_EQ(server.connections_rejected(), 1);
    EXPECT_EQ(server.max_concurrent_connections(), 2);
    // Places free up when connections close: the next one is served.
    EXPECT_EQ(fetch(server.url("/cap.bin")).body, "capped");
    EXPECT_EQ(server.connections_rejected(), 1);
}

TEST(TestServer, SequentialConnectionsAreNotConcurrent) {
    TestServer server;
    server.serve_bytes("/s.bin", "seq");
    for (int i = 0; i < 5; ++i) EXPECT_EQ(fetch(server.url("/s.bin")).body, "seq");
    EXPECT_EQ(server.connections_accepted(), 5);
    EXPECT_EQ(server.max_concurrent_connections(), 1);
}

TEST(TestServer, KeepAliveServesSeveralRequestsOnOneConnection) {
    TestServer server;
    server.serve_bytes("/k.bin", "keep");
    test::TempDir dir;
    const auto r =
        test::run_program({"/usr/bin/curl", "-sS", "--max-time", "30", "-o", (dir / "a").string(),
                           server.url("/k.bin"), "-o", (dir / "b").string(), server.url("/k.bin")});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(test::read_file(dir / "b"), "keep");
    EXPECT_EQ(server.connections_accepted(), 1);
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[1].connection_id, reqs[0].connection_id);
}

TEST(TestServer, PipelinedRequestsAreAnsweredInOrder) {
    TestServer server;
    server.serve_bytes("/p.txt", "pipelined");
    const auto reply = raw_exchange(server.port(),
                                    "GET /p.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                                    "GET /p.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(count_of(reply, "HTTP/1.1 200 OK"), 2) << reply;
    EXPECT_EQ(count_of(reply, "pipelined"), 2);
}

TEST(TestServer, MalformedRequestsGet400) {
    TestServer server;
    EXPECT_TRUE(raw_exchange(server.port(), "garbage\r\n\r\n").starts_with("HTTP/1.1 400")) << "request line";
    EXPECT_TRUE(
        raw_exchange(server.port(), "GET / HTTP/1.1\r\nno colon\r\n\r\n").starts_with("HTTP/1.1 400"));
    EXPECT_TRUE(raw_exchange(server.port(), "GET / HTTP/2.0\r\n\r\n").starts_with("HTTP/1.1 505"));
    const std::string huge = "GET / HTTP/1.1\r\nX: " + std::string(70000, 'a') + "\r\n\r\n";
    EXPECT_TRUE(raw_exchange(server.port(), huge).starts_with("HTTP/1.1 431"));
    EXPECT_TRUE(
        raw_exchange(server.port(), "POST / HTTP/1.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
            .starts_with("HTTP/1.1 501"));
}

TEST(TestServer, ChunkedWhenNoContentLength) {
    TestServer server;
    Faults faults;
    faults.no_content_length = true;
    faults.no_validators = true;
    const auto body = test::random_bytes(700000, 14);
    server.serve_bytes("/chunked.bin", body, faults);
    const auto f = fetch(server.url("/chunked.bin"));
    EXPECT_EQ(f.exit_code, 0) << f.output;
    EXPECT_EQ(f.header("Transfer-Encoding"), "chunked");
    EXPECT_EQ(f.header("Content-Length"), "");
    EXPECT_EQ(f.header("ETag"), "");
    EXPECT_EQ(f.header("Last-Modified"), "");
    EXPECT_EQ(f.body, body);
    ASSERT_TRUE(server.wait_until_idle());
    EXPECT_EQ(server.body_bytes_sent("/chunked.bin"), 700000);  // framing not counted
}

TEST(TestServer, ServesFilesAndDirectories) {
    test::TempDir dir;
    const auto big = test::random_bytes(3 << 20, 15);
    test::write_file(dir / "big.bin", big);
    test::write_file(dir / "media" / "seg 1.ts", "segment one");
    test::write_file(dir / "media" / "index.mpd", "<MPD/>");
    TestServer server;
    server.serve_file("/big.bin", dir / "big.bin");
    server.serve_directory("/d/", dir / "media");

    const auto whole = fetch(server.url("/big.bin"));
    EXPECT_EQ(sha256_hex(whole.body), sha256_hex(big));
    const auto part = fetch(server.url("/big.bin"), {"-r", "1000000-1000099"});
    EXPECT_EQ(part.body, big.substr(1000000, 100));
    const auto seg = fetch(server.url("/d/seg%201.ts"));
    EXPECT_EQ(seg.body, "segment one");
    EXPECT_EQ(seg.header("Content-Type"), "video/mp2t");
    EXPECT_EQ(fetch(server.url("/d/index.mpd")).header("Content-Type"), "application/dash+xml");
    EXPECT_EQ(fetch(server.url("/d/nothing.ts")).status, 404);
    EXPECT_EQ(fetch(server.url("/d/")).status, 404);
    EXPECT_EQ(fetch(server.url("/d/../big.bin"), {"--path-as-is"}).status, 400);
    EXPECT_EQ(fetch(server.url("/d/%2e%2e/big.bin"), {"--path-as-is"}).status, 400);

    // Knobs of a directory apply to each file, counted per file.
    Faults faults;
    faults.error_status = 503;
    faults.error_first_requests = 1;
    server.set_faults("/d/", faults);
    EXPECT_EQ(fetch(server.url("/d/seg%201.ts")).status, 503);
    EXPECT_EQ(fetch(server.url("/d/index.mpd")).status, 503);
    EXPECT_EQ(fetch(server.url("/d/index.mpd")).status, 200);
}

TEST(TestServer, CookieAndHeaderRequirements) {
    TestServer server;
    server.serve_bytes("/private.bin", "secret");
    server.set_cookie_required("/private.bin", "session", "abc");
    server.set_header_required("/private.bin", "X-Token", "t1");
    EXPECT_EQ(fetch(server.url("/private.bin")).status, 403);
    EXPECT_EQ(fetch(server.url("/private.bin"), {"-b", "session=abc"}).status, 403);
    EXPECT_EQ(fetch(server.url("/private.bin"), {"-H", "X-Token: t1"}).status, 403);
    const auto ok = fetch(server.url("/private.bin"), {"-b", "a=1; session=abc", "-H", "x-token: t1"});
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, "secret");
}

TEST(TestServer, ContentDispositionAndTypeOverrides) {
    TestServer server;
    Faults faults;
    faults.content_disposition = "attachment; filename=\"report.pdf\"";
    faults.content_type = "application/pdf";
    server.serve_bytes("/dl", "%PDF", faults);
    const auto f = fetch(server.url("/dl"));
    EXPECT_EQ(f.header("Content-Disposition"), "attachment; filename=\"report.pdf\"");
    EXPECT_EQ(f.header("Content-Type"), "application/pdf");
}

TEST(TestServer, DefaultFaultsApplyToRoutesWithoutTheirOwn) {
    ServerOptions options;
    options.defaults.error_status = 404;
    TestServer server(options);
    server.serve_bytes("/default.bin", "d");
    Faults own;
    own.latency_ms = 1;
    server.serve_bytes("/own.bin", "o", own);
    EXPECT_EQ(fetch(server.url("/default.bin")).status, 404);
    EXPECT_EQ(fetch(server.url("/own.bin")).status, 200);
}

TEST(TestServer, TlsWithSelfSignedCertificate) {
    ServerOptions options;
    options.tls = true;
    TestServer server(options);
    const auto body = test::random_bytes(300000, 16);
    server.serve_bytes("/secure.bin", body);
    EXPECT_TRUE(server.base_url().starts_with("https://127.0.0.1:"));
    const auto rejected = fetch(server.url("/secure.bin"));
    EXPECT_EQ(rejected.exit_code, 60) << rejected.output;  // CURLE_PEER_FAILED_VERIFICATION

    test::TempDir dir;
    test::write_file(dir / "ca.pem", server.certificate_pem());
    const auto trusted = fetch(server.url("/secure.bin"), {"--cacert", (dir / "ca.pem").string()});
    EXPECT_EQ(trusted.exit_code, 0) << trusted.output;
    EXPECT_EQ(sha256_hex(trusted.body), sha256_hex(body));
    const auto range = fetch(server.url("/secure.bin"), {"--cacert", (dir / "ca.pem").string(), "-r", "5-9"});
    EXPECT_EQ(range.body, body.substr(5, 5));
}

TEST(TestServer, TlsDropCutsTheBody) {
    ServerOptions options;
    options.tls = true;
    TestServer server(options);
    Faults faults;
    faults.drop_after_bytes = 5000;
    server.serve_bytes("/drop.bin", test::random_bytes(100000, 17), faults);
    const auto f = fetch(server.url("/drop.bin"), {"-k"});
    EXPECT_NE(f.exit_code, 0) << f.output;
    EXPECT_EQ(f.body.size(), 5000u);
}

}  // namespace
}  // namespace arina
