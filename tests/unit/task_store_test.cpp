#include "store/task_store.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/task_ops.hpp"
#include "store/task_schema.hpp"
#include "support/test_support.hpp"

namespace arina::store {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<TaskStore> open_ok(const std::filesystem::path& path, TaskStoreOptions options = {}) {
    auto opened = TaskStore::open(path, options);
    if (auto* error = std::get_if<Error>(&opened)) {
        ADD_FAILURE() << "open failed: " << error->message;
        return nullptr;
    }
    return std::move(std::get<std::unique_ptr<TaskStore>>(opened));
}

Error open_error(const std::filesystem::path& path, TaskStoreOptions options = {}) {
    auto opened = TaskStore::open(path, options);
    if (auto* error = std::get_if<Error>(&opened)) return *error;
    ADD_FAILURE() << "open succeeded unexpectedly";
    return {};
}

TaskKey insert_ok(TaskStore& store, TaskRecord record) {
    auto inserted = store.insert(std::move(record));
    if (auto* error = std::get_if<Error>(&inserted)) {
        ADD_FAILURE() << "insert failed: " << error->message;
        return 0;
    }
    return std::get<TaskKey>(inserted);
}

TaskRecord task(std::string params, int priority = 0) {
    TaskRecord r;
    r.params_json = std::move(params);
    r.priority = priority;
    return r;
}

/// A raw connection for preparing and inspecting files behind the store's back.
struct RawDb {
    explicit RawDb(const std::filesystem::path& path) {
        if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
    }
    ~RawDb() { sqlite3_close(db); }
    int exec(const std::string& sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }
    std::string text(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        std::string out;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW) {
            const auto* t = sqlite3_column_text(stmt, 0);
            if (t != nullptr) out = reinterpret_cast<const char*>(t);
        }
        sqlite3_finalize(stmt);
        return out;
    }
    sqlite3* db = nullptr;
};

// ---- Records and ordering ----------------------------------------------------------------

// ---- Batching ----------------------------------------------------------------------------

TEST(TaskBatch, CoalescesProgressAndResumeKeepingTheFirstPlace) {
    detail::Batch batch;
    batch.push_progress(1, 7, {1, 10});
    batch.push(detail::Op{2, 7, detail::StateJob{"paused", "", ""}});
    batch.push_progress(3, 7, {5, 10});
    batch.push_resume(4, 7, "a");
    batch.push_resume(5, 7, "b");
    ASSERT_EQ(batch.size(), 3u);
    EXPECT_EQ(batch.last_seq(), 5u);
    EXPECT_TRUE(std::holds_alternative<detail::ProgressJob>(batch.ops()[0].job));
    EXPECT_EQ(batch.progress().at(7).done, 5);
    EXPECT_EQ(batch.resume().at(7), "b");
    EXPECT_TRUE(batch.has_structural_changes());
}

TEST(TaskBatch, PrependKeepsOrderAndNewerValues) {
    detail::Batch older;
    older.push_progress(1, 1, {1, 10});
    older.push(detail::Op{2, 1, detail::AttemptJob{}});
    detail::Batch newer;
    newer.push_progress(3, 1, {9, 10});
    newer.push_progress(4, 2, {4, 10});
    newer.push(detail::Op{5, 2, detail::RemoveJob{}});
    newer.prepend(std::move(older));
    ASSERT_EQ(newer.size(), 4u);  // the newer marker for task 1 merged into the older one
    EXPECT_EQ(newer.ops()[0].seq, 1u);
    EXPECT_EQ(newer.ops()[1].seq, 2u);
    EXPECT_EQ(newer.ops()[2].seq, 4u);
    EXPECT_EQ(newer.progress().at(1).done, 9);
    EXPECT_EQ(newer.last_seq(), 5u);
}

TEST(TaskBatch, ProgressOnlyBatchesAreNotStructural) {
    detail::Batch batch;
    batch.push_progress(1, 1, {1, 10});
    batch.push_resume(2, 1, "{}");
    batch.push(detail::Op{3, 0, detail::BarrierJob{}});
    EXPECT_FALSE(batch.has_structural_changes());
}

// ---- Durability, removal --------------------------------------------------------------------

TEST(TaskStore, FlushedWritesSurviveReopening) {
    test::TempDir dir;
    std::vector<TaskKey> keys;
    {
        auto store = open_ok(dir / "tasks.db");
        ASSERT_TRUE(store);
        for (int i = 0; i < 20; ++i) keys.push_back(insert_ok(*store, task(std::to_string(i))));
        for (std::size_t i = 0; i < keys.size(); ++i) {
            store->update_state(keys[i], i % 2 ? "completed" : "paused");
            store->update_progress(keys[i], static_cast<std::int64_t>(i), 100);
        }
        ASSERT_FALSE(store->flush());
        // Read the file from another connection while the store is still open: the
        // data is committed, not only in the store's memory.
        RawDb raw(dir / "tasks.db");
        EXPECT_EQ(raw.text("SELECT COUNT(*) FROM tasks WHERE state = 'completed'"), "10");
        EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
    }
    auto store = open_ok(dir / "tasks.db");
    ASSERT_TRUE(store);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        auto r = store->get(keys[i]);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->state, i % 2 ? "completed" : "paused");
        EXPECT_EQ(r->done_bytes, static_cast<std::int64_t>(i));
    }
}

// ---- Write failures --------------------------------------------------------------------------

TEST(TaskStore, FailedCommitIsReportedAndRetried) {
    test::TempDir dir;
    const auto path = dir / "tasks.db";
    auto store = open_ok(path, {.busy_timeout = 50ms, .retry_delay = 50ms});
    ASSERT_TRUE(store);
    const TaskKey key = insert_ok(*store, task("{}"));

    // Another connection holds the write lock: every commit fails with SQLITE_BUSY,
    // as it would with a full disk or an I/O error.
    RawDb blocker(path);
    ASSERT_EQ(blocker.exec("BEGIN IMMEDIATE"), SQLITE_OK);
    store->update_state(key, "paused");
    store->increment_attempts(key);
    const Error error = store->flush();
    EXPECT_EQ(error.reason, FailReason::Database);
    EXPECT_EQ(error.message, "cannot write to database " + path.string() + ": database is locked");
    EXPECT_FALSE(store->last_error());  // flush() reported it

    auto refused = store->insert(task("while locked"));
    ASSERT_TRUE(std::holds_alternative<Error>(refused));
    ASSERT_TRUE(store->last_error());

    ASSERT_EQ(blocker.exec("ROLLBACK"), SQLITE_OK);
    // The kept jobs are committed by the next attempt, exactly once.
    store->flush();
    EXPECT_FALSE(store->flush());
    auto got = store->get(key);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->state, "paused");
    EXPECT_EQ(got->attempts, 1);
    EXPECT_EQ(store->load_all().size(), 1u);  // the refused insert was not retried
}

// ---- Concurrency -----------------------------------------------------------------------------

// ---- Schema versions -------------------------------------------------------------------------

TEST(TaskStore, MigratesAVersion0Database) {
    test::TempDir dir;
    const auto path = dir / "tasks.db";
    {
        // Hand-made: a SQLite file at user_version 0 with an unrelated table.
        RawDb raw(path);
        ASSERT_EQ(raw.exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('kept')"), SQLITE_OK);
        ASSERT_EQ(raw.text("PRAGMA user_version"), "0");
    }
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        EXPECT_GT(insert_ok(*store, task("{}")), 0);
    }
    RawDb raw(path);
    EXPECT_EQ(raw.text("PRAGMA user_version"), std::to_string(kTaskSchemaVersion));
    EXPECT_EQ(raw.text("PRAGMA application_id"), std::to_string(kTaskApplicationId));
    EXPECT_EQ(raw.text("SELECT x FROM notes"), "kept");
    EXPECT_EQ(raw.text("SELECT COUNT(*) FROM tasks"), "1");
}

TEST(TaskStore, MigrationStepsRunOneAtATime) {
    test::TempDir dir;
    const auto path = dir / "tasks.db";
    sqlite::Status status;
    auto db = sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, status);
    ASSERT_TRUE(db) << status.message;
    ASSERT_FALSE(migrate_task_database(*db, path, 0));
    std::int64_t version = -1;
    ASSERT_TRUE(db->query_int("PRAGMA user_version", version).ok());
    EXPECT_EQ(version, 0);
    ASSERT_FALSE(migrate_task_database(*db, path, 1));
    ASSERT_TRUE(db->query_int("PRAGMA user_version", version).ok());
    EXPECT_EQ(version, 1);
    ASSERT_FALSE(migrate_task_database(*db, path));
    ASSERT_TRUE(db->query_int("PRAGMA user_version", version).ok());
    EXPECT_EQ(version, 2);
    ASSERT_FALSE(migrate_task_database(*db, path));  // nothing left to do
}

TEST(TaskStore, AVersion1DatabaseKeepsItsTasksThroughTheUpgrade) {
    test::TempDir dir;
    const auto path = dir / "tasks.db";
    {
        sqlite::Status status;
        auto db = sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, status);
        ASSERT_TRUE(db) << status.message;
        ASSERT_FALSE(migrate_task_database(*db, path, 1));
        ASSERT_TRUE(db->exec("INSERT INTO tasks (params_json, state, position, created_at, updated_at) "
                             "VALUES ('{\"url\":\"x\"}', 'downloading', 1, 5, 6)")
                        .ok());
    }
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    const auto all = store->load_all();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].params_json, R"({"url":"x"})");
    EXPECT_EQ(all[0].state, "downloading");
    EXPECT_EQ(all[0].host, "");
    EXPECT_EQ(all[0].worker, "");
}

TEST(TaskStore, AProcessThatDiedGivesItsClaimsBack) {
    test::TempDir dir;
    const auto path = dir / "tasks.db";
    TaskKey key = 0;
    {
        auto store = open_ok(path, {.worker_name = "gone"});
        ASSERT_TRUE(store);
        key = insert_ok(*store, task("{}"));
        auto claimed = store->claim({});
        ASSERT_TRUE(std::holds_alternative<std::optional<Claim>>(claimed));
        ASSERT_TRUE(std::get<std::optional<Claim>>(claimed));
        EXPECT_EQ(store->get(key)->worker, "gone");
    }  // closed without release(), as by a crash
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->get(key)->worker, "");
    EXPECT_FALSE(store->shared());
    EXPECT_TRUE(store->workers().empty());
}

TEST(TaskStore, FailedMigrationStepLeavesTheVersion) {
    test::TempDir dir;
    const auto path = dir / "tasks.db";
    {
        RawDb raw(path);  // a "tasks" of someone else's: step 1 cannot create ours
        ASSERT_EQ(raw.exec("CREATE TABLE tasks (x)"), SQLITE_OK);
    }
    const Error error = open_error(path);
    EXPECT_EQ(error.reason, FailReason::Database);
    EXPECT_EQ(error.message,
              "database " + path.string() +
                  ": cannot upgrade to schema 1 (create the tasks table): table tasks already exists");
    RawDb raw(path);
    EXPECT_EQ(raw.text("PRAGMA user_version"), "0");
}

TEST(TaskStore, RefusesANewerSchema) {
    test::TempDir dir;
    const auto path = dir / "tasks.db";
    { ASSERT_TRUE(open_ok(path)); }
    {
        RawDb raw(path);
        ASSERT_EQ(raw.exec("PRAGMA user_version = 7"), SQLITE_OK);
    }
    const Error error = open_error(path);
    EXPECT_EQ(error.reason, FailReason::Database);
    EXPECT_EQ(error.message, "database " + path.string() + " was written by a newer arina (schema 7 > " +
                                 std::to_string(kTaskSchemaVersion) + ")");
}

TEST(TaskStore, RefusesAnotherProgramsDatabase) {
    test::TempDir dir;
    const auto path = dir / "other.db";
    {
        RawDb raw(path);
        ASSERT_EQ(raw.exec("PRAGMA application_id = 42; CREATE TABLE t (x)"), SQLITE_OK);
    }
    EXPECT_EQ(open_error(path).message,
              "database " + path.string() +
                  " is not an arina task database (application_id 42); move it aside "
                  "or choose another file");
    RawDb raw(path);  // refused before anything was written
    EXPECT_EQ(raw.text("PRAGMA journal_mode"), "delete");
    EXPECT_EQ(raw.text("PRAGMA user_version"), "0");
}

// ---- Damaged files ---------------------------------------------------------------------------

TEST(TaskStore, GarbageFileIsReportedAsCorrupt) {
    test::TempDir dir;
    const auto path = dir / "tasks.db";
    test::write_file(path, test::random_bytes(8192, 3));
    const Error error = open_error(path);
    EXPECT_EQ(error.reason, FailReason::Database);
    EXPECT_EQ(error.message,
              "database " + path.string() +
                  " is corrupt (file is not a database); move it aside to start with an empty queue");
    // The way out works, and the failed open released the lock.
    std::filesystem::rename(path, dir / "tasks.db.broken");
    EXPECT_TRUE(open_ok(path));
}

TEST(TaskStore, TruncatedFileIsReportedAsCorrupt) {
    test::TempDir dir;
    const auto path = dir / "tasks.db";
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        for (int i = 0; i < 300; ++i) insert_ok(*store, task(std::to_string(i) + std::string(1000, 'x')));
    }
    ASSERT_FALSE(std::filesystem::exists(dir / "tasks.db-wal"));  // checkpointed on close
    const auto size = std::filesystem::file_size(path);
    ASSERT_GT(size, 100'000u);
    std::filesystem::resize_file(path, size / 2);
    const Error error = open_error(path);
    EXPECT_EQ(error.reason, FailReason::Database);
    const std::string prefix = "database " + path.string() + " is corrupt (";
    const std::string suffix = "); move it aside to start with an empty queue";
    ASSERT_GT(error.message.size(), prefix.size() + suffix.size()) << error.message;
    EXPECT_EQ(error.message.substr(0, prefix.size()), prefix) << error.message;
    EXPECT_EQ(error.message.substr(error.message.size() - suffix.size()), suffix) << error.message;
}

TEST(TaskStore, CreatesMissingDirectories) {
    test::TempDir dir;
    const auto path = dir / "a" / "b" / "tasks.db";
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    EXPECT_TRUE(std::filesystem::exists(path));
    EXPECT_EQ(store->name(), path.string());
}

// ---- The lock --------------------------------------------------------------------------------

TEST(TaskStore, SecondStoreInTheSameProcessIsRefused) {
    test::TempDir dir;
    const auto path = dir / "tasks.db";
    {
        auto first = open_ok(path);
        ASSERT_TRUE(first);
        const Error error = open_error(path);
        EXPECT_EQ(error.reason, FailReason::Database);
        EXPECT_EQ(error.message, "database " + path.string() + " is in use by another arina process (pid " +
                                     std::to_string(::getpid()) + ")");
    }
    EXPECT_TRUE(open_ok(path));  // released with the first store
}

TEST(TaskStore, StoreHeldByAnotherProcessIsRefused) {
    test::TempDir dir;
    const auto path = dir / "tasks.db";
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::close(ready[0]);
        auto opened = TaskStore::open(path);
        const char c = std::holds_alternative<Error>(opened) ? 'e' : 'r';
        [[maybe_unused]] auto n = ::write(ready[1], &c, 1);
        while (true) ::pause();  // until the parent kills us
    }
    ::close(ready[1]);
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ::close(ready[0]);
    EXPECT_EQ(c, 'r');
    const Error error = open_error(path);
    EXPECT_EQ(error.message, "database " + path.string() + " is in use by another arina process (pid " +
                                 std::to_string(pid) + ")");
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    // The kernel released the dead process's lock.
    EXPECT_TRUE(open_ok(path));
}

// ---- Default path ----------------------------------------------------------------------------

class ScopedEnv {
  public:
    explicit ScopedEnv(const char* name) : name_(name) {
        if (const char* v = std::getenv(name)) saved_ = v;
    }
    ~ScopedEnv() {
        if (saved_)
            ::setenv(name_, saved_->c_str(), 1);
        else
            ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    const char* name_;
    std::optional<std::string> saved_;
};

TEST(TaskStore, DefaultPathHonoursXdgDataHome) {
    ScopedEnv xdg("XDG_DATA_HOME");
    ScopedEnv home("HOME");
    ::setenv("HOME", "/home/someone", 1);
    ::setenv("XDG_DATA_HOME", "/data/xdg", 1);
    EXPECT_EQ(TaskStore::default_path(), std::filesystem::path("/data/xdg/arina/tasks.db"));
    ::setenv("XDG_DATA_HOME", "relative/dir", 1);  // invalid by the XDG spec: ignored
    EXPECT_EQ(TaskStore::default_path(), std::filesystem::path("/home/someone/.local/share/arina/tasks.db"));
    ::unsetenv("XDG_DATA_HOME");
    EXPECT_EQ(TaskStore::default_path(), std::filesystem::path("/home/someone/.local/share/arina/tasks.db"));
}

}  // namespace
}  // namespace arina::store
