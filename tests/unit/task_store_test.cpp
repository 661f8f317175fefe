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

std::vector<std::string> params_in_order(const TaskStore& store) {
    std::vector<std::string> out;
    for (const auto& r : store.load_all()) out.push_back(r.params_json);
    return out;
}

// ---- Records and ordering ----------------------------------------------------------------

TEST(TaskStore, RoundTripsEveryField) {
    test::TempDir dir;
    TaskRecord r;
    r.params_json = R"({"url":"https://example.com/v?id=1","format":"best","headers":{"a":"b"}})";
    r.state = "failed";
    r.priority = 7;
    r.position = 12345;  // ignored: insert assigns it
    r.fail_reason = "disk-full";
    r.error_message = "no space left on /mnt/x/video.mp4";
    r.total_bytes = 1'234'567'890'123;
    r.done_bytes = 987'654'321;
    r.output_path = "/home/u/Videos/ünïcode name.mp4";
    r.resume_json = R"({"ranges":[[0,100],[200,300]]})";
    r.created_at = 1'700'000'000;
    r.attempts = 3;
    TaskKey key = 0;
    {
        auto store = open_ok(dir / "tasks.db");
        ASSERT_TRUE(store);
        key = insert_ok(*store, r);
        ASSERT_GT(key, 0);
    }
    auto store = open_ok(dir / "tasks.db");
    ASSERT_TRUE(store);
    auto got = store->get(key);
    ASSERT_TRUE(got);
    EXPECT_GT(got->updated_at, 0);
    EXPECT_EQ(got->position, 1);
    r.key = key;
    r.position = got->position;
    r.updated_at = got->updated_at;
    EXPECT_EQ(*got, r);
    EXPECT_FALSE(store->get(key + 100));
}

TEST(TaskStore, InsertFillsInTheDefaults) {
    test::TempDir dir;
    auto store = open_ok(dir / "tasks.db");
    ASSERT_TRUE(store);
    const auto before =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const TaskKey a = insert_ok(*store, task("{}"));
    const TaskKey b = insert_ok(*store, task("{}"));
    auto ra = store->get(a);
    auto rb = store->get(b);
    ASSERT_TRUE(ra && rb);
    EXPECT_EQ(ra->state, "queued");
    EXPECT_GE(ra->created_at, before);
    EXPECT_EQ(ra->created_at, ra->updated_at);
    EXPECT_EQ(ra->total_bytes, -1);
    EXPECT_LT(ra->position, rb->position);
    EXPECT_LT(a, b);
}

TEST(TaskStore, KeysAreNeverReused) {
    test::TempDir dir;
    TaskKey first = 0;
    {
        auto store = open_ok(dir / "tasks.db");
        ASSERT_TRUE(store);
        first = insert_ok(*store, task("a"));
        store->remove(first);
        ASSERT_FALSE(store->flush());
    }
    auto store = open_ok(dir / "tasks.db");
    ASSERT_TRUE(store);
    EXPECT_GT(insert_ok(*store, task("b")), first);
}

TEST(TaskStore, OrdersByPriorityThenPosition) {
    test::TempDir dir;
    auto store = open_ok(dir / "tasks.db");
    ASSERT_TRUE(store);
    insert_ok(*store, task("low1", 0));
    const TaskKey high1 = insert_ok(*store, task("high1", 5));
    insert_ok(*store, task("low2", 0));
    insert_ok(*store, task("high2", 5));
    const TaskKey low3 = insert_ok(*store, task("low3", 0));
    insert_ok(*store, task("neg", -1));
    EXPECT_EQ(params_in_order(*store),
              (std::vector<std::string>{"high1", "high2", "low1", "low2", "low3", "neg"}));

    // To the front of its priority: below the smallest position.
    const auto all = store->load_all();
    std::int64_t min_position = all.front().position;
    for (const auto& r : all) min_position = std::min(min_position, r.position);
    store->move_to(low3, min_position - 1);
    store->set_priority(high1, 0);
    EXPECT_EQ(params_in_order(*store),
              (std::vector<std::string>{"high2", "low3", "low1", "high1", "low2", "neg"}));
}

TEST(TaskStore, QueuedUpdatesAreVisibleToReads) {
    test::TempDir dir;
    // A long window: the reads below must not depend on the writer having woken up.
    auto store = open_ok(dir / "tasks.db", {.batch_window = 10s});
    ASSERT_TRUE(store);
    const TaskKey key = insert_ok(*store, task("{}"));
    store->update_state(key, "failed", "http", "HTTP 404 for https://example.com/x");
    store->update_progress(key, 50, 100);
    store->update_resume(key, R"({"done":[[0,50]]})");
    store->update_output(key, "/tmp/x.mp4");
    store->increment_attempts(key);
    store->increment_attempts(key);
    store->set_priority(key, 3);
    store->move_to(key, -4);
    auto got = store->get(key);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->state, "failed");
    EXPECT_EQ(got->fail_reason, "http");
    EXPECT_EQ(got->error_message, "HTTP 404 for https://example.com/x");
    EXPECT_EQ(got->done_bytes, 50);
    EXPECT_EQ(got->total_bytes, 100);
    EXPECT_EQ(got->resume_json, R"({"done":[[0,50]]})");
    EXPECT_EQ(got->output_path, "/tmp/x.mp4");
    EXPECT_EQ(got->attempts, 2);
    EXPECT_EQ(got->priority, 3);
    EXPECT_EQ(got->position, -4);
    store->update_state(key, "queued");
    got = store->get(key);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->state, "queued");
    EXPECT_EQ(got->fail_reason, "");
    EXPECT_EQ(got->error_message, "");
    EXPECT_FALSE(store->flush());
}

TEST(TaskStore, WritesToUnknownKeysChangeNothing) {
    test::TempDir dir;
    auto store = open_ok(dir / "tasks.db");
    ASSERT_TRUE(store);
    const TaskKey key = insert_ok(*store, task("{}"));
    store->update_state(key + 1, "paused");
    store->update_progress(key + 1, 1, 2);
    store->remove(key + 1);
    EXPECT_FALSE(store->flush());
    ASSERT_EQ(store->load_all().size(), 1u);
    EXPECT_EQ(store->get(key)->state, "queued");
}

// ---- Batching ----------------------------------------------------------------------------

TEST(TaskStore, ProgressUpdatesCoalesce) {
    test::TempDir dir;
    auto store = open_ok(dir / "tasks.db", {.batch_window = 200ms});
    ASSERT_TRUE(store);
    const TaskKey key = insert_ok(*store, task("{}"));
    const auto commits_before = store->commit_count();
    for (int i = 1; i <= 1000; ++i) store->update_progress(key, i, 1000);
    ASSERT_FALSE(store->flush());
    // Usually one transaction; a slow machine may split the loop across two windows.
    EXPECT_LE(store->commit_count() - commits_before, 3u);
    EXPECT_EQ(store->get(key)->done_bytes, 1000);
}

TEST(TaskStore, BurstOfJobsIsOneTransaction) {
    test::TempDir dir;
    auto store = open_ok(dir / "tasks.db", {.batch_window = 10s});
    ASSERT_TRUE(store);
    std::vector<TaskKey> keys;
    for (int i = 0; i < 50; ++i) keys.push_back(insert_ok(*store, task(std::to_string(i))));
    const auto commits_before = store->commit_count();
    for (TaskKey key : keys) {
        store->update_state(key, "downloading");
        store->update_progress(key, 10, 20);
        store->update_resume(key, "{}");
        store->increment_attempts(key);
    }
    ASSERT_FALSE(store->flush());
    EXPECT_EQ(store->commit_count() - commits_before, 1u);
    for (const auto& r : store->load_all()) EXPECT_EQ(r.state, "downloading");
}

TEST(TaskStore, InsertManyCommitsEveryTaskInOneTransactionInOrder) {
    test::TempDir dir;
    auto store = open_ok(dir / "tasks.db");
    ASSERT_TRUE(store);
    std::vector<TaskRecord> records;
    for (int i = 0; i < 200; ++i) records.push_back(task("url" + std::to_string(i)));
    const auto commits_before = store->commit_count();
    auto added = store->insert_many(std::move(records));
    ASSERT_TRUE(std::holds_alternative<std::vector<TaskKey>>(added));
    const auto& keys = std::get<std::vector<TaskKey>>(added);
    ASSERT_EQ(keys.size(), 200u);
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
    EXPECT_EQ(store->commit_count() - commits_before, 1u);
    const auto params = params_in_order(*store);
    ASSERT_EQ(params.size(), 200u);
    EXPECT_EQ(params.front(), task("url0").params_json);
    EXPECT_EQ(params.back(), task("url199").params_json);
}

TEST(TaskStore, InsertManyRefusesAnInvalidStateBeforeAddingAnything) {
    test::TempDir dir;
    auto store = open_ok(dir / "tasks.db");
    ASSERT_TRUE(store);
    std::vector<TaskRecord> records{task("a"), task("b")};
    records[1].state = "sleeping";
    auto added = store->insert_many(std::move(records));
    ASSERT_TRUE(std::holds_alternative<Error>(added));
    EXPECT_EQ(std::get<Error>(added).reason, FailReason::Internal);
    EXPECT_TRUE(store->load_all().empty());
}

TEST(TaskStore, FullBatchIsCommittedWithoutWaitingForTheWindow) {
    test::TempDir dir;
    auto store = open_ok(dir / "tasks.db", {.batch_window = 60s, .batch_jobs = 100});
    ASSERT_TRUE(store);
    const TaskKey key = insert_ok(*store, task("{}"));
    const auto commits_before = store->commit_count();
    for (int i = 0; i < 100; ++i) store->increment_attempts(key);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (store->commit_count() == commits_before && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(store->commit_count() - commits_before, 1u);
    EXPECT_EQ(store->get(key)->attempts, 100);
}

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

TEST(TaskStore, DestructorCommitsWhatIsQueued) {
    test::TempDir dir;
    TaskKey key = 0;
    {
        auto store = open_ok(dir / "tasks.db", {.batch_window = 60s});
        ASSERT_TRUE(store);
        key = insert_ok(*store, task("{}"));
        store->update_state(key, "completed");
        store->update_output(key, "/x/y.mkv");
    }
    auto store = open_ok(dir / "tasks.db");
    ASSERT_TRUE(store);
    EXPECT_EQ(store->get(key)->state, "completed");
    EXPECT_EQ(store->get(key)->output_path, "/x/y.mkv");
}

TEST(TaskStore, RemoveAndClear) {
    test::TempDir dir;
    auto store = open_ok(dir / "tasks.db");
    ASSERT_TRUE(store);
    std::vector<TaskKey> keys;
    for (int i = 0; i < 6; ++i) keys.push_back(insert_ok(*store, task(std::to_string(i))));
    store->remove(keys[0]);
    store->update_state(keys[1], "completed");
    store->update_state(keys[2], "failed");
    store->update_state(keys[3], "completed");
    store->clear([](const TaskRecord& r) { return r.state == "completed"; });
    EXPECT_EQ(params_in_order(*store), (std::vector<std::string>{"2", "4", "5"}));
    store->clear();
    EXPECT_TRUE(store->load_all().empty());
    EXPECT_FALSE(store->flush());
}

TEST(TaskStore, ClearFilterThatThrowsIsReported) {
    test::TempDir dir;
    auto store = open_ok(dir / "tasks.db");
    ASSERT_TRUE(store);
    insert_ok(*store, task("a"));
    const TaskKey b = insert_ok(*store, task("b"));
    store->clear([](const TaskRecord& r) -> bool {
        if (r.params_json == "b") throw std::runtime_error("boom");
        return true;
    });
    store->update_state(b, "paused");  // the rest of the batch still commits
    const Error error = store->flush();
    EXPECT_EQ(error.reason, FailReason::Internal);
    EXPECT_NE(error.message.find("the filter threw: boom"), std::string::npos) << error.message;
    EXPECT_EQ(store->load_all().size(), 2u);
    EXPECT_EQ(store->get(b)->state, "paused");
    EXPECT_FALSE(store->flush());  // reported once
}

TEST(TaskStore, InvalidStatesAreRefused) {
    test::TempDir dir;
    auto store = open_ok(dir / "tasks.db");
    ASSERT_TRUE(store);
    TaskRecord bad = task("{}");
    bad.state = "running";
    auto inserted = store->insert(bad);
    ASSERT_TRUE(std::holds_alternative<Error>(inserted));
    EXPECT_EQ(std::get<Error>(inserted).message, "invalid task state 'running'");

    const TaskKey key = insert_ok(*store, task("{}"));
    store->update_state(key, "done");
    ASSERT_TRUE(store->last_error());
    EXPECT_EQ(store->last_error()->reason, FailReason::Internal);
    EXPECT_EQ(store->flush().message, "invalid task state 'done'");
    EXPECT_FALSE(store->last_error());
    EXPECT_EQ(store->get(key)->state, "queued");
    for (auto state : kTaskStates) EXPECT_TRUE(is_valid_task_state(state));
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

TEST(TaskStore, ManyThreadsWriteAndRead) {
    test::TempDir dir;
    auto store = open_ok(dir / "tasks.db", {.batch_window = 5ms});
    ASSERT_TRUE(store);
    std::atomic<bool> done{false};
    std::thread reader([&] {
        while (!done) {
            for (const auto& r : store->load_all()) EXPECT_TRUE(is_valid_task_state(r.state));
        }
    });
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
        writers.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                const TaskKey key = insert_ok(*store, task(std::to_string(t) + "/" + std::to_string(i)));
                for (int p = 0; p < 20; ++p) store->update_progress(key, p, 20);
                store->update_state(key, "completed");
            }
        });
    }
    for (auto& w : writers) w.join();
    done = true;
    reader.join();
    EXPECT_FALSE(store->flush());
    const auto all = store->load_all();
    ASSERT_EQ(all.size(), 100u);
    for (const auto& r : all) {
        EXPECT_EQ(r.state, "completed");
        EXPECT_EQ(r.done_bytes, 19);
    }
}

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
    ASSERT_FALSE(migrate_task_database(*db, path));  // nothing left to do
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
    EXPECT_EQ(store->path(), path);
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
