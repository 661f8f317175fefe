#pragma once
// One row of the task database (docs/task-store.md). The store does not interpret
// the JSON documents: `params_json` is what the manager serialised the task's
// parameters to when it was added (and is resumed with), `resume_json` is whatever
// the download needs to continue where it stopped.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace arina::store {

/// The row id of a task: assigned by insert(), never reused (not even after the task
/// is removed), stable across restarts.
using TaskKey = std::int64_t;

struct TaskRecord {
    TaskKey key = 0;
    std::string params_json;    ///< what the task was added with (opaque JSON)
    std::string state;          ///< one of kTaskStates; insert() treats "" as "queued"
    int priority = 0;           ///< higher runs first
    std::int64_t position = 0;  ///< FIFO order within a priority: assigned by insert(), changed by move_to()
    std::string fail_reason;    ///< FailReason name (to_string), "" when none
    std::string error_message;  ///< the human message of the failure, "" when none
    std::int64_t total_bytes = -1;  ///< -1 when unknown
    std::int64_t done_bytes = 0;
    std::string output_path;      ///< the final file, once known
    std::string resume_json;      ///< per-range / per-fragment completion (opaque JSON, "" when none)
    std::int64_t created_at = 0;  ///< unix seconds; insert() fills it in when 0
    std::int64_t updated_at = 0;  ///< unix seconds of the last write to the row
    int attempts = 0;             ///< task-level retries used
    std::string host;             ///< the host of its URL, for the per-host connection budget ("" when none)
    std::string worker;  ///< the process holding it (claim() .. release()), "" when none; set by the store

    friend bool operator==(const TaskRecord&, const TaskRecord&) = default;
};

/// Every state a task can be in, as stored. The meaning of each lives with the state
/// machine in src/core; the store only refuses anything else.
inline constexpr std::array<std::string_view, 8> kTaskStates = {
    "queued", "extracting", "downloading", "post-processing", "paused", "completed", "failed", "cancelled"};

/// Whether `state` is one of kTaskStates.
bool is_valid_task_state(std::string_view state);

}  // namespace arina::store
