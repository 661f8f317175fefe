// A server that misbehaves: every knob of the test server, and what Arina makes of it.
// Each test checks the result byte for byte, or the exact error and exit code, and that
// no final file exists after a failure.

#include <thread>

#include "download_fixture.hpp"

namespace arina::test {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

TEST_F(DownloadTest, DroppedConnectionsAreRetriedFromWhereTheyStopped) {
    const auto body = random_bytes(kMiB, 21);
    server.serve_bytes("/drop.bin", body, {.drop_after_bytes = 50000, .drop_first_requests = 3});
    const auto r = arina({"-N", "2", "--http-chunk-size", "256K", server.url("/drop.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("drop.bin"), sha256_hex(body));
    // A retry asks only for what is missing: nothing is fetched twice.
    ASSERT_TRUE(server.wait_until_idle());
    EXPECT_EQ(server.body_bytes_sent("/drop.bin"), static_cast<std::int64_t>(body.size()));
}

TEST_F(DownloadTest, StalledConnectionIsAbandonedAfterSocketTimeout) {
    const auto body = random_bytes(600000, 22);
    server.serve_bytes("/stall.bin", body, {.stall_after_bytes = 1000, .stall_first_requests = 1});
    const auto r = arina({"-N", "1", "--socket-timeout", "1", server.url("/stall.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("stall.bin"), sha256_hex(body));
    EXPECT_GE(server.requests_for("/stall.bin").size(), 2u);
}

TEST_F(DownloadTest, StallForeverIsATimeoutError) {
    server.serve_bytes("/stuck.bin", random_bytes(100000, 23), {.stall_after_bytes = 10});
    const auto r = arina(
        {"--socket-timeout", "1", "--retries", "1", "--fragment-retries", "1", server.url("/stuck.bin")});
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_NE(r.output.find("no data received for 1 s (gave up after 2 attempts)"), std::string::npos)
        << r.output;
    EXPECT_FALSE(exists("stuck.bin"));
}

TEST_F(DownloadTest, ServiceUnavailableWithRetryAfterIsHonoured) {
    const auto body = random_bytes(200000, 24);
    server.serve_bytes("/busy.bin", body,
                       {.error_status = 503, .error_first_requests = 2, .retry_after_seconds = 1});
    const auto started = std::chrono::steady_clock::now();
    const auto r = arina({server.url("/busy.bin")});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("busy.bin"), sha256_hex(body));
    EXPECT_EQ(count_status("/busy.bin", 503), 2);
    EXPECT_GE(seconds, 1.9);  // two Retry-After: 1 waits, not the 20 ms back-off of the tests
}

TEST_F(DownloadTest, TooManyRequestsForeverGivesUp) {
    server.serve_bytes("/limit.bin", random_bytes(1000, 25), {.error_status = 429});
    const auto r = arina({"--retries", "2", server.url("/limit.bin")});
    EXPECT_EQ(r.exit_code, 5) << r.output;
    EXPECT_NE(r.output.find("arina: error: " + server.url("/limit.bin") +
                            ": server answered HTTP 429 (gave up after 3 attempts)"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(count_status("/limit.bin", 429), 3);
    EXPECT_FALSE(exists("limit.bin"));
}

TEST_F(DownloadTest, NotFoundIsNotRetried) {
    const auto r = arina({server.url("/missing.bin")});
    EXPECT_EQ(r.exit_code, 5) << r.output;
    EXPECT_NE(r.output.find("arina: error: " + server.url("/missing.bin") + ": server answered HTTP 404\n"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(server.requests().size(), 1u);
    EXPECT_FALSE(exists("missing.bin"));
    EXPECT_FALSE(exists("missing.bin.part"));
}

TEST_F(DownloadTest, ServerIgnoringRangesFallsBackToOneStream) {
    const auto body = random_bytes(kMiB + 7, 26);
    server.serve_bytes("/norange.bin", body, {.ignore_range = true});
    const auto r = arina({"-N", "4", "--http-chunk-size", "128K", server.url("/norange.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("norange.bin"), sha256_hex(body));
    EXPECT_EQ(server.requests_for("/norange.bin").size(), 1u);  // the probe's 200 is the download
}

TEST_F(DownloadTest, ChunkedBodyWithoutLengthOrRanges) {
    const auto body = random_bytes(500000, 27);
    server.serve_bytes("/chunked.bin", body, {.ignore_range = true, .no_content_length = true});
    const auto r = arina({server.url("/chunked.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("chunked.bin"), sha256_hex(body));
}

TEST_F(DownloadTest, WrongContentLengthIsRetriedNeverAccepted) {
    const auto body = random_bytes(600000, 28);
    for (std::int64_t delta : {100, -100}) {
        const std::string path = "/len" + std::to_string(delta) + ".bin";
        server.serve_bytes(path, body, {.content_length_delta = delta, .lie_first_requests = 2});
        const auto r = arina({"-N", "1", "--http-chunk-size", "256K", server.url(path)});
        ASSERT_EQ(r.exit_code, 0) << delta << r.output;
        EXPECT_EQ(file_sha(path.substr(1)), sha256_hex(body)) << delta;
        EXPECT_GE(server.requests_for(path).size(), 5u) << delta;  // 3 pieces + 2 lies
    }
}

TEST_F(DownloadTest, MismatchedContentRangeIsAnErrorForThatRange) {
    const auto body = random_bytes(600000, 29);
    server.serve_bytes("/shift.bin", body, {.content_range_shift = 10, .lie_first_requests = 2});
    const auto ok = arina({"--http-chunk-size", "256K", server.url("/shift.bin")});
    ASSERT_EQ(ok.exit_code, 0) << ok.output;
    EXPECT_EQ(file_sha("shift.bin"), sha256_hex(body));

    // Lying every time: the change of strategy is one plain stream without Range, which is right.
    server.serve_bytes("/liar.bin", body, {.content_range_shift = 10});
    const auto bad = arina({"-v", "--retries", "1", server.url("/liar.bin")});
    ASSERT_EQ(bad.exit_code, 0) << bad.output;
    EXPECT_EQ(file_sha("liar.bin"), sha256_hex(body));
    EXPECT_NE(bad.output.find("Content-Range 'bytes 10-131081/600000' does not match the requested bytes "
                              "0-131071; downloading as one plain stream without ranges"),
              std::string::npos)
        << bad.output;
    EXPECT_EQ(server.requests_for("/liar.bin").back().range_header, "");
}

TEST_F(DownloadTest, GzipEncodedMediaIsStoredDecoded) {
    const auto body = random_bytes(300000, 30) + std::string(300000, 'a');
    server.serve_bytes("/video.mp4", body, {.gzip = true});
    const auto r = arina({server.url("/video.mp4")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("video.mp4"), sha256_hex(body));
}

TEST_F(DownloadTest, FileChangedOnTheServerRestartsCleanly) {
    const auto v1 = random_bytes(2 * kMiB, 31);
    const auto v2 = random_bytes(2 * kMiB, 32);
    server.serve_bytes("/changing.bin", v1, {.rate_bytes_per_sec = 1.0 * kMiB});
    RunResult r;
    std::thread client([&] {
        r = arina({"-N", "2", "--http-chunk-size", "256K", server.url("/changing.bin")});
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (server.body_bytes_sent("/changing.bin") < 600 * 1024 &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    server.replace_bytes("/changing.bin", v2);
    server.set_faults("/changing.bin", {});
    client.join();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("changing.bin"), sha256_hex(v2));  // never a splice of v1 and v2
}

TEST_F(DownloadTest, UnwritableDirectoryIsAClearError) {
    write_file(dir / "plainfile", "x");
    server.serve_bytes("/w.bin", "data");
    const auto target = (dir / "plainfile" / "sub").string();
    const auto r = run_program({ARINA_BIN, "-P", target, server.url("/w.bin")});
    EXPECT_EQ(r.exit_code, 10) << r.output;
    EXPECT_NE(r.output.find("arina: error: cannot create directory " + target + ": Not a directory"),
              std::string::npos)
        << r.output;
}

TEST_F(DownloadTest, TlsIsVerifiedByDefault) {
    testing::TestServer tls({.tls = true});
    const auto body = random_bytes(100000, 33);
    tls.serve_bytes("/secure.bin", body);
    const auto refused = arina({tls.url("/secure.bin")});
    EXPECT_EQ(refused.exit_code, 6) << refused.output;
    EXPECT_FALSE(exists("secure.bin"));
    write_file(dir / "ca.pem", tls.certificate_pem());
    const auto trusted = arina({"--ca-certificate", (dir / "ca.pem").string(), tls.url("/secure.bin")});
    ASSERT_EQ(trusted.exit_code, 0) << trusted.output;
    EXPECT_EQ(file_sha("secure.bin"), sha256_hex(body));
    const auto insecure = arina({"--no-check-certificate", "-o", "insecure.bin", tls.url("/secure.bin")});
    ASSERT_EQ(insecure.exit_code, 0) << insecure.output;
    EXPECT_EQ(file_sha("insecure.bin"), sha256_hex(body));
}

TEST_F(DownloadTest, BadOptionsAreUsageErrors) {
    auto r = arina({"--limit-rate", "fast", "http://127.0.0.1:1/x"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find("arina: --limit-rate: not a rate: 'fast'"), std::string::npos) << r.output;
    r = arina({"--cookies", "/nonexistent/cookies.txt", "http://127.0.0.1:1/x"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find("arina: --cookies: cannot read '/nonexistent/cookies.txt'"), std::string::npos)
        << r.output;
}

}  // namespace
}  // namespace arina::test
