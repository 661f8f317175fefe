// The task store under kill -9: a child process adds tasks and hammers them with
// updates until it is killed at a random moment; the parent reopens the database
// and checks that nothing committed was lost, nothing was added twice, and the file
// is intact. Several rounds on the same file, so later rounds also start from a
// database (and WAL) left behind by a killed process.

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "store/task_store.hpp"
#include "support/test_support.hpp"

namespace arina::store {
namespace {

using namespace std::chrono_literals;

constexpr int kRounds = 5;
constexpr int kTasksPerRound = 200;

void say(int fd, const std::string& line) {
    // One write per line, shorter than PIPE_BUF: lines never interleave or tear.
    [[maybe_unused]] auto n = ::write(fd, line.data(), line.size());
}

std::string params_for(int n) {
    return "{\"n\":" + std::to_string(n) + "}";
}

/// The child: never returns. Reports "I <key> <n>" once an insert has returned and
/// "C <key>" once a task's "completed" state has been flushed.
[[noreturn]] void run_child(const std::filesystem::path& path, int round, unsigned seed, int out) {
    auto opened = TaskStore::open(path, {.batch_window = 2ms});
    if (auto* error = std::get_if<Error>(&opened)) {
        say(out, "E " + error->message + "\n");
        ::_exit(2);
    }
    auto& store = *std::get<std::unique_ptr<TaskStore>>(opened);
    std::mt19937 rng(seed);
    std::vector<TaskKey> live;
    auto hammer = [&](int times) {
        static constexpr const char* kBusy[] = {"queued",          "extracting", "downloading",
                                                "post-processing", "paused",     "failed"};
        for (int i = 0; i < times && !live.empty(); ++i) {
            const std::size_t pick = rng() % live.size();
            const TaskKey key = live[pick];
            const std::int64_t total = 1'000'000;
            switch (rng() % 8) {
                case 0:
                    store.update_state(key, kBusy[rng() % std::size(kBusy)], "network", "connection reset");
                    break;
                case 1:
                    store.update_resume(key, "{\"done\":" + std::to_string(rng() % total) + "}");
                    break;
                case 2:
                    store.increment_attempts(key);
                    break;
                case 3:
                    if (rng() % 20 == 0) {
                        store.update_state(key, "completed");
                        if (!store.flush()) {
                            say(out, "C " + std::to_string(key) + "\n");
                            live.erase(live.begin() + static_cast<std::ptrdiff_t>(pick));
                        }
                    }
                    break;
                default:
                    store.update_progress(key, static_cast<std::int64_t>(rng() % total), total);
                    break;
            }
        }
    };
    for (int i = 0; i < kTasksPerRound; ++i) {
        const int n = round * 1000 + i;
        TaskRecord record;
        record.params_json = params_for(n);
        auto inserted = store.insert(record);
        if (auto* error = std::get_if<Error>(&inserted)) {
            say(out, "E " + error->message + "\n");
            ::_exit(3);
        }
        const TaskKey key = std::get<TaskKey>(inserted);
        say(out, "I " + std::to_string(key) + " " + std::to_string(n) + "\n");
        live.push_back(key);
        hammer(20);
    }
    while (true) hammer(1000);
}

struct ChildReport {
    std::map<TaskKey, int> inserted;  // key -> n
    std::set<TaskKey> completed;
    std::string errors;
};

void parse(const std::string& text, ChildReport& report) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream in(line);
        std::string tag;
        in >> tag;
        if (tag == "I") {
            TaskKey key = 0;
            int n = 0;
            in >> key >> n;
            report.inserted[key] = n;
        } else if (tag == "C") {
            TaskKey key = 0;
            in >> key;
            report.completed.insert(key);
        } else {
            report.errors += line + "\n";
        }
    }
}

/// Runs one child, kills it with SIGKILL after `delay`, returns what it reported.
std::string run_and_kill(const std::filesystem::path& path, int round, unsigned seed,
                         std::chrono::milliseconds delay, int& exit_status) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::close(fds[0]);
        run_child(path, round, seed, fds[1]);
    }
    ::close(fds[1]);
    std::string text;
    char buf[4096];
    const auto deadline = std::chrono::steady_clock::now() + delay;
    bool killed = false;
    while (true) {
        const auto now = std::chrono::steady_clock::now();
        if (!killed && now >= deadline) {
            ::kill(pid, SIGKILL);
            killed = true;
        }
        const auto wait_ms =
            killed ? 1000
                   : std::max<long>(
                         1, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count());
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(wait_ms)) > 0) {
            const ssize_t n = ::read(fds[0], buf, sizeof buf);
            if (n > 0) {
                text.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n == 0) break;  // the child is gone: all its output is read
        }
    }
    ::close(fds[0]);
    if (!killed) ::kill(pid, SIGKILL);  // it ended by itself (an error it reported)
    int status = 0;
    ::waitpid(pid, &status, 0);
    exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return text;
}

std::string integrity_check(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    std::string result = "cannot open";
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW) {
            result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        } else {
            result = sqlite3_errmsg(db);
        }
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return result;
}

TEST(TaskStoreCrash, KillNineLosesNothingCommitted) {
    test::TempDir dir;
    const auto path = dir / "tasks.db";
    unsigned seed = 20240611;
    if (const char* env = std::getenv("ARINA_CRASH_SEED"))
        seed = static_cast<unsigned>(std::strtoul(env, nullptr, 10));
    std::mt19937 rng(seed);
    SCOPED_TRACE("ARINA_CRASH_SEED=" + std::to_string(seed));

    std::map<TaskKey, int> inserted;  // every insert a child saw return, all rounds
    std::set<TaskKey> completed;
    for (int round = 0; round < kRounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        // Short delays kill during the inserts, long ones during the update storm.
        const auto delay = std::chrono::milliseconds(round % 2 == 0 ? 30 + rng() % 400 : 800 + rng() % 1200);
        int exit_status = 0;
        const std::string text = run_and_kill(path, round, static_cast<unsigned>(rng()), delay, exit_status);
        ChildReport report;
        parse(text, report);
        ASSERT_EQ(report.errors, "");
        EXPECT_EQ(exit_status, 128 + SIGKILL);
        for (auto [key, n] : report.inserted)
            EXPECT_TRUE(inserted.emplace(key, n).second) << "key reused " << key;
        completed.insert(report.completed.begin(), report.completed.end());

        // The file is intact, even before the store looks at it (this recovers the WAL).
        ASSERT_EQ(integrity_check(path), "ok");

        auto opened = TaskStore::open(path);
        ASSERT_TRUE(std::holds_alternative<std::unique_ptr<TaskStore>>(opened))
            << std::get<Error>(opened).message;
        auto& store = *std::get<std::unique_ptr<TaskStore>>(opened);
        const auto all = store.load_all();

        std::map<TaskKey, const TaskRecord*> by_key;
        std::set<std::string> params_seen;
        for (const auto& r : all) {
            EXPECT_TRUE(by_key.emplace(r.key, &r).second) << "duplicate key " << r.key;
            EXPECT_TRUE(params_seen.insert(r.params_json).second) << "task added twice: " << r.params_json;
            EXPECT_TRUE(is_valid_task_state(r.state)) << r.state;
            EXPECT_LE(r.done_bytes, r.total_bytes == -1 ? 0 : r.total_bytes);
        }
        // Every insert that returned is there, with its parameters.
        for (auto [key, n] : inserted) {
            auto it = by_key.find(key);
            ASSERT_NE(it, by_key.end()) << "lost task " << key;
            EXPECT_EQ(it->second->params_json, params_for(n));
        }
        // At most the one insert in flight at the kill is there without having been reported.
        EXPECT_LE(all.size(), inserted.size() + static_cast<std::size_t>(round + 1));
        // Every flushed "completed" is there.
        for (TaskKey key : completed) {
            auto it = by_key.find(key);
            ASSERT_NE(it, by_key.end());
            EXPECT_EQ(it->second->state, "completed") << "task " << key;
        }
        std::cout << "[round " << round << "] killed after " << delay.count()
                  << " ms: " << report.inserted.size() << " inserts, " << report.completed.size()
                  << " flushed completions; " << all.size() << " tasks in the database\n";
        // The store is closed here, before the next child is started.
    }
}

}  // namespace
}  // namespace arina::store
