// What only the PostgreSQL store does: many workers on one queue, leases, the per-host
// budget across workers, notifications, reconnecting, schema versions, masked passwords.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "store/pg_conn.hpp"
#include "store/pg_schema.hpp"
#include "store/pg_sql.hpp"
#include "store/store_common.hpp"
#include "store/store_fixture.hpp"

namespace arina::store::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(PgLocator, TellsConnectionStringsFromPaths) {
    EXPECT_TRUE(TaskStore::is_postgres_locator("postgresql://u@db.example/arina"));
    EXPECT_TRUE(TaskStore::is_postgres_locator("postgres:///arina?host=/run/postgresql"));
    EXPECT_TRUE(TaskStore::is_postgres_locator("host=/tmp dbname=arina"));
    EXPECT_TRUE(TaskStore::is_postgres_locator("dbname = arina"));
    EXPECT_FALSE(TaskStore::is_postgres_locator("/home/u/.local/share/arina/tasks.db"));
    EXPECT_FALSE(TaskStore::is_postgres_locator("tasks.db"));
    EXPECT_FALSE(TaskStore::is_postgres_locator("./host=1.db"));
    EXPECT_FALSE(TaskStore::is_postgres_locator("weird=name.db"));
}

TEST(PgLocator, PasswordsAreMasked) {
    EXPECT_EQ(detail::mask_password("postgresql://arina:s3cret@db.example:5432/q"),
              "postgresql://arina:***@db.example:5432/q");
    EXPECT_EQ(detail::mask_password("postgresql://arina@db.example/q?password=s3cret&sslmode=require"),
              "postgresql://arina@db.example/q?password=***&sslmode=require");
    EXPECT_EQ(detail::mask_password("host=db user=arina password=s3cret dbname=q"),
              "host=db user=arina password=*** dbname=q");
    EXPECT_EQ(detail::mask_password("host=db password = 'two words' dbname=q"),
              "host=db password = *** dbname=q");
    EXPECT_EQ(detail::mask_password("postgresql://arina@db/q"), "postgresql://arina@db/q");
    EXPECT_EQ(detail::mask_password("host=db passfile=/x dbname=q"), "host=db passfile=/x dbname=q");
}

class PgStore : public PgTest {};

TEST_F(PgStore, BothConnectionStringFormsOpenTheSameQueue) {
    const std::string name = locator.substr(locator.rfind('=') + 1);
    auto by_keywords = open_ok(locator);
    ASSERT_TRUE(by_keywords);
    const TaskKey key = insert_ok(*by_keywords, task("x"));
    auto by_uri = open_ok(pg->uri(name));
    ASSERT_TRUE(by_uri);
    ASSERT_TRUE(by_uri->get(key));
    EXPECT_EQ(by_uri->get(key)->params_json, "x");
    EXPECT_TRUE(by_uri->shared());
}

TEST_F(PgStore, ConnectionErrorsNameTheDatabaseWithoutThePassword) {
    const std::string bad = pg->uri("no_such_db");
    const std::string with_password =
        "postgresql://arina:s3cret@" + bad.substr(std::string("postgresql://arina@").size());
    auto opened = TaskStore::open(with_password);
    ASSERT_TRUE(std::holds_alternative<Error>(opened));
    const auto& error = std::get<Error>(opened);
    EXPECT_EQ(error.reason, FailReason::Database);
    EXPECT_EQ(error.message.find("s3cret"), std::string::npos) << error.message;
    EXPECT_EQ(error.message.rfind("database postgresql://arina:***@/no_such_db?host=", 0), 0u)
        << error.message;
    EXPECT_NE(error.message.find(": cannot connect: "), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("\"no_such_db\" does not exist"), std::string::npos) << error.message;
}

TEST_F(PgStore, RefusesANewerSchema) {
    { ASSERT_TRUE(open_ok(locator)); }
    const std::string name = locator.substr(locator.rfind('=') + 1);
    ASSERT_EQ(pg->exec(name, "UPDATE arina_meta SET value = 99 WHERE key = 'schema_version'"), "");
    auto opened = TaskStore::open(locator);
    ASSERT_TRUE(std::holds_alternative<Error>(opened));
    EXPECT_EQ(std::get<Error>(opened).message, "database " + locator +
                                                   " was written by a newer arina (schema 99 > " +
                                                   std::to_string(pg::kPgSchemaVersion) + ")");
}

TEST_F(PgStore, WorkersStartingTogetherMigrateOnce) {
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int i = 0; i < 6; ++i)
        threads.emplace_back([&] {
            auto opened = TaskStore::open(locator);
            if (std::holds_alternative<Error>(opened)) ++failures;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
}

TEST_F(PgStore, ConcurrentWorkersNeverClaimTheSameTask) {
    {
        auto adder = open_ok(locator);
        ASSERT_TRUE(adder);
        std::vector<TaskRecord> records;
        for (int i = 0; i < 300; ++i) records.push_back(task(std::to_string(i), i % 3));
        ASSERT_TRUE(std::holds_alternative<std::vector<TaskKey>>(adder->insert_many(std::move(records))));
    }
    std::mutex mutex;
    std::multiset<TaskKey> claimed;
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w) {
        workers.emplace_back([&, w] {
            auto store = open_ok(locator, {.worker_name = "w" + std::to_string(w)});
            if (!store) return;
            while (auto claim = claim_ok(*store)) {
                store->update_state(claim->record.key, "completed");
                store->release(claim->record.key);
                std::lock_guard lk(mutex);
                claimed.insert(claim->record.key);
            }
        });
    }
    for (auto& w : workers) w.join();
    EXPECT_EQ(claimed.size(), 300u);
    EXPECT_EQ(std::set<TaskKey>(claimed.begin(), claimed.end()).size(), 300u);  // none twice
    auto check = open_ok(locator);
    for (const auto& r : check->load_all()) {
        EXPECT_EQ(r.state, "completed");
        EXPECT_EQ(r.worker, "");
    }
}

TEST_F(PgStore, AKilledWorkersTasksComeBackAfterItsLease) {
    {
        auto adder = open_ok(locator);
        ASSERT_TRUE(adder);
        insert_ok(*adder, task("a"));
        insert_ok(*adder, task("b"));
    }
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::close(ready[0]);
        char c = 'e';
        {
            auto opened = TaskStore::open(locator, {.worker_name = "doomed", .lease = 1500ms});
            if (auto* store = std::get_if<std::unique_ptr<TaskStore>>(&opened)) {
                auto a = (*store)->claim({});
                auto b = (*store)->claim({});
                const auto* ca = std::get_if<std::optional<Claim>>(&a);
                const auto* cb = std::get_if<std::optional<Claim>>(&b);
                if (ca && *ca && cb && *cb) c = 'r';
                [[maybe_unused]] auto n = ::write(ready[1], &c, 1);
                while (true) ::pause();  // until SIGKILL: no destructor gives the tasks back
            }
        }
        [[maybe_unused]] auto n = ::write(ready[1], &c, 1);
        ::_exit(1);
    }
    ::close(ready[1]);
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ::close(ready[0]);
    ASSERT_EQ(c, 'r');

    auto survivor = open_ok(locator, {.worker_name = "survivor", .lease = 1500ms});
    ASSERT_TRUE(survivor);
    EXPECT_FALSE(claim_ok(*survivor));  // both held by the living "doomed"
    for (const auto& r : survivor->load_all()) EXPECT_EQ(r.worker, "doomed");
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const auto killed_at = Clock::now();

    std::promise<void> woken;
    std::once_flag once;
    survivor->on_tasks_available([&] { std::call_once(once, [&] { woken.set_value(); }); });
    std::set<TaskKey> taken;
    const auto deadline = killed_at + 30s;
    while (taken.size() < 2 && Clock::now() < deadline) {
        if (auto claim = claim_ok(*survivor)) {
            EXPECT_EQ(claim->record.state, "extracting");
            taken.insert(claim->record.key);
        } else {
            std::this_thread::sleep_for(50ms);
        }
    }
    EXPECT_EQ(taken.size(), 2u);
    // The lease (1.5 s) plus one heartbeat of the survivor, with room for a loaded machine.
    EXPECT_LT(Clock::now() - killed_at, 15s);
    EXPECT_EQ(woken.get_future().wait_for(0s), std::future_status::ready);  // the reaper's NOTIFY
}

TEST_F(PgStore, AnAddedTaskWakesAnIdleWorker) {
    auto worker = open_ok(locator, {.worker_name = "idle"});
    ASSERT_TRUE(worker);
    std::promise<void> woken;
    std::atomic<bool> armed{false};
    std::once_flag once;
    worker->on_tasks_available([&] {
        if (armed) std::call_once(once, [&] { woken.set_value(); });
    });
    EXPECT_FALSE(claim_ok(*worker));     // registers and starts listening
    std::this_thread::sleep_for(300ms);  // the first wake after LISTEN is not the one we want
    armed = true;
    auto adder = open_ok(locator);
    insert_ok(*adder, task("new"));
    ASSERT_EQ(woken.get_future().wait_for(10s), std::future_status::ready);
    auto claim = claim_ok(*worker);
    ASSERT_TRUE(claim);
    EXPECT_EQ(claim->record.params_json, "new");
}

// A finished task on a busy queue wakes nobody (with eight workers, a notification per claim
// cost more than the claims); a task given back, or the end of the queue, wakes the others.
TEST_F(PgStore, ReleasesWakeTheOthersOnlyWhenItMattersToThem) {
    auto idle = open_ok(locator, {.worker_name = "idle"});
    ASSERT_TRUE(idle);
    std::atomic<int> wakes{0};
    idle->on_tasks_available([&] { ++wakes; });
    EXPECT_FALSE(claim_ok(*idle));       // registers and starts listening
    std::this_thread::sleep_for(300ms);  // the first wake after LISTEN is not the one we want
    auto adder = open_ok(locator);
    insert_ok(*adder, task("1"));
    insert_ok(*adder, task("2"));
    insert_ok(*adder, task("3"));
    const auto woken_by = [&](int before) {
        const auto deadline = Clock::now() + 10s;
        while (wakes.load() == before && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
        return wakes.load() > before;
    };
    ASSERT_TRUE(woken_by(0));  // the inserts
    std::this_thread::sleep_for(300ms);
    auto busy = open_ok(locator, {.worker_name = "busy"});
    ASSERT_TRUE(busy);

    auto first = claim_ok(*busy);
    ASSERT_TRUE(first);
    int before = wakes.load();
    busy->update_state(first->record.key, "completed");
    busy->release(first->record.key);
    ASSERT_FALSE(busy->flush());
    std::this_thread::sleep_for(1s);  // a notification would have arrived by now
    EXPECT_EQ(wakes.load(), before) << "a finished task woke the others while tasks were queued";

    auto second = claim_ok(*busy);
    ASSERT_TRUE(second);
    before = wakes.load();
    busy->release(second->record.key);  // given back unfinished: claimable again
    ASSERT_FALSE(busy->flush());
    EXPECT_TRUE(woken_by(before));

    // The last tasks: the queue ends, and a worker waiting for its end learns it at once.
    for (int i = 0; i < 2; ++i) {
        auto claim = claim_ok(*busy);
        ASSERT_TRUE(claim);
        before = wakes.load();
        busy->update_state(claim->record.key, "completed");
        busy->release(claim->record.key);
        ASSERT_FALSE(busy->flush());
    }
    EXPECT_TRUE(woken_by(before));
    const auto deadline = Clock::now() + 10s;
    while (idle->has_pending() && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
    EXPECT_FALSE(idle->has_pending());
    const auto listed = adder->workers();
    const auto it =
        std::find_if(listed.begin(), listed.end(), [](const auto& w) { return w.name == "busy"; });
    ASSERT_NE(it, listed.end());
    EXPECT_EQ(it->completed, 3);
}

/// The server process of this database whose session last ran a statement starting with
/// `prefix` (pg_stat_activity shows each session's last statement): 0 when none, -1 when several.
std::int64_t session_that_ran(pg::Connection& admin, const std::string& prefix) {
    auto r = admin.run("last_ran",
                       "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid() AND starts_with(query, $1)",
                       {prefix});
    EXPECT_TRUE(r.ok()) << r.message();
    if (r.rows() > 1) return -1;
    return r.rows() == 1 ? r.int64(0, 0) : 0;
}

TEST_F(PgStore, AWaitedForFinishRunsOnTheClaimSessionAndProgressStaysWithTheWriter) {
    auto store = open_ok(locator, {.worker_name = "w"});
    ASSERT_TRUE(store);
    insert_ok(*store, task("1"));
    insert_ok(*store, task("2"));
    std::string error;
    auto admin = pg::Connection::connect(locator, error);
    ASSERT_TRUE(admin) << error;

    auto first = claim_ok(*store);
    ASSERT_TRUE(first);
    store->update_state(first->record.key, "completed");
    store->release(first->record.key);
    ASSERT_FALSE(store->flush());
    const std::int64_t finished_on = session_that_ran(*admin, "WITH task AS (UPDATE arina_tasks SET state");
    ASSERT_GT(finished_on, 0);
    auto second = claim_ok(*store);
    ASSERT_TRUE(second);
    // The finish and the next claim: one server session (the waiting caller committed over
    // its claim connection, not through the writer thread's).
    EXPECT_EQ(session_that_ran(*admin, "WITH next AS (SELECT key FROM arina_tasks"), finished_on);
    const auto done = store->get(first->record.key);
    ASSERT_TRUE(done);
    EXPECT_EQ(done->state, "completed");
    EXPECT_EQ(done->worker, "");

    // Progress nobody waits for is committed by the writer thread, on its own session, within
    // the batch window: another worker sees it without this one flushing.
    store->update_progress(second->record.key, 123, 456);
    auto other = open_ok(locator, {.worker_name = "other"});
    ASSERT_TRUE(other);
    const auto deadline = Clock::now() + 10s;
    while (other->get(second->record.key)->done_bytes != 123 && Clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    EXPECT_EQ(other->get(second->record.key)->done_bytes, 123);
    const std::int64_t progressed_on = session_that_ran(*admin, "UPDATE arina_tasks SET done_bytes");
    EXPECT_GT(progressed_on, 0);
    EXPECT_NE(progressed_on, finished_on);
}

TEST_F(PgStore, AStoreThatDoesNotClaimCommitsWhatItWaitsForOverItsOneWriterSession) {
    auto store = open_ok(locator);  // as `arina queue pause` opens it: no claims
    ASSERT_TRUE(store);
    const TaskKey key = insert_ok(*store, task("1"));
    store->update_state(key, "paused");
    ASSERT_FALSE(store->flush());
    std::string error;
    auto admin = pg::Connection::connect(locator, error);
    ASSERT_TRUE(admin) << error;
    auto sessions = admin->exec(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
        "pg_backend_pid()");
    ASSERT_TRUE(sessions.ok()) << sessions.message();
    EXPECT_EQ(sessions.int64(0, 0), 1);  // no claim connection opened just to commit
    EXPECT_GT(session_that_ran(*admin, "UPDATE arina_tasks SET state"), 0);
    EXPECT_EQ(store->get(key)->state, "paused");
}

TEST_F(PgStore, FencedWritesFindTheirTaskByKeyAndTheEmptyQueueCheckReadsTheClaimableIndex) {
    // A queue of 20 000 tasks, 2 000 of them finished, statistics up to date.
    const std::string name = locator.substr(locator.rfind('=') + 1);
    { ASSERT_TRUE(open_ok(locator)); }  // the schema
    ASSERT_EQ(pg->exec(name,
                       "INSERT INTO arina_tasks (params_json, state, position, created_at, updated_at) "
                       "SELECT '{}', CASE WHEN g <= 2000 THEN 'completed' ELSE 'queued' END, "
                       "nextval('arina_task_position'), 0, 0 FROM generate_series(1, 20000) g"),
              "");
    ASSERT_EQ(pg->exec(name, "VACUUM ANALYZE arina_tasks"), "");
    std::string error;
    auto db = pg::Connection::connect(locator, error);
    ASSERT_TRUE(db) << error;
    // Prepared statements switch to the generic plan after five runs: that is the one to check.
    ASSERT_TRUE(db->exec("SET plan_cache_mode = force_generic_plan").ok());
    const struct {
        const char* name;
        const char* sql;
        const char* args;
        bool by_key, empty_check;
    } statements[] = {
        {"finish", pg::sql::kFinish, "(5000, '', '', 0, 1)", true, true},
        {"set_completed", pg::sql::kSetCompleted, "(5000, '', '', 0, 1)", true, false},
        {"release", pg::sql::kRelease, "(5000, 0, 1)", true, true},
        {"has_pending", pg::sql::kHasPending, "", false, true},
    };
    for (const auto& s : statements) {
        ASSERT_TRUE(db->exec(("PREPARE " + std::string(s.name) + " AS " + s.sql).c_str()).ok()) << s.name;
        auto plan = db->exec(("EXPLAIN (COSTS OFF) EXECUTE " + std::string(s.name) + s.args).c_str());
        ASSERT_TRUE(plan.ok()) << s.name << ": " << plan.message();
        std::string text;
        for (int i = 0; i < plan.rows(); ++i) text += plan.text(i, 0) + "\n";
        EXPECT_EQ(text.find("Seq Scan on arina_tasks"), std::string::npos) << s.name << ":\n" << text;
        if (s.by_key) {
            // Not the index of held tasks, which keeps an entry per task claimed since the last vacuum.
            EXPECT_EQ(text.find("arina_tasks_held"), std::string::npos) << s.name << ":\n" << text;
            EXPECT_NE(text.find("arina_tasks_pkey"), std::string::npos) << s.name << ":\n" << text;
        }
        if (s.empty_check) {
            EXPECT_NE(text.find("arina_tasks_claimable"), std::string::npos) << s.name << ":\n" << text;
        }
    }
}

TEST_F(PgStore, TheHostBudgetIsSharedByTheWorkers) {
    auto adder = open_ok(locator);
    ASSERT_TRUE(adder);
    for (int i = 0; i < 4; ++i) insert_ok(*adder, task("h" + std::to_string(i), 1, "h.example"));
    const TaskKey other = insert_ok(*adder, task("g", 0, "g.example"));
    auto a = open_ok(locator, {.worker_name = "a"});
    auto b = open_ok(locator, {.worker_name = "b"});
    auto c = open_ok(locator, {.worker_name = "c"});
    const ClaimRequest ask{.connections = 2, .host_budget = 3};
    auto ca = claim_ok(*a, ask);
    ASSERT_TRUE(ca);
    EXPECT_EQ(ca->record.host, "h.example");
    EXPECT_EQ(ca->connections, 2);
    auto cb = claim_ok(*b, ask);
    ASSERT_TRUE(cb);
    EXPECT_EQ(cb->record.host, "h.example");
    EXPECT_EQ(cb->connections, 1);  // what is left of h's budget
    auto cc = claim_ok(*c, ask);    // h is full: the next host's task instead
    ASSERT_TRUE(cc);
    EXPECT_EQ(cc->record.key, other);
    EXPECT_EQ(cc->connections, 2);
    // A finished task's slots stay with its worker (its idle connections still count) ...
    a->update_state(ca->record.key, "completed");
    a->release(ca->record.key);
    ASSERT_FALSE(a->flush());
    EXPECT_FALSE(claim_ok(*c, ask));
    // ... and serve that worker's next task of the host.
    auto again = claim_ok(*a, ask);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->record.host, "h.example");
    EXPECT_EQ(again->connections, 2);
    // A worker that leaves gives its slots back.
    a.reset();
    auto after = claim_ok(*c, ask);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->record.host, "h.example");
    EXPECT_EQ(after->connections, 2);
}

TEST_F(PgStore, WorkersAreListedWithTheirTasks) {
    auto adder = open_ok(locator);
    insert_ok(*adder, task("1"));
    insert_ok(*adder, task("2"));
    auto alpha = open_ok(locator, {.worker_name = "alpha"});
    ASSERT_TRUE(claim_ok(*alpha));
    ASSERT_TRUE(claim_ok(*alpha));
    auto beta = open_ok(locator, {.worker_name = "beta"});
    EXPECT_FALSE(claim_ok(*beta));
    const auto workers = adder->workers();
    ASSERT_EQ(workers.size(), 2u);
    EXPECT_EQ(workers[0].name, "alpha");
    EXPECT_EQ(workers[0].running, 2);
    EXPECT_EQ(workers[1].name, "beta");
    EXPECT_EQ(workers[1].running, 0);
    EXPECT_GT(workers[0].heartbeat_at, 0);
    beta.reset();  // a worker that stops leaves the list at once
    EXPECT_EQ(adder->workers().size(), 1u);
}

TEST_F(PgStore, WritesCarryOnAfterTheServerRestarts) {
    auto store = open_ok(locator, {.retry_delay = 100ms});
    ASSERT_TRUE(store);
    const TaskKey key = insert_ok(*store, task("{}"));
    ASSERT_TRUE(pg->stop());
    store->update_state(key, "paused");
    const Error down = store->flush();
    EXPECT_EQ(down.reason, FailReason::Database);
    EXPECT_EQ(down.message.rfind("cannot write to database " + locator + ": ", 0), 0u) << down.message;
    std::string why;
    ASSERT_TRUE(pg->start(why)) << why;
    // The kept job is committed by the next attempt on a new connection.
    store->flush();
    EXPECT_FALSE(store->flush());
    ASSERT_TRUE(store->get(key));
    EXPECT_EQ(store->get(key)->state, "paused");
    EXPECT_EQ(insert_ok(*store, task("after")), key + 1);
}

TEST_F(PgStore, AWorkerCutOffForItsLeaseGivesUpItsTasks) {
    auto adder = open_ok(locator);
    const TaskKey key = insert_ok(*adder, task("{}"));
    adder.reset();
    auto worker = open_ok(locator, {.worker_name = "cut", .lease = 1500ms});
    ASSERT_TRUE(worker);
    std::promise<std::vector<TaskKey>> lost;
    std::once_flag once;
    worker->on_claims_lost(
        [&](std::vector<TaskKey> keys) { std::call_once(once, [&] { lost.set_value(keys); }); });
    ASSERT_TRUE(claim_ok(*worker));
    ASSERT_TRUE(pg->stop());
    auto lost_future = lost.get_future();
    ASSERT_EQ(lost_future.wait_for(20s), std::future_status::ready);
    EXPECT_EQ(lost_future.get(), std::vector<TaskKey>{key});
    worker->update_progress(key, 123, 456);  // too late: dropped
    std::string why;
    ASSERT_TRUE(pg->start(why)) << why;
    auto other = open_ok(locator, {.worker_name = "other", .lease = 1500ms});
    std::optional<Claim> taken;
    const auto deadline = Clock::now() + 30s;
    while (!taken && Clock::now() < deadline) {
        taken = claim_ok(*other);
        if (!taken) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(taken);
    EXPECT_EQ(taken->record.key, key);
    worker->flush();
    EXPECT_EQ(other->get(key)->done_bytes, 0);
    EXPECT_EQ(other->get(key)->worker, "other");
}

}  // namespace
}  // namespace arina::store::testing
