#pragma once
// The manager's state and the engine-thread side of its work. Private to src/core.
//
// Concurrency model:
//  - `mutex` guards `entries` and everything in them except `download`'s internals;
//    any thread may read under it (list, get, metrics).
//  - Everything that changes a task's status, or touches a Download object, runs on
//    the engine thread (posted), so those steps are serialised without holding the
//    lock while calling into a download (which may call back synchronously).
//  - Events are collected under the lock into `pending` and handed to subscribers
//    by flush_events() after the lock is released.
//  - With a store, tasks start only once claimed from it (store->claim() on the
//    engine thread): a shared queue (PostgreSQL) hands each task to one worker of
//    many; a claimed task stays `held` through its retries until it finishes, is
//    paused, or the manager shuts down (store->release()). The store's threads wake
//    the manager (tasks available, claims lost) only through run_on_engine().

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "core/download_factory.hpp"
#include "core/download_manager.hpp"
#include "store/task_store.hpp"
#include "transfer/runtime.hpp"
#include "transfer/speed_meter.hpp"

namespace arina {

class CallbackSubscriber;

// How often the engine thread samples the running downloads (manager_progress.cpp): progress
// events at most ~10 per second per task.
inline constexpr std::chrono::milliseconds kTickInterval{100};

struct DownloadManager::Impl {
    enum class AfterStop { None, Pause, Cancel, Remove, Shutdown, Lost };

    struct Entry {
        TaskId id = 0;
        DownloadTask task;
        TaskStatus status = TaskStatus::Queued;
        Error error;
        std::int64_t seq = 0;       // FIFO order within a priority
        std::int64_t added_at = 0;  // unix seconds
        int attempts = 0;
        bool retry_waiting = false;  // queued, but its back-off has not passed
        bool held = false;           // claimed from the store and not yet released
        net::TimerId retry_timer = 0;
        std::unique_ptr<transfer::Download> download;  // while active; engine thread only
        std::optional<std::promise<TaskResult>> promise;
        AfterStop after_stop = AfterStop::None;
        bool delete_files = false;
        transfer::DownloadProgress progress;
        transfer::SpeedMeter meter;
        double speed = 0;
        std::filesystem::path file;
        std::int64_t size = 0;
        bool already_present = false;
        std::vector<std::string> notices;
        std::vector<std::string> warnings;
        std::int64_t resumed_bytes = 0;
        std::int64_t duplicated_bytes = 0;
        std::vector<TaskId> playlist_entries;  // tasks queued for the playlist this task found
    };

    Impl(Config config, std::unique_ptr<DownloadFactory> factory, std::unique_ptr<store::TaskStore> store);
    ~Impl();

    // any thread
    /// Ids are 0 (and futures ready with the store's error) when the store refused them.
    std::vector<std::pair<TaskId, std::future<TaskResult>>> add(std::vector<DownloadTask> tasks);
    bool post_if_known(TaskId id, std::function<void(TaskId)> action);
    bool move_by(TaskId id, int direction);
    void run_on_engine(std::function<void()> fn);
    TaskInfo info_of(const Entry& e) const;

    // engine thread
    void schedule();
    void on_finished(TaskId id, const transfer::DownloadResult& result);
    void stop_task(TaskId id, AfterStop after);
    void do_pause(TaskId id);
    void do_resume(TaskId id);
    void do_cancel(TaskId id);
    void do_retry(TaskId id);
    void do_remove(TaskId id, bool delete_files);
    void tick();
    void load_from_store();
    // The entry of a task read from the store (mutex held): its record's order, attempts,
    // file and progress.
    Entry& adopt(const store::TaskRecord& r, DownloadTask task);
    /// The store says these tasks are no longer ours (lease lost): stop them, write nothing.
    void drop_lost(const std::vector<TaskId>& ids);
    /// A claim from the store, as an entry ready to start; nullptr when nothing is claimable.
    Entry* claim_from_store();

    // lock held
    void transition(Entry& e, TaskStatus to, Error error = {});
    void fulfil(Entry& e);
    /// Queues one task per playlist entry, with the settings of the task that found the playlist.
    std::vector<TaskId> queue_playlist_entries(TaskId parent,
                                               const std::vector<transfer::PlaylistEntryRef>& found);
    void erase(Entry& e);
    /// Gives a held task back to the store (it leaves this process's hands).
    void release(Entry& e);
    /// Drops the entry without touching the store (another worker has the task now).
    void forget(Entry& e);
    bool idle_locked() const;
    /// Queued and this process's to run (see Metrics::queued_tasks).
    bool counts_as_queued(const Entry& e) const;

    void flush_events();
    void shutdown();

    /// The settings in force: a snapshot per use, since apply_settings() may swap them
    /// from any thread while a download is being created with the previous ones.
    std::shared_ptr<const Config> settings() const {
        std::lock_guard lock(settings_mutex);
        return settings_;
    }
    mutable std::mutex settings_mutex;
    std::shared_ptr<const Config> settings_;
    std::unique_ptr<DownloadFactory> factory;
    std::unique_ptr<store::TaskStore> store;  // null: tasks live in memory only
    transfer::Runtime runtime;

    mutable std::mutex mutex;
    std::condition_variable changed;
    std::map<TaskId, Entry> entries;
    std::vector<Event> pending;
    std::vector<ProgressEvent> pending_progress;
    TaskId next_id = 1;
    std::int64_t next_seq = 1;
    std::int64_t front_seq = 0;
    int max_workers = 4;
    bool shutting_down = false;
    std::mt19937 rng{std::random_device{}()};
    net::TimerId tick_timer = 0;

    std::mutex subs_mutex;
    std::vector<std::shared_ptr<EventSubscription>> subscriptions;
    std::map<SubscriptionId, std::unique_ptr<CallbackSubscriber>> callback_subscribers;
    SubscriptionId next_subscription = 1;
};

/// The thread behind DownloadManager::subscribe(callback).
class CallbackSubscriber {
  public:
    CallbackSubscriber(std::shared_ptr<EventSubscription> subscription,
                       std::function<void(const ProgressEvent&)> cb);
    ~CallbackSubscriber();
    const std::shared_ptr<EventSubscription>& subscription() const { return subscription_; }

  private:
    void run();
    std::shared_ptr<EventSubscription> subscription_;
    std::function<void(const ProgressEvent&)> callback_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace arina
