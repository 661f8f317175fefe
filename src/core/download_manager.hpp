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
#include <utility>
#include <variant>
#include <vector>

#include "core/config.hpp"
#include "core/events.hpp"
#include "core/metrics.hpp"
#include "core/task.hpp"
#include "util/fail_reason.hpp"

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
    explicit DownloadManager(Config config);
    static std::variant<std::unique_ptr<DownloadManager>, Error> create(Config config);
    /// Stops every running task (keeping its data for resume: persisted tasks come back
    /// as queued), fulfils outstanding futures with status Cancelled, flushes the store.
    ~DownloadManager();
    DownloadManager(const DownloadManager&) = delete;
    DownloadManager& operator=(const DownloadManager&) = delete;

    // ---- tasks
    /// Queues a task; the future is fulfilled when it completes, fails or is cancelled.
    /// With a database, returns once the task is committed there (the calling thread
    /// waits for that sync; downloads never do). When the store refuses it (disk full,
    /// I/O error) the future is ready at once: status Failed, reason Database.
    std::future<TaskResult> add_task(DownloadTask task);
    /// Same, also giving the id for pause/cancel/... calls (0 when the store refused it).
    std::pair<TaskId, std::future<TaskResult>> submit(DownloadTask task);
    /// submit() for a whole list, in order, committed to the database in one transaction
    /// (one sync, not one per task: pasting 500 URLs costs one). Either all are queued or
    /// none is (ids 0, futures failed with the store's error).
    std::vector<std::pair<TaskId, std::future<TaskResult>>> add_tasks(std::vector<DownloadTask> tasks);
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
    /// Swaps a queued task with the queued task of its priority that starts just before
    /// it (move_up) or just after it (move_down); false when there is none.
    bool move_up(TaskId id);
    bool move_down(TaskId id);

    std::vector<TaskInfo> list() const;
    std::optional<TaskInfo> get(TaskId id) const;
    /// Blocks until no task is queued or running (paused and finished ones don't count).
    void wait_idle();

    // ---- settings that may change while running
    void set_rate_limit(double bytes_per_second);
    void set_max_workers(int max_workers);
    /// Takes new settings while running: the rate limit and max_workers at once, and
    /// everything a download reads when it starts (connections, chunk size, retries,
    /// timeouts, folder, output template, yt-dlp, platform profiles, ...) for the downloads
    /// started afterwards; running downloads keep the settings they started with. What
    /// the manager was created on stays: the queue database, the worker name and the
    /// per-host connection budget (config() keeps reporting those).
    void apply_settings(const Config& config);

    // ---- events
    /// A queue of typed events; drain it with pop_events() on your own thread.
    std::shared_ptr<EventSubscription> subscribe_events();
    void unsubscribe_events(const std::shared_ptr<EventSubscription>& subscription);
    /// Convenience: `callback` runs on a delivery thread owned by the subscription, for
    /// progress snapshots and every state change (as a ProgressEvent with the new status).
    SubscriptionId subscribe(std::function<void(const ProgressEvent&)> callback);
    void unsubscribe(SubscriptionId id);

    Metrics metrics() const;
    /// The settings in force (a copy: apply_settings() may replace them meanwhile).
    Config config() const;

    /// Where the queue lives unless told otherwise (the CLI's `arina run` queue):
    /// $XDG_DATA_HOME/arina/tasks.db, else ~/.local/share/arina/tasks.db.
    static std::filesystem::path default_database_path();

    struct Impl;  // defined in manager_impl.hpp (private to core)
    /// For core's own constructors (manager_with_factory.hpp); users cannot make an Impl.
    explicit DownloadManager(std::unique_ptr<Impl> impl);

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace arina
