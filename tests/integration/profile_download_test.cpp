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

}  // namespace
}  // namespace arina::test
