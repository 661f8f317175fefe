// The DownloadManager and the queue commands with real downloads from the loopback
// server: many tasks with faults, pause/resume, a crash with tasks in flight.

#include <signal.h>

#include <random>
#include <thread>

#include "core/download_manager.hpp"
#include "download_fixture.hpp"

namespace arina::test {
namespace {

using namespace std::chrono_literals;
constexpr std::size_t kKiB = 1024;

Config test_config(const TempDir& dir) {
    Config c;
    c.max_workers = 4;
    c.concurrent_fragments = 3;
    c.http_chunk_size = 64 * 1024;
    c.retry_sleep = 0.01;
    c.retry_sleep_max = 0.05;
    c.socket_timeout = 2;
    c.output_dir = dir.path();
    return c;
}

TEST_F(DownloadTest, FiftyTasksWithRandomFaultsAllCompleteByteExact) {
    std::mt19937 rng(2024);
    std::vector<std::string> bodies;
    for (int i = 0; i < 50; ++i) {
        bodies.push_back(random_bytes(64 * kKiB + rng() % (448 * kKiB), 100 + static_cast<unsigned>(i)));
        testing::Faults f;
        switch (rng() % 5) {
            case 0:
                f.drop_after_bytes = 20000, f.drop_first_requests = 2;
                break;
            case 1:
                f.error_status = 503, f.error_first_requests = 2, f.retry_after_seconds = 0;
                break;
            case 2:
                f.stall_after_bytes = 5000, f.stall_first_requests = 1;
                break;
            case 3:
                f.content_length_delta = 7, f.lie_first_requests = 1;
                break;
            default:
                f.rate_bytes_per_sec = 2.0 * 1024 * 1024;
                break;
        }
        server.serve_bytes("/f" + std::to_string(i) + ".bin", bodies.back(), f);
    }
    DownloadManager manager(test_config(dir));
    std::vector<std::future<TaskResult>> futures;
    for (int i = 0; i < 50; ++i)
        futures.push_back(manager.add_task({.url = server.url("/f" + std::to_string(i) + ".bin")}));
    for (int i = 0; i < 50; ++i) {
        const auto r = futures[static_cast<std::size_t>(i)].get();
        ASSERT_EQ(r.status, TaskStatus::Completed) << i << ": " << r.error.message;
        EXPECT_EQ(file_sha("f" + std::to_string(i) + ".bin"), sha256_hex(bodies[static_cast<std::size_t>(i)]))
            << i;
    }
    EXPECT_LE(server.max_concurrent_connections(), 4 * 3);
    const auto m = manager.metrics();
    EXPECT_EQ(m.active_tasks, 0);
    EXPECT_EQ(m.queued_tasks, 0);
}

TEST_F(DownloadTest, PauseAndResumeRefetchNothing) {
    const auto body = random_bytes(3 * 1024 * kKiB, 61);
    server.serve_bytes("/p.bin", body, {.rate_bytes_per_sec = 512.0 * kKiB});
    Config c = test_config(dir);
    c.http_chunk_size = 256 * 1024;  // pieces too small to be split: exact byte accounting
    DownloadManager manager(c);
    auto [id, future] = manager.submit({.url = server.url("/p.bin")});
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (server.body_bytes_sent("/p.bin") < 600 * 1024 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(manager.pause(id));
    while (manager.get(id)->status != TaskStatus::Paused && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    ASSERT_EQ(manager.get(id)->status, TaskStatus::Paused);
    ASSERT_TRUE(server.wait_until_idle());
    const auto sent_before = server.body_bytes_sent("/p.bin");
    const auto paused_at = manager.get(id)->done_bytes;
    EXPECT_GT(paused_at, 0);
    server.set_faults("/p.bin", {});
    ASSERT_TRUE(manager.resume(id));
    const auto r = future.get();
    ASSERT_EQ(r.status, TaskStatus::Completed) << r.error.message;
    EXPECT_EQ(file_sha("p.bin"), sha256_hex(body));
    ASSERT_TRUE(server.wait_until_idle());
    // Whatever the first run received is on disk and was not asked for again: the bytes
    // sent in total exceed the file only by what was in flight when the pause hit.
    const auto total_sent = server.body_bytes_sent("/p.bin");
    EXPECT_EQ(total_sent - sent_before, static_cast<std::int64_t>(body.size()) - r.resumed_bytes);
    EXPECT_GE(r.resumed_bytes, paused_at);
}

TEST_F(DownloadTest, GlobalRateLimitIsSharedAndChangesWhileRunning) {
    const auto a = random_bytes(1024 * kKiB, 91);
    const auto b = random_bytes(1024 * kKiB, 92);
    server.serve_bytes("/ra.bin", a);
    server.serve_bytes("/rb.bin", b);
    Config c = test_config(dir);
    c.rate_limit = 64 * 1024;  // both tasks together: 32 s at this rate
    DownloadManager manager(c);
    auto [ida, fa] = manager.submit({.url = server.url("/ra.bin")});
    auto [idb, fb] = manager.submit({.url = server.url("/rb.bin")});
    std::this_thread::sleep_for(3s);
    // One bucket for both tasks: 3 s x 64 KiB/s, plus the bucket's 16 KiB burst and at most
    // one receive buffer (128 KiB) of debt: at most 336 KiB. Two separate limits would let
    // through at least 2 x (192 + 16) = 416 KiB.
    const auto done_a = manager.get(ida)->done_bytes;
    const auto done_b = manager.get(idb)->done_bytes;
    EXPECT_LT(done_a + done_b, 376 * 1024);
    EXPECT_GT(done_a, 0);
    EXPECT_GT(done_b, 0);
    const auto lifted = std::chrono::steady_clock::now();
    manager.set_rate_limit(0);
    EXPECT_EQ(fa.get().status, TaskStatus::Completed);
    EXPECT_EQ(fb.get().status, TaskStatus::Completed);
    // Unlimited from now on: far sooner than the ~27 s the old limit still needed.
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - lifted).count(), 6.0);
    EXPECT_EQ(file_sha("ra.bin"), sha256_hex(a));
    EXPECT_EQ(file_sha("rb.bin"), sha256_hex(b));
}

TEST_F(DownloadTest, QueueSurvivesSigkillWithTenTasksInFlight) {
    std::vector<std::string> bodies;
    const auto db = (dir / "tasks.db").string();
    std::vector<std::string> add{
        ARINA_BIN, "queue", "add", "--queue-db", db, "-P", dir.path().string(), "--http-chunk-size", "128K"};
    for (int i = 0; i < 10; ++i) {
        bodies.push_back(random_bytes(1024 * kKiB, 200 + static_cast<unsigned>(i)));
        server.serve_bytes("/q" + std::to_string(i) + ".bin", bodies.back(),
                           {.rate_bytes_per_sec = 256.0 * kKiB});
        add.push_back(server.url("/q" + std::to_string(i) + ".bin"));
    }
    const auto added = run_program(add);
    ASSERT_EQ(added.exit_code, 0) << added.output;
    {
        Child first({ARINA_BIN, "run", "--queue-db", db, "--max-workers", "10", "-N", "2",
                     "--http-chunk-size", "128K"},
                    dir / "run1.log");
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        auto all_started = [&] {
            for (int i = 0; i < 10; ++i)
                if (server.body_bytes_sent("/q" + std::to_string(i) + ".bin") < 300 * 1024) return false;
            return true;
        };
        while (!all_started() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(20ms);
        ASSERT_TRUE(all_started());
        first.kill(SIGKILL);
        EXPECT_EQ(first.wait(), 128 + SIGKILL);
    }
    for (int i = 0; i < 10; ++i) {
        EXPECT_FALSE(exists("q" + std::to_string(i) + ".bin")) << i;
        server.set_faults("/q" + std::to_string(i) + ".bin", {});
    }
    const auto second = run_program({ARINA_BIN, "run", "--queue-db", db, "--max-workers", "10"});
    ASSERT_EQ(second.exit_code, 0) << second.output;
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(file_sha("q" + std::to_string(i) + ".bin"), sha256_hex(bodies[static_cast<std::size_t>(i)]))
            << i;
    const auto listed = run_program({ARINA_BIN, "queue", "list", "--queue-db", db});
    ASSERT_EQ(listed.exit_code, 0) << listed.output;
    int completed = 0;
    for (std::size_t pos = 0; (pos = listed.output.find(" completed ", pos)) != std::string::npos; ++pos)
        ++completed;
    EXPECT_EQ(completed, 10) << listed.output;  // none lost, none duplicated
    // Nothing queued is left to do, and a third run finds nothing.
    const auto third = run_program({ARINA_BIN, "run", "--queue-db", db});
    EXPECT_EQ(third.exit_code, 0) << third.output;
}

TEST_F(DownloadTest, BatchFileAndDownloadArchive) {
    const auto a = random_bytes(10000, 71);
    const auto b = random_bytes(20000, 72);
    server.serve_bytes("/a.bin", a);
    server.serve_bytes("/b.bin", b);
    write_file(dir / "list.txt",
               "# my downloads\n" + server.url("/a.bin") + "\n\n   " + server.url("/b.bin") + "  \n");
    const auto archive = (dir / "archive.txt").string();
    auto r = arina({"-a", (dir / "list.txt").string(), "--download-archive", archive});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("a.bin"), sha256_hex(a));
    EXPECT_EQ(file_sha("b.bin"), sha256_hex(b));
    // One line per finished download, in the order they finished.
    const std::string recorded = read_file(archive);
    EXPECT_TRUE(recorded == server.url("/a.bin") + "\n" + server.url("/b.bin") + "\n" ||
                recorded == server.url("/b.bin") + "\n" + server.url("/a.bin") + "\n")
        << recorded;
    server.clear_log();
    std::filesystem::remove(dir / "a.bin");
    r = arina({"-a", (dir / "list.txt").string(), "--download-archive", archive});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(server.requests().empty());
    EXPECT_FALSE(exists("a.bin"));  // recorded in the archive, so skipped even though the file is gone
    EXPECT_NE(r.output.find(server.url("/a.bin") + " has already been recorded in the archive"),
              std::string::npos)
        << r.output;
}

TEST_F(DownloadTest, CorruptQueueDatabaseIsAClearError) {
    write_file(dir / "bad.db", std::string(8192, 'x'));
    const auto r = run_program({ARINA_BIN, "queue", "list", "--queue-db", (dir / "bad.db").string()});
    EXPECT_EQ(r.exit_code, 14) << r.output;
    EXPECT_NE(r.output.find("arina: error: database " + (dir / "bad.db").string() + " is corrupt"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("move it aside"), std::string::npos) << r.output;
}

TEST_F(DownloadTest, TheBasicUsageExampleWorks) {
    const auto body = random_bytes(200000, 81);
    server.serve_bytes("/example.bin", body);
    const auto r = run_program({ARINA_EXAMPLE_BIN, server.url("/example.bin"), dir.path().string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("example.bin"), sha256_hex(body));
    EXPECT_NE(r.output.find(": completed "), std::string::npos) << r.output;
}

}  // namespace
}  // namespace arina::test
