#pragma once
// The jobs queued for the task store's writer thread, and the batch they wait in.
// A batch keeps jobs in the order they were queued, except that progress and resume
// updates coalesce: a task has at most one of each per batch, at the place of the
// first one, carrying the latest value. Those two touch columns nothing else writes,
// and keys are never reused, so moving the latest value earlier changes no outcome
// (only a clear() filter that looks at done_bytes or resume_json could notice).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "store/task_record.hpp"
#include "util/fail_reason.hpp"

namespace arina::store::detail {

using InsertResult = std::variant<TaskKey, Error>;

struct InsertJob {
    TaskRecord record;
    std::shared_ptr<std::promise<InsertResult>> done;  // shared: a batch may be copied back for a retry
};
struct StateJob {
    std::string state, fail_reason, error_message;
};
struct ProgressJob {};  // value in Batch::progress
struct ResumeJob {};    // value in Batch::resume
struct OutputJob {
    std::string path;
};
struct PriorityJob {
    int priority;
};
struct MoveJob {
    std::int64_t position;
};
struct AttemptJob {};
struct RemoveJob {};
struct ReleaseJob {};  // the task leaves this process's hands (TaskStore::release)
struct ClearJob {
    std::function<bool(const TaskRecord&)> which;  // empty: every task
};
struct BarrierJob {};  // writes nothing: flush() and reads wait for it to be committed

using Job = std::variant<InsertJob, StateJob, ProgressJob, ResumeJob, OutputJob, PriorityJob, MoveJob,
                         AttemptJob, RemoveJob, ReleaseJob, ClearJob, BarrierJob>;

struct Op {
    std::uint64_t seq = 0;  // queue order, for flush() and reads to wait on
    TaskKey key = 0;        // unused by InsertJob, ClearJob, BarrierJob
    Job job;
};

struct Progress {
    std::int64_t done = 0;
    std::int64_t total = -1;
};

class Batch {
  public:
    void push(Op op);
    void push_progress(std::uint64_t seq, TaskKey key, Progress progress);
    void push_resume(std::uint64_t seq, TaskKey key, std::string resume_json);

    /// Puts an older batch (one whose commit failed) in front of this one. Where both
    /// hold a progress or resume value for a task, this (newer) one wins.
    void prepend(Batch&& older);

    bool empty() const { return ops_.empty(); }
    std::size_t size() const { return ops_.size(); }
    /// The highest sequence number in the batch (0 when empty).
    std::uint64_t last_seq() const { return last_seq_; }
    /// Whether the batch holds anything besides progress and resume updates (and
    /// barriers); such batches are committed with synchronous=FULL.
    bool has_structural_changes() const;

    std::vector<Op>& ops() { return ops_; }
    const std::unordered_map<TaskKey, Progress>& progress() const { return progress_; }
    const std::unordered_map<TaskKey, std::string>& resume() const { return resume_; }

    /// Removes the inserts (their callers are told the outcome and must not be
    /// inserted again by a retry) and barriers; returns the inserts.
    std::vector<InsertJob> take_inserts_and_barriers();

  private:
    std::vector<Op> ops_;
    std::unordered_map<TaskKey, Progress> progress_;
    std::unordered_map<TaskKey, std::string> resume_;
    std::uint64_t last_seq_ = 0;
};

}  // namespace arina::store::detail
