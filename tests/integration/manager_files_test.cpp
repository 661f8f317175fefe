// What the manager's library API promises about files and queueing: remove(id, true)
// leaves nothing behind for every kind of download (plain file, HLS by URL, HLS found
// by Content-Type); add_tasks queues a list in one commit; a store failure reaches the
// future; progress events say the stage.

#include <sqlite3.h>

#include <set>
#include <thread>

#include "core/download_manager.hpp"
#include "fixtures/stream_media.hpp"
#include "integration/manager_fixture.hpp"
#include "server/test_server.hpp"
#include "support/test_support.hpp"
#include "util/sha256.hpp"

namespace arina::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class ManagerFilesTest : public ManagerFixture {
  protected:
    // Starts `url`, pauses it once some of it is on disk (files named like `marker`), then
    // removes it with its files: nothing may be left in the output directory.
    void pause_then_remove_leaves_nothing(const std::string& url, const std::string& marker) {
        DownloadManager manager(config());
        auto [id, future] = manager.submit({.url = url});
        ASSERT_TRUE(eventually([&] {
            for (const auto& f : files_in_out())
                if (f.find(marker) != std::string::npos) return true;
            return false;
        })) << "no "
            << marker << " file appeared";
        ASSERT_TRUE(manager.pause(id));
        ASSERT_TRUE(eventually([&] { return manager.get(id)->status == TaskStatus::Paused; }));
        const auto left = files_in_out();
        EXPECT_FALSE(left.empty());
        ASSERT_TRUE(manager.remove(id, true));
        ASSERT_TRUE(eventually([&] { return !manager.get(id); }));
        EXPECT_EQ(files_in_out(), std::vector<std::string>{})
            << "before remove: " << ::testing::PrintToString(left);
        EXPECT_EQ(future.get().status, TaskStatus::Cancelled);
    }
};

TEST_F(ManagerFilesTest, RemoveWithFilesDeletesAPausedPlainDownload) {
    server.serve_bytes("/big.bin", random_bytes(4 * 1024 * 1024, 7), {.rate_bytes_per_sec = 400'000});
    pause_then_remove_leaves_nothing(server.url("/big.bin"), ".part.arina");
}

class ManagerStreamFilesTest : public ManagerFilesTest {
  protected:
    void SetUp() override {
        const auto ts = stream_media::source_ts(dir.path());
        ASSERT_TRUE(stream_media::hls_ts(ts, dir / "www/hls"));
        server.serve_directory("/hls", dir / "www/hls", {.rate_bytes_per_sec = 40'000});
    }
};

TEST_F(ManagerStreamFilesTest, RemoveWithFilesDeletesAPausedStreamDownload) {
    // Paused once the sidecar vouches for a fragment (before that, a stopped stream keeps nothing).
    pause_then_remove_leaves_nothing(server.url("/hls/index.m3u8"), ".stream.arina");
}

TEST_F(ManagerStreamFilesTest, RemoveWithFilesDeletesAStreamFoundByContentType) {
    // A playlist at a path without .m3u8: a plain download first, a stream once the answer's
    // media type says so (its part files are the stream's, not NAME.part).
    server.serve_file("/hls/playlist", dir / "www/hls/index.m3u8",
                      {.content_type = "application/vnd.apple.mpegurl"});
    pause_then_remove_leaves_nothing(server.url("/hls/playlist"), ".stream.arina");
}

TEST_F(ManagerStreamFilesTest, ProgressEventsSayTheStage) {
    DownloadManager manager(config());
    auto events = manager.subscribe_events();
    auto [id, future] = manager.submit({.url = server.url("/hls/index.m3u8")});
    std::set<std::string> stages;
    bool fragments_counted = false;
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (future.wait_for(0s) != std::future_status::ready && std::chrono::steady_clock::now() < deadline) {
        events->wait(100ms);
        for (const auto& e : events->pop_events()) {
            const auto* p = std::get_if<ProgressEvent>(&e);
            if (!p || p->task_id != id) continue;
            if (!p->stage.empty()) stages.insert(p->stage.substr(0, p->stage.find(' ', 12)));
            if (p->fragments_total > 0 && p->stage.starts_with("downloading fragment "))
                fragments_counted = true;
        }
    }
    ASSERT_EQ(future.get().status, TaskStatus::Completed);
    // (The short "extracting" snapshot is usually replaced by a newer one before it is read:
    // progress is coalesced per task. The StateEvents carry every status.)
    EXPECT_TRUE(fragments_counted) << ::testing::PrintToString(stages);
}

TEST_F(ManagerFilesTest, AddTasksQueuesAListInOneCommit) {
    std::vector<std::string> bodies;
    std::vector<DownloadTask> tasks;
    for (int i = 0; i < 20; ++i) {
        bodies.push_back(random_bytes(10'000 + static_cast<std::size_t>(i), static_cast<unsigned>(i)));
        server.serve_bytes("/t" + std::to_string(i), bodies.back());
        tasks.push_back(
            {.url = server.url("/t" + std::to_string(i)), .output_name = "t" + std::to_string(i)});
    }
    Config c = config();
    c.database = dir / "tasks.db";
    DownloadManager manager(c);
    auto added = manager.add_tasks(tasks);
    ASSERT_EQ(added.size(), 20u);
    std::set<TaskId> ids;
    for (auto& [id, future] : added) {
        EXPECT_NE(id, 0);
        ids.insert(id);
        const auto r = future.get();
        EXPECT_EQ(r.status, TaskStatus::Completed) << r.error.message;
    }
    EXPECT_EQ(ids.size(), 20u);
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(sha256_file_hex(out() / ("t" + std::to_string(i))),
                  sha256_hex(bodies[static_cast<std::size_t>(i)]));
}

TEST_F(ManagerFilesTest, AStoreThatCannotCommitFailsTheFutureNotTheCaller) {
    Config c = config();
    c.database = dir / "tasks.db";
    DownloadManager manager(c);
    // Another connection holds the write lock: the insert's commit fails (after the store's
    // busy timeout) as it would on a full disk.
    sqlite3* blocker = nullptr;
    ASSERT_EQ(sqlite3_open(c.database.c_str(), &blocker), SQLITE_OK);
    // The manager's own start-up writes may hold the lock a moment: wait for them, then hold it.
    sqlite3_busy_timeout(blocker, 5000);
    ASSERT_EQ(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    std::pair<TaskId, std::future<TaskResult>> submitted;
    EXPECT_NO_THROW(submitted = manager.submit({.url = "http://127.0.0.1:9/x"}));
    sqlite3_exec(blocker, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(blocker);
    EXPECT_EQ(submitted.first, 0);
    ASSERT_EQ(submitted.second.wait_for(0s), std::future_status::ready);
    const auto r = submitted.second.get();
    EXPECT_EQ(r.status, TaskStatus::Failed);
    EXPECT_EQ(r.error.reason, FailReason::Database);
    EXPECT_EQ(r.error.message, "cannot queue http://127.0.0.1:9/x: cannot write to database " +
                                   c.database.string() + ": database is locked");
    EXPECT_TRUE(manager.list().empty());
}

}  // namespace
}  // namespace arina::test
