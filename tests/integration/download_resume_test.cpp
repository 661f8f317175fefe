// Crashes, interruptions and full disks: nothing is lost and nothing is fetched twice.

#include <signal.h>
#include <sys/mount.h>

#include <thread>

#include "download_fixture.hpp"
#include "store/resume_file.hpp"

namespace arina::test {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

// Waits until the sidecar records at least `bytes` done, or the deadline passes.
std::int64_t wait_for_sidecar(const std::filesystem::path& sidecar, std::int64_t bytes) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        auto loaded = store::load_resume_state(sidecar);
        if (auto* s = std::get_if<store::ResumeState>(&loaded); s && s->done.total() >= bytes)
            return s->done.total();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -1;
}

TEST_F(DownloadTest, ResumesAfterSigkillFetchingOnlyTheMissingRanges) {
    const auto body = random_bytes(6 * kMiB, 41);
    server.serve_bytes("/big.bin", body, {.rate_bytes_per_sec = 1.0 * kMiB});
    {
        Child first({ARINA_BIN, "-P", dir.path().string(), "-N", "3", "--http-chunk-size", "256K",
                     server.url("/big.bin")},
                    dir / "first.log");
        ASSERT_GT(wait_for_sidecar(dir / "big.bin.part.arina", static_cast<std::int64_t>(kMiB)), 0);
        first.kill(SIGKILL);
        EXPECT_EQ(first.wait(), 128 + SIGKILL);
    }
    EXPECT_FALSE(exists("big.bin"));
    auto loaded = store::load_resume_state(dir / "big.bin.part.arina");
    ASSERT_TRUE(std::holds_alternative<store::ResumeState>(loaded));
    const std::int64_t recorded = std::get<store::ResumeState>(loaded).done.total();
    ASSERT_GT(recorded, 0);
    ASSERT_LT(recorded, static_cast<std::int64_t>(body.size()));

    ASSERT_TRUE(server.wait_until_idle());
    server.clear_log();
    server.set_faults("/big.bin", {});
    const auto r = arina({"-N", "3", "--http-chunk-size", "256K", server.url("/big.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("big.bin"), sha256_hex(body));
    ASSERT_TRUE(server.wait_until_idle());
    // Exactly the bytes the sidecar did not vouch for, each with If-Range.
    EXPECT_EQ(server.body_bytes_sent("/big.bin"), static_cast<std::int64_t>(body.size()) - recorded);
    for (const auto& q : server.requests_for("/big.bin")) EXPECT_FALSE(q.if_range_header.empty());
    EXPECT_NE(r.output.find("resumed after"), std::string::npos) << r.output;
}

TEST_F(DownloadTest, CtrlCKeepsThePartialDownloadForResume) {
    const auto body = random_bytes(3 * kMiB, 42);
    server.serve_bytes("/int.bin", body, {.rate_bytes_per_sec = 512.0 * 1024});
    Child first({ARINA_BIN, "-P", dir.path().string(), "-N", "2", "--http-chunk-size", "256K",
                 server.url("/int.bin")},
                dir / "int.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (server.body_bytes_sent("/int.bin") < 300 * 1024 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    first.kill(SIGINT);
    EXPECT_EQ(first.wait(), 130);
    EXPECT_FALSE(exists("int.bin"));
    EXPECT_TRUE(exists("int.bin.part"));
    auto loaded = store::load_resume_state(dir / "int.bin.part.arina");
    ASSERT_TRUE(std::holds_alternative<store::ResumeState>(loaded));
    const std::int64_t recorded = std::get<store::ResumeState>(loaded).done.total();
    EXPECT_GE(recorded, 200 * 1024);  // the final save on cancel records what arrived

    ASSERT_TRUE(server.wait_until_idle());
    server.clear_log();
    server.set_faults("/int.bin", {});
    const auto r = arina({"-N", "2", "--http-chunk-size", "256K", server.url("/int.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("int.bin"), sha256_hex(body));
    ASSERT_TRUE(server.wait_until_idle());
    EXPECT_EQ(server.body_bytes_sent("/int.bin"), static_cast<std::int64_t>(body.size()) - recorded);
}

TEST_F(DownloadTest, CorruptSidecarIsDetectedAndTheDownloadStartsOver) {
    const auto body = random_bytes(kMiB, 43);
    server.serve_bytes("/c.bin", body);
    write_file(dir / "c.bin.part", std::string(kMiB, 'X'));  // garbage that must not survive
    write_file(dir / "c.bin.part.arina", "{\"format\":\"arina-resume\",\"version\":1,\"trunc");
    const auto r = arina({"-v", server.url("/c.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("c.bin"), sha256_hex(body));
    EXPECT_NE(r.output.find("arina: note: corrupt resume file: not JSON"), std::string::npos) << r.output;
    EXPECT_FALSE(exists("c.bin.part.arina"));
}

TEST_F(DownloadTest, NoContinueFetchesEverythingAgain) {
    const auto body = random_bytes(kMiB, 44);
    server.serve_bytes("/n.bin", body);
    store::ResumeState fake;
    fake.url = server.url("/n.bin");
    fake.size = static_cast<std::int64_t>(body.size());
    fake.etag = "\"whatever\"";
    fake.done.add({0, 512 * 1024});
    write_file(dir / "n.bin.part", std::string(kMiB, 'X'));
    ASSERT_FALSE(store::save_resume_state(dir / "n.bin.part.arina", fake));
    const auto r = arina({"--no-continue", "--http-chunk-size", "256K", server.url("/n.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("n.bin"), sha256_hex(body));
    ASSERT_TRUE(server.wait_until_idle());
    EXPECT_EQ(server.body_bytes_sent("/n.bin"), static_cast<std::int64_t>(body.size()));
}

TEST_F(DownloadTest, StaleSidecarForAnotherVersionIsNotSpliced) {
    const auto body = random_bytes(kMiB, 45);
    server.serve_bytes("/s.bin", body);
    store::ResumeState stale;
    stale.url = server.url("/s.bin");
    stale.size = static_cast<std::int64_t>(body.size());
    stale.etag = "\"an-old-version\"";
    stale.done.add({0, 512 * 1024});
    write_file(dir / "s.bin.part", std::string(kMiB, 'X'));
    ASSERT_FALSE(store::save_resume_state(dir / "s.bin.part.arina", stale));
    const auto r = arina({"-v", server.url("/s.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("s.bin"), sha256_hex(body));
    EXPECT_NE(r.output.find("the file changed on the server; starting over"), std::string::npos) << r.output;
}

// Needs a small file system: a tmpfs mount (root in a namespace that allows it).
TEST_F(DownloadTest, DiskFullIsAClearErrorAndKeepsThePart) {
    const auto mnt = dir / "small";
    std::filesystem::create_directories(mnt);
    if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m") != 0)
        GTEST_SKIP() << "cannot mount a tmpfs here";
    struct Unmount {
        std::filesystem::path p;
        ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
    } unmount{mnt};
    const auto body = random_bytes(3 * kMiB, 46);
    server.serve_bytes("/huge.bin", body);
    const auto r = run_program({ARINA_BIN, "-P", mnt.string(), server.url("/huge.bin")});
    EXPECT_EQ(r.exit_code, 9) << r.output;
    EXPECT_NE(r.output.find("arina: error: disk full: cannot reserve space for " +
                            (mnt / "huge.bin.part").string() + ": No space left on device"),
              std::string::npos)
        << r.output;
    EXPECT_FALSE(std::filesystem::exists(mnt / "huge.bin"));
    EXPECT_TRUE(std::filesystem::exists(mnt / "huge.bin.part"));
}

}  // namespace
}  // namespace arina::test
