// Plain-file downloads against the loopback server: the happy paths and naming.

#include "download_fixture.hpp"

namespace arina::test {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

TEST_F(DownloadTest, RangedDownloadIsByteExactAndUsesSeveralConnections) {
    const auto body = random_bytes(3 * kMiB + 123, 11);
    server.serve_bytes("/data.bin", body, {.rate_bytes_per_sec = 4.0 * kMiB});
    const auto r = arina({"-N", "4", "--http-chunk-size", "256K", server.url("/data.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("data.bin"), sha256_hex(body));
    EXPECT_FALSE(exists("data.bin.part"));
    EXPECT_FALSE(exists("data.bin.part.arina"));
    const auto reqs = server.requests_for("/data.bin");
    EXPECT_GE(reqs.size(), 13u);  // 3 MiB in chunks of 256 KiB
    for (const auto& q : reqs) {
        EXPECT_EQ(q.status, 206);
        EXPECT_FALSE(q.range_header.empty());
    }
    EXPECT_GE(server.max_concurrent_connections(), 2);
    EXPECT_LE(server.max_concurrent_connections(), 4);
    ASSERT_TRUE(server.wait_until_idle());
    EXPECT_EQ(server.body_bytes_sent("/data.bin"), static_cast<std::int64_t>(body.size()));
}

// --proxy: every request goes to the proxy in absolute form; the origin's name is never resolved
// (.invalid cannot be), so a byte-exact file proves the proxy carried it all.
TEST_F(DownloadTest, ProxyCarriesEveryRequest) {
    const auto body = random_bytes(kMiB + 77, 19);
    server.serve_bytes("/via-proxy.bin", body);
    const std::string origin = "http://origin.invalid:8080/via-proxy.bin";
    const auto r = arina({"-N", "2", "--http-chunk-size", "256K", "--proxy", server.url(""), origin});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("via-proxy.bin"), sha256_hex(body));
    const auto reqs = server.requests_for("/via-proxy.bin");
    ASSERT_FALSE(reqs.empty());
    for (const auto& q : reqs) {
        EXPECT_EQ(q.target, origin);
        EXPECT_EQ(q.headers.at("host"), "origin.invalid:8080");
    }
}

TEST_F(DownloadTest, NoRequestAsksForMoreThanOneChunk) {
    const auto body = random_bytes(2 * kMiB, 12);
    server.serve_bytes("/c.bin", body);
    const auto r = arina({"-N", "2", "--http-chunk-size", "300K", server.url("/c.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("c.bin"), sha256_hex(body));
    for (const auto& q : server.requests_for("/c.bin"))
        EXPECT_LE(q.body_bytes_sent, 300 * 1024) << q.range_header;
}

TEST_F(DownloadTest, RerunAfterFinishSaysSoAndFetchesNothing) {
    const auto body = random_bytes(100000, 13);
    server.serve_bytes("/done.bin", body);
    ASSERT_EQ(arina({server.url("/done.bin")}).exit_code, 0);
    server.clear_log();
    const auto r = arina({server.url("/done.bin")});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find((dir / "done.bin").string() + " has already been downloaded"), std::string::npos)
        << r.output;
    EXPECT_TRUE(server.requests().empty());
    EXPECT_EQ(file_sha("done.bin"), sha256_hex(body));
}

TEST_F(DownloadTest, OutputNameOption) {
    const auto body = random_bytes(5000, 14);
    server.serve_bytes("/x", body);
    const auto r = arina({"-o", "named.dat", server.url("/x")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("named.dat"), sha256_hex(body));
}

TEST_F(DownloadTest, ContentDispositionNameIsSanitised) {
    const auto body = random_bytes(4000, 15);
    server.serve_bytes("/get", body,
                       {.content_disposition = "attachment; filename=\"../../.evil\x01name.sh\""});
    const auto r = arina({server.url("/get")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("evil_name.sh"), sha256_hex(body));
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
    EXPECT_EQ(entries, 1u);
    EXPECT_FALSE(std::filesystem::exists(dir.path().parent_path() / "evil_name.sh"));
}

TEST_F(DownloadTest, EmptyFile) {
    server.serve_bytes("/empty.bin", "");
    const auto r = arina({server.url("/empty.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_TRUE(exists("empty.bin"));
    EXPECT_EQ(std::filesystem::file_size(dir / "empty.bin"), 0u);
}

TEST_F(DownloadTest, RedirectIsFollowed) {
    const auto body = random_bytes(700000, 16);
    server.serve_bytes("/real.bin", body);
    server.redirect("/short", "/real.bin");
    const auto r = arina({"--http-chunk-size", "64K", server.url("/short")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("real.bin"), sha256_hex(body));  // named after where it really is
}

TEST_F(DownloadTest, RedirectLoopIsAnHttpError) {
    server.redirect("/a", "/b");
    server.redirect("/b", "/a");
    const auto r = arina({server.url("/a")});
    EXPECT_EQ(r.exit_code, 5) << r.output;
    EXPECT_NE(r.output.find("Maximum (10) redirects followed"), std::string::npos) << r.output;
}

TEST_F(DownloadTest, JsonProgressEndsWithAFinishedObject) {
    const auto body = random_bytes(300000, 17);
    server.serve_bytes("/j.bin", body);
    const auto r = arina({"--progress", "json", server.url("/j.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto pos = r.output.rfind("{\"");
    ASSERT_NE(pos, std::string::npos);
    const std::string last = r.output.substr(pos);
    EXPECT_NE(last.find("\"event\":\"finished\""), std::string::npos) << last;
    EXPECT_NE(last.find("\"status\":\"completed\""), std::string::npos) << last;
    EXPECT_NE(last.find("\"size\":300000"), std::string::npos) << last;
}

TEST_F(DownloadTest, RequestSettingsReachTheServer) {
    const auto body = random_bytes(2000, 18);
    server.serve_bytes("/h.bin", body);
    server.set_header_required("/h.bin", "X-Token", "secret");
    const auto r =
        arina({"--add-header", "X-Token: secret", "--user-agent", "ua-test/1", server.url("/h.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(server.requests_for("/h.bin").front().headers.at("user-agent"), "ua-test/1");
    const auto denied = arina({"-o", "other.bin", server.url("/h.bin")});
    EXPECT_EQ(denied.exit_code, 5) << denied.output;
}

TEST_F(DownloadTest, CookiesGoOnlyToTheirDomain) {
    const auto body = random_bytes(2000, 19);
    server.serve_bytes("/c.bin", body);
    server.set_cookie_required("/c.bin", "session", "abc");
    write_file(dir / "good.txt",
               "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc\n");
    write_file(dir / "other.txt",
               "# Netscape HTTP Cookie File\nexample.com\tFALSE\t/\tFALSE\t0\tsession\tabc\n");
    const auto wrong =
        arina({"--cookies", (dir / "other.txt").string(), "-o", "w.bin", server.url("/c.bin")});
    EXPECT_EQ(wrong.exit_code, 5) << wrong.output;
    EXPECT_FALSE(exists("w.bin"));
    const auto right = arina({"--cookies", (dir / "good.txt").string(), server.url("/c.bin")});
    ASSERT_EQ(right.exit_code, 0) << right.output;
    EXPECT_EQ(file_sha("c.bin"), sha256_hex(body));
}

TEST_F(DownloadTest, RateLimitIsSharedByAllConnections) {
    const auto body = random_bytes(1536 * 1024, 20);
    server.serve_bytes("/slow.bin", body);
    const auto started = std::chrono::steady_clock::now();
    const auto r =
        arina({"-N", "4", "--http-chunk-size", "128K", "--limit-rate", "1M", server.url("/slow.bin")});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("slow.bin"), sha256_hex(body));
    // 1.5 MiB at 1 MiB/s in total: four connections must not get 1 MiB/s each.
    EXPECT_GE(seconds, 1.2);
}

}  // namespace
}  // namespace arina::test
