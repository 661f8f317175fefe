// A platform profile reaches the requests: a platform of the user's own (config file) for the
// loopback host sets the connections, the age gate's cookies and an extra header; the command
// line beats it.

#include "download_fixture.hpp"

namespace arina::test {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

TEST_F(DownloadTest, APlatformProfileFromTheConfigFileReachesTheRequests) {
    const auto body = random_bytes(3 * kMiB + 77, 5);
    server.serve_bytes("/clip.bin", body, {.rate_bytes_per_sec = 4.0 * kMiB});
    const auto config = dir / "config.toml";
    write_file(config,
               "[platforms.loopback]\n"
               "hosts = [\"127.0.0.1\"]\n"
               "concurrent_fragments = 1\n"
               "age_verification = [\"age_ok=1\", \"gate=2\"]\n"
               "headers = [\"X-Profile: on\"]\n");
    auto r = arina({"--config", config.string(), "--http-chunk-size", "256K", server.url("/clip.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("clip.bin"), sha256_hex(body));
    EXPECT_EQ(server.max_concurrent_connections(), 1);
    const auto requests = server.requests_for("/clip.bin");
    ASSERT_GE(requests.size(), 13u);  // 3 MiB in ranges of 256 KiB
    for (const auto& q : requests) {
        EXPECT_EQ(q.headers.count("cookie") ? q.headers.at("cookie") : "", "age_ok=1; gate=2");
        EXPECT_EQ(q.headers.count("x-profile") ? q.headers.at("x-profile") : "", "on");
    }

    // -N on the command line holds for every URL, above the profile.
    std::filesystem::remove(dir / "clip.bin");
    server.clear_log();
    r = arina({"--config", config.string(), "-N", "4", "--http-chunk-size", "256K", server.url("/clip.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("clip.bin"), sha256_hex(body));
    EXPECT_GE(server.max_concurrent_connections(), 2);  // it was 1 so far
    // The profile's other fields still apply.
    for (const auto& q : server.requests_for("/clip.bin"))
        EXPECT_EQ(q.headers.count("cookie") ? q.headers.at("cookie") : "", "age_ok=1; gate=2");
}

// The site's age cookie and profile headers go to the site's own servers; the media on another
// host (a CDN: here the same server named "localhost") gets only the user's own headers.
TEST_F(DownloadTest, TheSitesCookieAndHeadersStayWithTheSite) {
    const auto body = random_bytes(700 * 1024 + 3, 9);
    server.serve_bytes("/clip.mp4", body, {.content_type = "video/mp4"});
    std::string cdn = server.url("/clip.mp4");
    cdn.replace(cdn.find("127.0.0.1"), 9, "localhost");
    server.serve_bytes(
        "/watch/1",
        "<html><head><title>Clip</title></head><body><video src=\"" + cdn + "\"></video></body></html>",
        {.content_type = "text/html"});
    const auto config = dir / "config.toml";
    write_file(config,
               "headers = [\"X-Mine: everywhere\"]\n"
               "[platforms.loopback]\n"
               "hosts = [\"127.0.0.1\"]\n"
               "age_verification = [\"age_ok=1\"]\n"
               "headers = [\"X-Profile: on\"]\n");
    const auto header = [](const auto& q, const std::string& name) {
        return q.headers.count(name) ? q.headers.at(name) : std::string("(none)");
    };
    auto r = arina({"--config", config.string(), server.url("/watch/1")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("Clip [1].mp4"), sha256_hex(body)) << r.output;
    const auto page = server.requests_for("/watch/1");
    ASSERT_GE(page.size(), 1u);
    for (const auto& q : page) {
        EXPECT_EQ(header(q, "cookie"), "age_ok=1");
        EXPECT_EQ(header(q, "x-profile"), "on");
        EXPECT_EQ(header(q, "x-mine"), "everywhere");
    }
    const auto media = server.requests_for("/clip.mp4");
    ASSERT_GE(media.size(), 1u);
    for (const auto& q : media) {
        EXPECT_EQ(header(q, "cookie"), "(none)");
        EXPECT_EQ(header(q, "x-profile"), "(none)");
        EXPECT_EQ(header(q, "x-mine"), "everywhere");
    }

    // --add-header before the URL takes one value (the URL is not swallowed) and, as a list on the
    // command line, replaces the file's and the profile's headers; the age gate's cookie stays.
    std::filesystem::remove(dir / "Clip [1].mp4");
    server.clear_log();
    r = arina({"--config", config.string(), "--add-header", "X-Flag: cli", server.url("/watch/1")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("Clip [1].mp4"), sha256_hex(body)) << r.output;
    for (const auto& q : server.requests_for("/watch/1")) {
        EXPECT_EQ(header(q, "cookie"), "age_ok=1");
        EXPECT_EQ(header(q, "x-flag"), "cli");
        EXPECT_EQ(header(q, "x-mine"), "(none)");
        EXPECT_EQ(header(q, "x-profile"), "(none)");
    }
    for (const auto& q : server.requests_for("/clip.mp4")) {
        EXPECT_EQ(header(q, "cookie"), "(none)");
        EXPECT_EQ(header(q, "x-flag"), "cli");
    }
}

}  // namespace
}  // namespace arina::test
