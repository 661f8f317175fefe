// add_tasks with a database: one transaction (all of a list queued, or none of it), and
// adding never stalls the engine. While another connection holds the database's write lock,
// an add_tasks call waits for it on the caller's thread, and meanwhile a running download
// keeps receiving and the manager answers list()/get() at once.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <future>
#include <thread>

#include "core/download_manager.hpp"
#include "integration/manager_fixture.hpp"
#include "server/test_server.hpp"
#include "support/test_support.hpp"
#include "util/sha256.hpp"

namespace arina::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class ManagerAddTasksTest : public ManagerFixture {
  protected:
    Config config() const {
        Config c = ManagerFixture::config();
        c.database = dir / "tasks.db";
        return c;
    }

    // Another connection that holds the database's write lock until release().
    struct WriteLock {
        sqlite3* db = nullptr;
        explicit WriteLock(const fs::path& path) {
            EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
            sqlite3_busy_timeout(db, 5000);  // the manager's own start-up writes finish first
            EXPECT_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
        }
        void release() {
            if (!db) return;
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            sqlite3_close(db);
            db = nullptr;
        }
        ~WriteLock() { release(); }
    };

    std::vector<DownloadTask> small_tasks(int count, std::vector<std::string>& bodies) {
        std::vector<DownloadTask> tasks;
        for (int i = 0; i < count; ++i) {
            const std::string path = "/small" + std::to_string(i);
            bodies.push_back(
                random_bytes(20'000 + static_cast<std::size_t>(i), static_cast<unsigned>(i + 100)));
            server.serve_bytes(path, bodies.back());
            tasks.push_back({.url = server.url(path), .output_name = "small" + std::to_string(i)});
        }
        return tasks;
    }
};

TEST_F(ManagerAddTasksTest, AListIsQueuedWhollyOrNotAtAll) {
    DownloadManager manager(config());
    std::vector<std::string> bodies;
    auto tasks = small_tasks(3, bodies);
    std::vector<std::pair<TaskId, std::future<TaskResult>>> added;
    {
        WriteLock lock(dir / "tasks.db");
        EXPECT_NO_THROW(added = manager.add_tasks(tasks));  // fails after the store's busy timeout
    }
    ASSERT_EQ(added.size(), 3u);
    for (auto& [id, future] : added) {
        EXPECT_EQ(id, 0);
        ASSERT_EQ(future.wait_for(0s), std::future_status::ready);
        const TaskResult r = future.get();
        EXPECT_EQ(r.status, TaskStatus::Failed);
        EXPECT_EQ(r.error.reason, FailReason::Database);
    }
    EXPECT_TRUE(manager.list().empty());

    // With the database free again, the same list is queued whole and downloaded.
    added = manager.add_tasks(tasks);
    ASSERT_EQ(added.size(), 3u);
    for (std::size_t i = 0; i < added.size(); ++i) {
        EXPECT_NE(added[i].first, 0);
        const TaskResult r = added[i].second.get();
        ASSERT_EQ(r.status, TaskStatus::Completed) << r.error.message;
        EXPECT_EQ(sha256_file_hex(r.file), sha256_hex(bodies[i]));
    }
    EXPECT_EQ(manager.list().size(), 3u);
}

TEST_F(ManagerAddTasksTest, AddingWhileTheDatabaseIsBusyNeverStallsADownload) {
    const std::string body = random_bytes(4 * 1024 * 1024, 9);
    server.serve_bytes("/running", body, {.rate_bytes_per_sec = 300'000});
    DownloadManager manager(config());
    auto [running, running_future] = manager.submit({.url = server.url("/running")});
    ASSERT_NE(running, 0);
    const auto done = [&] { return manager.get(running)->done_bytes; };
    for (int i = 0; i < 600 && done() < 100'000; ++i) std::this_thread::sleep_for(50ms);
    ASSERT_GE(done(), 100'000);

    WriteLock lock(dir / "tasks.db");
    std::vector<std::string> bodies;
    auto tasks = small_tasks(5, bodies);
    auto adding = std::async(std::launch::async, [&] { return manager.add_tasks(tasks); });
    // While the add waits for the database (up to its 5 s busy timeout): the download goes
    // on, and the manager's calls answer at once.
    const std::int64_t before = done();
    std::chrono::steady_clock::duration slowest{};
    const auto until = std::chrono::steady_clock::now() + 1500ms;
    while (std::chrono::steady_clock::now() < until) {
        const auto t0 = std::chrono::steady_clock::now();
        (void)manager.list();
        (void)manager.metrics();
        slowest = std::max(slowest, std::chrono::steady_clock::now() - t0);
        std::this_thread::sleep_for(20ms);
    }
    const std::int64_t during = done() - before;
    EXPECT_EQ(adding.wait_for(0s), std::future_status::timeout) << "the add did not wait for the lock";
    lock.release();
    EXPECT_GT(during, 100'000) << "the download stalled while an add waited for the database";
    EXPECT_LT(slowest, 250ms) << "list()/metrics() waited for the database";

    auto added = adding.get();
    ASSERT_EQ(added.size(), 5u);
    for (std::size_t i = 0; i < added.size(); ++i) {
        ASSERT_NE(added[i].first, 0);
        const TaskResult r = added[i].second.get();
        ASSERT_EQ(r.status, TaskStatus::Completed) << r.error.message;
        EXPECT_EQ(sha256_file_hex(r.file), sha256_hex(bodies[i]));
    }
    const TaskResult r = running_future.get();
    ASSERT_EQ(r.status, TaskStatus::Completed) << r.error.message;
    EXPECT_EQ(sha256_file_hex(r.file), sha256_hex(body));
}

}  // namespace
}  // namespace arina::test
