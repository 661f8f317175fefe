// The DownloadManager's scheduling with downloads that need no network: a fake
// factory whose downloads finish on engine timers with a scripted outcome.

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "core/manager_with_factory.hpp"

namespace arina {
namespace {

using namespace std::chrono_literals;

struct Script {
    std::mutex mutex;
    std::vector<std::string> started;          // URLs in start order
    std::map<std::string, int> failures_left;  // URL -> times to fail (Network) before succeeding
    std::atomic<int> running{0};
    std::atomic<int> peak{0};
    std::chrono::milliseconds duration{30};
};

class FakeDownload final : public transfer::Download {
  public:
    FakeDownload(net::Engine& engine, Script& script, std::string url, Finished finished)
        : engine_(engine), script_(script), url_(std::move(url)), finished_(std::move(finished)) {}
    void start() override {
        {
            std::lock_guard lock(script_.mutex);
            script_.started.push_back(url_);
        }
        const int now = ++script_.running;
        int peak = script_.peak.load();
        while (now > peak && !script_.peak.compare_exchange_weak(peak, now)) {
        }
        timer_ = engine_.add_timer(script_.duration, [this] { end(false); });
    }
    void cancel() override {
        engine_.cancel_timer(timer_);
        end(true);
    }
    transfer::DownloadProgress progress() const override { return {}; }

  private:
    void end(bool cancelled) {
        --script_.running;
        transfer::DownloadResult r;
        r.file = "/tmp/" + url_;
        if (cancelled) {
            r.error = {FailReason::Cancelled, "cancelled"};
        } else {
            std::lock_guard lock(script_.mutex);
            if (script_.failures_left[url_] > 0) {
                --script_.failures_left[url_];
                r.error = {FailReason::Network, url_ + ": connection reset"};
            } else if (url_.rfind("404", 0) == 0) {
                r.error = {FailReason::Http, url_ + ": server answered HTTP 404"};
            }
        }
        auto f = std::move(finished_);
        f(r);
    }
    net::Engine& engine_;
    Script& script_;
    std::string url_;
    Finished finished_;
    net::TimerId timer_ = 0;
};

class FakeFactory final : public DownloadFactory {
  public:
    explicit FakeFactory(Script& s) : script_(s) {}
    std::unique_ptr<transfer::Download> create(const DownloadTask& task, const Config&, transfer::Runtime& rt,
                                               transfer::Download::Finished finished) override {
        return std::make_unique<FakeDownload>(rt.engine, script_, task.url, std::move(finished));
    }

  private:
    Script& script_;
};

Config quick_config(int workers) {
    Config c;
    c.max_workers = workers;
    c.retry_sleep = 0.01;
    c.retry_sleep_max = 0.02;
    c.retries = 3;
    return c;
}

TEST(ManagerScheduler, RunsAtMostMaxWorkersAndCompletesEverything) {
    Script script;
    DownloadManager manager = make_download_manager(quick_config(3), std::make_unique<FakeFactory>(script));
    std::vector<std::future<TaskResult>> futures;
    for (int i = 0; i < 12; ++i) futures.push_back(manager.add_task({.url = "t" + std::to_string(i)}));
    for (auto& f : futures) EXPECT_EQ(f.get().status, TaskStatus::Completed);
    EXPECT_EQ(script.peak.load(), 3);
    EXPECT_EQ(script.started.size(), 12u);
}

TEST(ManagerScheduler, HigherPriorityFirstThenFifo) {
    Script script;
    script.duration = 50ms;
    DownloadManager manager = make_download_manager(quick_config(1), std::make_unique<FakeFactory>(script));
    auto first = manager.add_task({.url = "first"});  // takes the only worker at once
    std::this_thread::sleep_for(10ms);
    auto low1 = manager.add_task({.url = "low1"});
    auto low2 = manager.add_task({.url = "low2"});
    auto high = manager.add_task({.url = "high", .priority = 5});
    auto [mid_id, mid] = manager.submit({.url = "mid"});
    manager.move_to_front(mid_id);
    manager.wait_idle();
    EXPECT_EQ(script.started, (std::vector<std::string>{"first", "high", "mid", "low1", "low2"}));
}

TEST(ManagerScheduler, MoveUpAndDownSwapWithTheQueuedNeighbour) {
    Script script;
    script.duration = 200ms;
    DownloadManager manager = make_download_manager(quick_config(1), std::make_unique<FakeFactory>(script));
    auto [first_id, first] = manager.submit({.url = "first"});
    // a, b, c wait behind it (the only worker) while they are moved.
    while (manager.get(first_id)->status == TaskStatus::Queued) std::this_thread::sleep_for(1ms);
    auto [a_id, a] = manager.submit({.url = "a"});
    auto [b_id, b] = manager.submit({.url = "b"});
    auto [c_id, c] = manager.submit({.url = "c"});
    EXPECT_FALSE(manager.move_up(a_id));      // nothing queued ahead of a
    EXPECT_TRUE(manager.move_down(a_id));     // b a c
    EXPECT_TRUE(manager.move_up(c_id));       // b c a
    EXPECT_FALSE(manager.move_down(a_id));    // a is last
    EXPECT_FALSE(manager.move_up(first_id));  // not queued
    EXPECT_LT(manager.get(b_id)->order, manager.get(c_id)->order);
    EXPECT_LT(manager.get(c_id)->order, manager.get(a_id)->order);
    manager.wait_idle();
    EXPECT_EQ(script.started, (std::vector<std::string>{"first", "b", "c", "a"}));
}

TEST(ManagerScheduler, RetryableFailuresAreRetriedOthersFailAtOnce) {
    Script script;
    script.failures_left["flaky"] = 2;
    script.failures_left["hopeless"] = 100;
    DownloadManager manager = make_download_manager(quick_config(2), std::make_unique<FakeFactory>(script));
    auto flaky = manager.add_task({.url = "flaky"});
    auto hopeless = manager.add_task({.url = "hopeless"});
    auto missing = manager.add_task({.url = "404-gone"});
    const auto f = flaky.get();
    EXPECT_EQ(f.status, TaskStatus::Completed);
    const auto h = hopeless.get();
    EXPECT_EQ(h.status, TaskStatus::Failed);
    EXPECT_EQ(h.error.reason, FailReason::Network);
    EXPECT_EQ(h.error.message, "hopeless: connection reset");
    const auto m = missing.get();
    EXPECT_EQ(m.status, TaskStatus::Failed);
    EXPECT_EQ(m.error.reason, FailReason::Http);
    std::lock_guard lock(script.mutex);
    EXPECT_EQ(std::count(script.started.begin(), script.started.end(), "flaky"), 3);
    EXPECT_EQ(std::count(script.started.begin(), script.started.end(), "hopeless"), 4);  // 1 + 3 retries
    EXPECT_EQ(std::count(script.started.begin(), script.started.end(), "404-gone"), 1);
}

TEST(ManagerScheduler, PauseResumeCancelAndRemove) {
    Script script;
    script.duration = 300ms;
    DownloadManager manager = make_download_manager(quick_config(1), std::make_unique<FakeFactory>(script));
    auto [a, fa] = manager.submit({.url = "a"});
    auto [b, fb] = manager.submit({.url = "b"});
    auto [c, fc] = manager.submit({.url = "c"});
    std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(manager.pause(a));   // running -> paused
    ASSERT_TRUE(manager.cancel(c));  // queued -> cancelled
    EXPECT_EQ(fc.get().status, TaskStatus::Cancelled);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(manager.get(a)->status, TaskStatus::Paused);
    EXPECT_EQ(manager.get(b)->status, TaskStatus::Downloading);  // the freed worker took b
    ASSERT_TRUE(manager.resume(a));
    EXPECT_EQ(fb.get().status, TaskStatus::Completed);
    EXPECT_EQ(fa.get().status, TaskStatus::Completed);
    ASSERT_TRUE(manager.remove(c));
    std::this_thread::sleep_for(20ms);
    EXPECT_FALSE(manager.get(c));
    EXPECT_FALSE(manager.pause(12345));
}

TEST(ManagerScheduler, EveryTransitionIsReportedOnceAndInOrder) {
    Script script;
    DownloadManager manager = make_download_manager(quick_config(2), std::make_unique<FakeFactory>(script));
    auto events = manager.subscribe_events();
    auto [id, f] = manager.submit({.url = "x"});
    f.get();
    std::vector<std::pair<TaskStatus, TaskStatus>> seen;
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (std::chrono::steady_clock::now() < deadline &&
           (seen.empty() || seen.back().second != TaskStatus::Completed)) {
        events->wait(50ms);
        for (auto& e : events->pop_events())
            if (auto* s = std::get_if<StateEvent>(&e); s && s->task_id == id)
                seen.emplace_back(s->from, s->to);
    }
    using S = TaskStatus;
    EXPECT_EQ(seen, (std::vector<std::pair<S, S>>{{S::Queued, S::Extracting},
                                                  {S::Extracting, S::Downloading},
                                                  {S::Downloading, S::Completed}}));
}

TEST(ManagerScheduler, ASlowCallbackSubscriberDoesNotHoldUpTasks) {
    Script script;
    script.duration = 5ms;
    DownloadManager manager = make_download_manager(quick_config(4), std::make_unique<FakeFactory>(script));
    std::atomic<int> calls{0};
    manager.subscribe([&](const ProgressEvent&) {
        ++calls;
        std::this_thread::sleep_for(200ms);  // a subscriber that blocks
    });
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::future<TaskResult>> futures;
    for (int i = 0; i < 40; ++i) futures.push_back(manager.add_task({.url = "s" + std::to_string(i)}));
    for (auto& f : futures) EXPECT_EQ(f.get().status, TaskStatus::Completed);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // 40 tasks of 5 ms on 4 workers need ~50 ms; a blocking subscriber on the path would need 8 s.
    EXPECT_LT(seconds, 4.0);
    EXPECT_GE(calls.load(), 1);
}

// Records the settings each download was created with.
class SettingsRecordingFactory final : public DownloadFactory {
  public:
    explicit SettingsRecordingFactory(Script& s) : script_(s) {}
    std::unique_ptr<transfer::Download> create(const DownloadTask& task, const Config& config,
                                               transfer::Runtime& rt,
                                               transfer::Download::Finished finished) override {
        std::lock_guard lock(mutex);
        chunk_sizes[task.url] = config.http_chunk_size;
        return std::make_unique<FakeDownload>(rt.engine, script_, task.url, std::move(finished));
    }
    std::mutex mutex;
    std::map<std::string, std::int64_t> chunk_sizes;

  private:
    Script& script_;
};

TEST(ManagerScheduler, AppliedSettingsServeTheDownloadsStartedAfterwards) {
    Script script;
    Config created = quick_config(1);
    created.http_chunk_size = 1 << 20;
    created.database = "";
    created.worker = "first-name";
    created.max_connections_per_host = 6;
    auto factory = std::make_unique<SettingsRecordingFactory>(script);
    auto* recorder = factory.get();
    DownloadManager manager = make_download_manager(created, std::move(factory));
    EXPECT_EQ(manager.add_task({.url = "before"}).get().status, TaskStatus::Completed);

    Config changed = created;
    changed.http_chunk_size = 4 << 20;
    changed.max_workers = 3;
    changed.worker = "other-name";  // what the manager was created on stays
    changed.max_connections_per_host = 2;
    manager.apply_settings(changed);
    EXPECT_EQ(manager.config().http_chunk_size, 4 << 20);
    EXPECT_EQ(manager.config().max_workers, 3);
    EXPECT_EQ(manager.config().worker, "first-name");
    EXPECT_EQ(manager.config().max_connections_per_host, 6);

    std::vector<std::future<TaskResult>> futures;
    for (int i = 0; i < 6; ++i) futures.push_back(manager.add_task({.url = "after" + std::to_string(i)}));
    for (auto& f : futures) EXPECT_EQ(f.get().status, TaskStatus::Completed);
    std::lock_guard lock(recorder->mutex);
    EXPECT_EQ(recorder->chunk_sizes.at("before"), 1 << 20);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(recorder->chunk_sizes.at("after" + std::to_string(i)), 4 << 20);
    EXPECT_EQ(script.peak.load(), 3);  // max_workers applied at once
}

TEST(TaskStateMachine, AllowedEdges) {
    using S = TaskStatus;
    EXPECT_TRUE(can_transition(S::Queued, S::Extracting));
    EXPECT_TRUE(can_transition(S::Downloading, S::Paused));
    EXPECT_TRUE(can_transition(S::Paused, S::Queued));
    EXPECT_TRUE(can_transition(S::Failed, S::Queued));
    EXPECT_FALSE(can_transition(S::Completed, S::Queued));
    EXPECT_FALSE(can_transition(S::Queued, S::Completed));
    EXPECT_FALSE(can_transition(S::Paused, S::Downloading));
    for (auto s : {S::Queued, S::Extracting, S::Downloading, S::PostProcessing, S::Paused, S::Completed,
                   S::Failed, S::Cancelled})
        EXPECT_EQ(task_status_from_string(to_string(s)), s);
}

}  // namespace
}  // namespace arina
