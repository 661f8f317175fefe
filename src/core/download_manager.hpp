#pragma once
// The download manager: a pool of `max_workers` active tasks with a prioritised queue
// behind it, task-level retries, optional persistence in a SQLite task store, typed
// events, and live metrics. The library API the CLI and the desktop app both use.
//
//   arina::DownloadManager manager(arina::Config::load());   // or DownloadManager(4)
//   arina::DownloadTask task{.url = "https://example.com/video", .output_dir = "./downloads"};
//   std::future<arina::TaskResult> f = manager.add_task(task);
//   auto id = manager.subscribe([](const arina::ProgressEvent& e) { /* task_id, progress, status, details */
//   }); arina::TaskResult r = f.get();
//
// Threads: every method may be called from any thread and never blocks on a download.
// Downloads run on one shared engine thread (plus one disk thread); the manager never
// runs subscriber code on them: events are queued per subscriber (see events.hpp) and
// the callback form of subscribe() runs its callback on a thread of its own.

#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <vector>

#include "core/config.hpp"
#include "core/download_factory.hpp"
#include "core/events.hpp"
#include "core/metrics.hpp"
#include "core/task.hpp"

namespace arina {

using SubscriptionId = std::uint64_t;

class DownloadManager {
  public:
    /// The seed's DownloadManager(max_workers): defaults otherwise, no persistence.
    explicit DownloadManager(int max_workers = 4);
    /// With config.database set, tasks persist there: queued tasks stay queued across
    /// restarts, tasks that were running resume from what is on disk, finished ones
    /// stay finished. Throws std::runtime_error with the store's message when the
    /// database cannot be opened (corrupt, locked by another process); use create()
    /// to get that as an Error instead.
    explicit DownloadManager(Config config, std::unique_ptr<DownloadFactory> factory = nullptr);
    static std::variant<std::unique_ptr<DownloadManager>, Error> create(
        Config config, std::unique_ptr<DownloadFactory> factory = nullptr);
    /// Stops every running task (keeping its data for resume: persisted tasks come back
    /// as queued), fulfils outstanding futures with status Cancelled, flushes the store.
    ~DownloadManager();
    DownloadManager(const DownloadManager&) = delete;
    DownloadManager& operator=(const DownloadManager&) = delete;

    // ---- tasks
    /// Queues a task; the future is fulfilled when it completes, fails or is cancelled.
    std::future<TaskResult> add_task(DownloadTask task);
    /// Same, also giving the id for pause/cancel/... calls.
    std::pair<TaskId, std::future<TaskResult>> submit(DownloadTask task);
    /// Queued or running -> paused; the data on disk is kept and reused by resume().
    bool pause(TaskId id);
    /// Paused -> queued.
    bool resume(TaskId id);
    /// Stops for good; partial files stay on disk until remove(id, true).
    bool cancel(TaskId id);
    /// Failed or cancelled -> queued again, with its retry count reset.
    bool retry(TaskId id);
    /// Forgets the task (cancelling it first); with delete_files also removes its output
    /// and partial files.
    bool remove(TaskId id, bool delete_files = false);
    /// Higher priority runs first; among equal priorities, first added runs first.
    bool set_priority(TaskId id, int priority);
    /// Puts a queued task ahead of every other task of its priority.
    bool move_to_front(TaskId id);

    std::vector<TaskInfo> list() const;
    std::optional<TaskInfo> get(TaskId id) const;
    /// Blocks until no task is queued or running (paused and finished ones don't count).
    void wait_idle();

    // ---- settings that may change while running
    void set_rate_limit(double bytes_per_second);
    void set_max_workers(int max_workers);

    // ---- events
    /// A queue of typed events; drain it with pop_events() on your own thread.
    std::shared_ptr<EventSubscription> subscribe_events();
    void unsubscribe_events(const std::shared_ptr<EventSubscription>& subscription);
    /// Convenience: `callback` runs on a delivery thread owned by the subscription, for
    /// progress snapshots and every state change (as a ProgressEvent with the new status).
    SubscriptionId subscribe(std::function<void(const ProgressEvent&)> callback);
    void unsubscribe(SubscriptionId id);

    Metrics metrics() const;
    const Config& config() const;

    struct Impl;  // defined in manager_impl.hpp

  private:
    explicit DownloadManager(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace arina
