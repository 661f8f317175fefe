#pragma once
// A download task as the library's users see it: what they add (DownloadTask), the
// states it goes through (TaskStatus), and how it ended (TaskResult).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/fail_reason.hpp"

namespace arina {

/// Identifies a task for the lifetime of the manager (and, with a task store, across
/// restarts). 0 is never a valid id.
using TaskId = std::int64_t;

/// What a task is added with. The same struct is persisted and a resumed task is
/// started from it again, field for field.
struct DownloadTask {
    std::string url;
    std::filesystem::path output_dir;             ///< empty: the configuration's output_dir
    std::string output_name;                      ///< -o; empty: from the server or the URL
    std::string format;                           ///< stream format selection (-f), empty = best
    std::vector<std::string> quality_preference;  ///< e.g. {"1080", "720", "best"}
    std::string merge_output_format;              ///< "mp4" (default) or "mkv" for streams
    int priority = 0;                             ///< higher runs first; FIFO within a priority
    std::optional<int> concurrent_fragments;      ///< overrides the configuration for this task
    std::vector<std::string> headers;             ///< extra "Name: value" request headers
    /// Its position in the playlist or channel it was queued from (the template's
    /// %(playlist_index)s); 0 when it was added on its own.
    int playlist_index = 0;

    friend bool operator==(const DownloadTask&, const DownloadTask&) = default;
};

/// Every state a task can be in. The manager changes it in exactly one place
/// (DownloadManager::Impl::transition), which checks `can_transition` and logs it.
enum class TaskStatus {
    Queued,          ///< waiting for a worker slot (or for its retry back-off to pass)
    Extracting,      ///< finding out what the URL is (plain file, manifest, web page)
    Downloading,     ///< bytes are moving
    PostProcessing,  ///< muxing, fsync and rename
    Paused,          ///< stopped by the user; data on disk is kept and reused on resume
    Completed,       ///< the output file is complete and in place
    Failed,          ///< gave up; carries a FailReason and a message
    Cancelled,       ///< stopped by the user for good (files kept until removed)
};

std::string_view to_string(TaskStatus status);
std::optional<TaskStatus> task_status_from_string(std::string_view text);
/// Completed, Failed and Cancelled: the task will not move again by itself.
bool is_terminal(TaskStatus status);
/// Extracting, Downloading, PostProcessing: the task holds a worker slot.
bool is_active(TaskStatus status);
/// The allowed edges of the state machine.
bool can_transition(TaskStatus from, TaskStatus to);

/// How a task ended, as delivered through the future returned by add_task.
struct TaskResult {
    TaskId id = 0;
    TaskStatus status = TaskStatus::Queued;
    Error error;                 ///< reason None when completed
    std::filesystem::path file;  ///< the finished file
    std::int64_t size = 0;
    bool already_present = false;    ///< nothing had to be downloaded
    std::int64_t resumed_bytes = 0;  ///< bytes an earlier run (or a pause) had already stored
    /// Bytes received twice: hedged requests for a straggler's bytes whose copy lost the race.
    std::int64_t duplicated_bytes = 0;
    std::vector<std::string> notices;   ///< worth telling the user (resume file discarded, ...)
    std::vector<std::string> warnings;  ///< to show even when not verbose (a stream kept unmuxed, ...)
    /// The URL was a playlist or channel: nothing was downloaded, and these tasks were queued, one
    /// per entry, in playlist order (follow them with get() or the events).
    std::vector<TaskId> entries;
    /// Plain files: the connection count the download ended at, why ("fixed" for -N; with -N auto
    /// "growing", "budget", "no_gain", "small_gain", "refused" or "learnt"), and the most requests it had in
    /// flight at once. 0 / empty for streams.
    int connections = 0;
    std::string connections_reason;
    int peak_connections = 0;
    /// Plain files: the rate of each connection, bytes/s, in the order their requests started, the
    /// last time the whole count was in flight and measured (empty if it never was).
    std::vector<std::int64_t> connection_rates;
};

/// A snapshot of one task for lists and displays.
struct TaskInfo {
    TaskId id = 0;
    DownloadTask task;
    TaskStatus status = TaskStatus::Queued;
    Error error;
    std::filesystem::path file;
    std::int64_t done_bytes = 0;
    std::int64_t total_bytes = -1;
    double speed = 0;                ///< bytes per second, over the last few seconds
    double eta = -1;                 ///< seconds, -1 when unknown
    int connections = 0;             ///< requests in flight
    int target_connections = 0;      ///< plain files: the count aimed for (as TaskResult::connections)
    std::string connections_reason;  ///< as TaskResult::connections_reason
    int peak_connections = 0;        ///< as TaskResult::peak_connections
    /// Plain files, while downloading: the rate of each request in flight, bytes/s, in the order
    /// they were started (0 until one has flowed for 0.3 s); once ended, as TaskResult's.
    std::vector<std::int64_t> connection_rates;
    std::int64_t duplicated_bytes = 0;  ///< received twice by hedged requests (as TaskResult's)
    int attempts = 0;                   ///< task-level retries used
    std::int64_t added_at = 0;          ///< unix seconds when the task was added
    std::int64_t order = 0;             ///< start order among queued tasks of one priority, lowest first
    std::string stage;                  ///< as ProgressEvent::stage
    int fragments_done = 0;             ///< streams: fragments on disk
    int fragments_total = 0;            ///< streams: fragments known so far; 0 for plain files
};

}  // namespace arina
