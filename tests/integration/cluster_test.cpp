// Many `arina run` workers on one PostgreSQL queue: every task done once, the per-host
// budget kept across the cluster, a killed worker's tasks taken over, a restarted
// database survived. The database is the test process's throwaway server
// (support/pg_server.hpp); the tests are skipped, with the reason, when it cannot start.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "download_fixture.hpp"
#include "store/task_store.hpp"
#include "support/pg_server.hpp"

namespace arina::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kFiles = 300;
constexpr std::int64_t kFileSize = 256 * 1024;
constexpr std::int64_t kChunk = 64 * 1024;
constexpr int kBudget = 6;  // connections to the one host, for the whole cluster

class ClusterTest : public DownloadTest {
  protected:
    void SetUp() override {
        std::string why;
        pg = PgServer::get(why);
        if (pg == nullptr) GTEST_SKIP() << "PostgreSQL could not be started: " << why;
        const std::string conninfo = pg->create_database();
        ASSERT_FALSE(conninfo.empty());
        queue = pg->uri(conninfo.substr(conninfo.rfind('=') + 1));
        // Small files at 2 MiB/s per connection: a few seconds for the lot. Some fail
        // once (cut mid-body, or 503) and must be retried without being fetched twice.
        std::vector<std::string> urls;
        for (int i = 0; i < kFiles; ++i) {
            const std::string path = "/f" + std::to_string(i) + ".bin";
            bodies[path] = random_bytes(static_cast<std::size_t>(kFileSize), static_cast<unsigned>(1000 + i));
            testing::Faults faults{.rate_bytes_per_sec = 2.0 * 1024 * 1024};
            if (i % 7 == 3) faults.drop_after_bytes = 20000, faults.drop_first_requests = 1;
            if (i % 11 == 5) faults.error_status = 503, faults.error_first_requests = 1;
            server.serve_bytes(path, bodies[path], faults);
            urls.push_back(server.url(path));
        }
        write_file(dir / "urls.txt", [&] {
            std::string text;
            for (const auto& u : urls) text += u + "\n";
            return text;
        }());
        const auto added = run_program({ARINA_BIN, "queue", "add", "--queue-db", queue, "-P",
                                        (dir / "out").string(), "-a", (dir / "urls.txt").string()});
        ASSERT_EQ(added.exit_code, 0) << added.output;
    }

    std::unique_ptr<Child> start_worker(const std::string& name) {
        return std::make_unique<Child>(
            std::vector<std::string>{ARINA_BIN, "run", "--queue-db", queue, "--worker", name, "--max-workers",
                                     "2", "-N", "2", "--max-connections-per-host", std::to_string(kBudget),
                                     "--http-chunk-size", "64K", "--retry-sleep", "exp=0.05:0.2",
                                     "--progress", "none"},
            dir / (name + ".log"));
    }

    /// Waits for a worker to exit on its own (it does once the queue is done).
    int wait_for(Child& child, std::chrono::seconds limit) {
        const auto deadline = Clock::now() + limit;
        while (!child.exited() && Clock::now() < deadline) std::this_thread::sleep_for(50ms);
        if (!child.exited()) child.kill(SIGKILL);
        return child.wait();
    }

    std::unique_ptr<store::TaskStore> open_queue() {
        auto opened = store::TaskStore::open(queue);
        if (auto* error = std::get_if<Error>(&opened)) {
            ADD_FAILURE() << error->message;
            return nullptr;
        }
        return std::move(std::get<std::unique_ptr<store::TaskStore>>(opened));
    }

    /// Every file is there with the right bytes, no file was fetched twice, and the
    /// budget held; every task is completed and held by nobody.
    void expect_all_done_once(const std::set<std::string>& killed_paths = {}) {
        EXPECT_TRUE(server.wait_until_idle());
        int wrong = 0;
        for (const auto& [path, body] : bodies) {
            const auto sha = sha256_file_hex(dir / "out" / path.substr(1));
            if (sha != sha256_hex(body)) ++wrong;
            // Retries re-fetch only what was not on disk: at most 1.15x plus one chunk. A
            // killed worker's files also lose what its sidecar (saved every second) had
            // not recorded yet: at worst, these small files come again once.
            const std::int64_t bound =
                killed_paths.count(path) ? 2 * kFileSize + kChunk : kFileSize * 115 / 100 + kChunk;
            EXPECT_LE(server.body_bytes_sent(path), bound) << path;
        }
        EXPECT_EQ(wrong, 0);
        EXPECT_LE(server.max_concurrent_connections(), kBudget);
        auto store = open_queue();
        ASSERT_TRUE(store);
        const auto tasks = store->load_all();
        ASSERT_EQ(tasks.size(), static_cast<std::size_t>(kFiles));
        int completed = 0;
        for (const auto& t : tasks) {
            completed += t.state == "completed";
            EXPECT_EQ(t.worker, "") << t.key;
        }
        EXPECT_EQ(completed, kFiles);
    }

    PgServer* pg = nullptr;
    std::string queue;
    std::map<std::string, std::string> bodies;
};

TEST_F(ClusterTest, ThreeWorkersShareTheQueueAndTheHostBudget) {
    auto a = start_worker("alpha");
    auto b = start_worker("beta");
    auto c = start_worker("gamma");
    EXPECT_EQ(wait_for(*a, 240s), 0) << read_file(dir / "alpha.log");
    EXPECT_EQ(wait_for(*b, 240s), 0) << read_file(dir / "beta.log");
    EXPECT_EQ(wait_for(*c, 240s), 0) << read_file(dir / "gamma.log");
    expect_all_done_once();
    const auto listed = run_program({ARINA_BIN, "queue", "workers", "--queue-db", queue});
    EXPECT_EQ(listed.exit_code, 0) << listed.output;
    EXPECT_NE(listed.output.find("WORKER"), std::string::npos) << listed.output;
    EXPECT_EQ(listed.output.find("alpha"), std::string::npos) << listed.output;  // gone when done
}

TEST_F(ClusterTest, AKilledWorkersTasksAreFinishedByTheOthersAndARestartedDatabaseIsSurvived) {
    auto a = start_worker("alpha");
    auto b = start_worker("beta");
    auto c = start_worker("gamma");
    auto store = open_queue();
    ASSERT_TRUE(store);
    // Kill alpha while it holds running tasks, with work left for everybody.
    // A claim is committed at once ("extracting", held by the worker); "downloading" comes with
    // the worker's next batch of writes, which a task of these small files can outlast: either
    // state is a task alpha runs.
    std::vector<store::TaskKey> held_by_alpha;
    int completed = 0;
    const auto deadline = Clock::now() + 60s;
    while (held_by_alpha.empty() && Clock::now() < deadline) {
        completed = 0;
        std::vector<store::TaskKey> held;
        for (const auto& t : store->load_all()) {
            completed += t.state == "completed";
            if (t.worker == "alpha" && (t.state == "extracting" || t.state == "downloading"))
                held.push_back(t.key);
        }
        if (completed >= 20 && !held.empty())
            held_by_alpha = held;
        else
            std::this_thread::sleep_for(20ms);
    }
    ASSERT_FALSE(held_by_alpha.empty()) << "alpha never ran a task; " << completed << " completed\n"
                                        << read_file(dir / "alpha.log");
    a->kill(SIGKILL);
    EXPECT_EQ(a->wait(), 128 + SIGKILL);
    // What it held at its death (frozen until its lease runs out, 15 s).
    std::set<std::string> killed_paths;
    for (const auto& t : store->load_all()) {
        if (t.worker != "alpha") continue;
        const auto url = t.params_json.substr(t.params_json.find("/f"));
        killed_paths.insert(url.substr(0, url.find(".bin") + 4));
    }
    EXPECT_FALSE(killed_paths.empty());
    const auto listed = run_program({ARINA_BIN, "queue", "list", "--queue-db", queue});
    EXPECT_NE(listed.output.find(" alpha "), std::string::npos) << "the dead worker still holds its tasks";

    // The database goes away for a moment; the workers reconnect and carry on.
    store.reset();
    ASSERT_TRUE(pg->stop());
    std::this_thread::sleep_for(1s);
    std::string why;
    ASSERT_TRUE(pg->start(why)) << why;

    EXPECT_EQ(wait_for(*b, 240s), 0) << read_file(dir / "beta.log");
    EXPECT_EQ(wait_for(*c, 240s), 0) << read_file(dir / "gamma.log");
    expect_all_done_once(killed_paths);
}

}  // namespace
}  // namespace arina::test
