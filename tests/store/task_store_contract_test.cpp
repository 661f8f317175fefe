// What every task store back end promises (task_store.hpp), checked against each.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "store/store_fixture.hpp"

namespace arina::store::testing {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> params_in_order(const TaskStore& store) {
    std::vector<std::string> out;
    for (const auto& r : store.load_all()) out.push_back(r.params_json);
    return out;
}

// ---- Records and ordering ----------------------------------------------------------------

TEST_P(StoreContract, RoundTripsEveryField) {
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
    r.host = "example.com:8443";
    TaskKey key = 0;
    {
        auto store = open();
        ASSERT_TRUE(store);
        key = insert_ok(*store, r);
        ASSERT_GT(key, 0);
    }
    auto store = open();
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

TEST_P(StoreContract, InsertFillsInTheDefaults) {
    auto store = open();
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
    EXPECT_EQ(ra->worker, "");
    EXPECT_LT(ra->position, rb->position);
    EXPECT_LT(a, b);
}

TEST_P(StoreContract, KeysAreNeverReused) {
    TaskKey first = 0;
    {
        auto store = open();
        ASSERT_TRUE(store);
        first = insert_ok(*store, task("a"));
        store->remove(first);
        ASSERT_FALSE(store->flush());
    }
    auto store = open();
    ASSERT_TRUE(store);
    EXPECT_GT(insert_ok(*store, task("b")), first);
}

TEST_P(StoreContract, OrdersByPriorityThenPosition) {
    auto store = open();
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

TEST_P(StoreContract, QueuedUpdatesAreVisibleToReads) {
    // A long window: the reads below must not depend on the writer having woken up.
    auto store = open({.batch_window = 10s});
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

TEST_P(StoreContract, WritesToUnknownKeysChangeNothing) {
    auto store = open();
    ASSERT_TRUE(store);
    const TaskKey key = insert_ok(*store, task("{}"));
    store->update_state(key + 1, "paused");
    store->update_progress(key + 1, 1, 2);
    store->remove(key + 1);
    store->release(key + 1);
    EXPECT_FALSE(store->flush());
    ASSERT_EQ(store->load_all().size(), 1u);
    EXPECT_EQ(store->get(key)->state, "queued");
}

// ---- Batching ----------------------------------------------------------------------------

TEST_P(StoreContract, ProgressUpdatesCoalesce) {
    auto store = open({.batch_window = 200ms});
    ASSERT_TRUE(store);
    const TaskKey key = insert_ok(*store, task("{}"));
    const auto commits_before = store->commit_count();
    for (int i = 1; i <= 1000; ++i) store->update_progress(key, i, 1000);
    ASSERT_FALSE(store->flush());
    // Usually one transaction; a slow machine may split the loop across two windows.
    EXPECT_LE(store->commit_count() - commits_before, 3u);
    EXPECT_EQ(store->get(key)->done_bytes, 1000);
}

TEST_P(StoreContract, BurstOfJobsIsOneTransaction) {
    auto store = open({.batch_window = 10s});
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

TEST_P(StoreContract, InsertManyCommitsEveryTaskInOneTransactionInOrder) {
    auto store = open();
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
    EXPECT_EQ(params.front(), "url0");
    EXPECT_EQ(params.back(), "url199");
}

TEST_P(StoreContract, InsertManyRefusesAnInvalidStateBeforeAddingAnything) {
    auto store = open();
    ASSERT_TRUE(store);
    std::vector<TaskRecord> records{task("a"), task("b")};
    records[1].state = "sleeping";
    auto added = store->insert_many(std::move(records));
    ASSERT_TRUE(std::holds_alternative<Error>(added));
    EXPECT_EQ(std::get<Error>(added).reason, FailReason::Internal);
    EXPECT_TRUE(store->load_all().empty());
}

TEST_P(StoreContract, FullBatchIsCommittedWithoutWaitingForTheWindow) {
    auto store = open({.batch_window = 60s, .batch_jobs = 100});
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

// ---- Durability, removal --------------------------------------------------------------------

TEST_P(StoreContract, FlushedWritesSurviveReopening) {
    std::vector<TaskKey> keys;
    {
        auto store = open();
        ASSERT_TRUE(store);
        for (int i = 0; i < 20; ++i) keys.push_back(insert_ok(*store, task(std::to_string(i))));
        for (std::size_t i = 0; i < keys.size(); ++i) {
            store->update_state(keys[i], i % 2 ? "completed" : "paused");
            store->update_progress(keys[i], static_cast<std::int64_t>(i), 100);
        }
        ASSERT_FALSE(store->flush());
    }
    auto store = open();
    ASSERT_TRUE(store);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        auto r = store->get(keys[i]);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->state, i % 2 ? "completed" : "paused");
        EXPECT_EQ(r->done_bytes, static_cast<std::int64_t>(i));
    }
}

TEST_P(StoreContract, DestructorCommitsWhatIsQueued) {
    TaskKey key = 0;
    {
        auto store = open({.batch_window = 60s});
        ASSERT_TRUE(store);
        key = insert_ok(*store, task("{}"));
        store->update_state(key, "completed");
        store->update_output(key, "/x/y.mkv");
    }
    auto store = open();
    ASSERT_TRUE(store);
    EXPECT_EQ(store->get(key)->state, "completed");
    EXPECT_EQ(store->get(key)->output_path, "/x/y.mkv");
}

TEST_P(StoreContract, RemoveAndClear) {
    auto store = open();
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

TEST_P(StoreContract, ClearFilterThatThrowsIsReported) {
    auto store = open();
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

TEST_P(StoreContract, InvalidStatesAreRefused) {
    auto store = open();
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

// ---- Concurrency -----------------------------------------------------------------------------

TEST_P(StoreContract, ManyThreadsWriteAndRead) {
    auto store = open({.batch_window = 5ms});
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

// ---- Claims ----------------------------------------------------------------------------------

TEST_P(StoreContract, ClaimTakesTheBestQueuedTaskOnce) {
    auto store = open({.worker_name = "w1"});
    ASSERT_TRUE(store);
    const TaskKey low = insert_ok(*store, task("low", 0));
    const TaskKey high1 = insert_ok(*store, task("high1", 5));
    TaskRecord paused = task("paused", 9);
    paused.state = "paused";
    insert_ok(*store, paused);
    const TaskKey high2 = insert_ok(*store, task("high2", 5));

    std::vector<TaskKey> order;
    while (auto claim = claim_ok(*store)) {
        EXPECT_EQ(claim->record.state, "extracting");
        EXPECT_EQ(claim->record.worker, "w1");
        EXPECT_EQ(claim->connections, 1);
        order.push_back(claim->record.key);
        ASSERT_LE(order.size(), 3u);
    }
    EXPECT_EQ(order, (std::vector<TaskKey>{high1, high2, low}));
    auto held = store->get(high1);
    ASSERT_TRUE(held);
    EXPECT_EQ(held->state, "extracting");
    EXPECT_EQ(held->worker, "w1");
}

TEST_P(StoreContract, HeldTasksWaitForTheirReleaseToBeClaimedAgain) {
    auto store = open();
    ASSERT_TRUE(store);
    const TaskKey key = insert_ok(*store, task("{}"));
    auto first = claim_ok(*store, {.connections = 3});
    ASSERT_TRUE(first);
    EXPECT_EQ(first->connections, 3);
    // Waiting for a retry: queued, but still held.
    store->update_state(key, "queued");
    EXPECT_FALSE(claim_ok(*store));
    EXPECT_TRUE(store->has_pending());
    store->release(key);
    auto again = claim_ok(*store);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->record.key, key);
    store->update_state(key, "completed");
    store->release(key);
    EXPECT_FALSE(claim_ok(*store));
    EXPECT_EQ(store->get(key)->worker, "");
}

TEST_P(StoreContract, HasPendingFollowsTheQueue) {
    auto store = open();
    ASSERT_TRUE(store);
    EXPECT_FALSE(store->has_pending());
    TaskRecord done = task("done");
    done.state = "completed";
    insert_ok(*store, done);
    EXPECT_FALSE(store->has_pending());
    const TaskKey key = insert_ok(*store, task("{}"));
    EXPECT_TRUE(store->has_pending());
    ASSERT_TRUE(claim_ok(*store));
    EXPECT_TRUE(store->has_pending());
    store->update_state(key, "completed");
    store->release(key);
    ASSERT_FALSE(store->flush());
    // A shared queue's answer is refreshed by notifications: give it a moment.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (store->has_pending() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    EXPECT_FALSE(store->has_pending());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         backend_name);

}  // namespace
}  // namespace arina::store::testing
