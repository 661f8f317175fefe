#pragma once
// What the manager tells its users, and how it reaches them without ever running
// their code on its own threads.
//
// Each subscriber owns an EventSubscription: the manager pushes events into it, calls
// its notify hook (which must only wake the subscriber: post to a GUI loop, signal a
// condition variable), and the subscriber pops the events on its own thread.
// Progress is lossy and coalesced (the newest snapshot per task replaces an unread
// older one), so a slow subscriber can never make the queue grow or slow downloads;
// state changes and removals are never dropped.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "core/task.hpp"

namespace arina {

/// A progress snapshot of one task (at most ~10 per second per task), and also the
/// shape of the seed's callback: task_id, progress, status, details.
struct ProgressEvent {
    TaskId task_id = 0;
    double progress = -1;  ///< 0..1, or -1 while the size is unknown
    TaskStatus status = TaskStatus::Queued;
    std::string details;  ///< human text: "12.3MiB/45.6MiB 4.2MiB/s ETA 00:08", or the error
    std::int64_t done_bytes = 0;
    std::int64_t total_bytes = -1;
    double speed = 0;                ///< bytes per second
    double eta = -1;                 ///< seconds, -1 when unknown
    int connections = 0;             ///< requests in flight
    int target_connections = 0;      ///< plain files: the count aimed for (TaskInfo)
    std::string connections_reason;  ///< why (TaskInfo)
    /// What the task is doing, finer than its status: "extracting", "downloading",
    /// "downloading fragment 12 of 60", "muxing", "finishing"; empty when not active.
    std::string stage;
    int fragments_done = 0;      ///< streams: fragments on disk
    int fragments_total = 0;     ///< streams: fragments known so far; 0 for plain files
    std::filesystem::path file;  ///< the output file, once known
};

/// A state transition, delivered exactly once per transition.
struct StateEvent {
    TaskId task_id = 0;
    TaskStatus from = TaskStatus::Queued;
    TaskStatus to = TaskStatus::Queued;
    Error error;  ///< set when `to` is Failed
};

struct TaskAddedEvent {
    TaskId task_id = 0;
    DownloadTask task;
};

struct TaskRemovedEvent {
    TaskId task_id = 0;
};

using Event = std::variant<ProgressEvent, StateEvent, TaskAddedEvent, TaskRemovedEvent>;

class EventSubscription {
  public:
    /// Called, from a manager thread and without any manager lock held, when events
    /// become available after the queue was drained. Must be cheap and must not call
    /// back into the manager synchronously.
    void set_notify(std::function<void()> notify);
    /// Everything queued since the last call, oldest first (progress after the other
    /// events it was coalesced with). Call from the subscriber's own thread.
    std::vector<Event> pop_events();
    /// Blocks until events are available or `timeout` passes; for threads with no loop.
    bool wait(std::chrono::milliseconds timeout);
    /// Progress snapshots replaced before they were read (for tests and metrics).
    std::size_t coalesced_progress() const;

    // --- manager side ---
    void push(Event event);
    void push_progress(const ProgressEvent& event);

  private:
    void notify_if_first(bool was_empty);

    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::vector<Event> events_;                 // never dropped
    std::map<TaskId, ProgressEvent> progress_;  // newest per task
    std::vector<TaskId> progress_order_;
    std::size_t coalesced_ = 0;
    std::function<void()> notify_;
};

}  // namespace arina
