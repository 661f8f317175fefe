#pragma once
// The write queue shared by every task store back end: writes other than inserts are
// queued and return at once; ONE writer thread commits them in bursts, a single
// transaction for everything queued within `batch_window` (or as soon as
// `batch_jobs` are waiting), in the order they were queued. Progress and resume
// updates of one task coalesce (task_ops.hpp). What "commit" means is the back
// end's: a function given to start() that runs on the writer thread.
//
// A failed commit is kept: its jobs (not its inserts, whose callers get the error)
// go back to the front of the queue and are tried again after `retry_delay`, or at
// once when somebody waits (settle(), flush()). Errors are recorded, never swallowed.
//
// Threads: every member may be called from any thread, except that the commit
// function runs on the writer thread only.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "store/store_common.hpp"
#include "store/task_ops.hpp"
#include "store/task_store.hpp"

namespace arina::store::detail {

class BatchWriter {
  public:
    /// Commits a whole batch in one transaction; returns true when committed. On
    /// failure it has rolled back, answered the batch's inserts (take_inserts_and_barriers)
    /// and recorded the error (record_error()). Runs on the writer thread.
    using Commit = std::function<bool(Batch&)>;

    /// `name` is the database as it may appear in messages.
    BatchWriter(TaskStoreOptions options, std::string name);
    /// Stops the thread (see stop()).
    ~BatchWriter();
    BatchWriter(const BatchWriter&) = delete;
    BatchWriter& operator=(const BatchWriter&) = delete;

    /// Starts the writer thread; an error when the thread cannot be created.
    Error start(Commit commit);
    /// Makes one last attempt at what is queued and joins the thread. Idempotent.
    void stop();

    void enqueue(TaskKey key, Job job);
    void push_progress(TaskKey key, Progress progress);
    void push_resume(TaskKey key, std::string resume_json);
    /// Queues the inserts in one batch and waits for their keys (or the first error).
    std::variant<std::vector<TaskKey>, Error> insert_many(std::vector<TaskRecord> records);

    /// Blocks until every job queued so far has been through a commit attempt.
    void settle();
    /// TaskStore::flush(): waits for an attempt at everything queued; the first error since
    /// the previous flush() (reason None when none), cleared.
    Error flush();
    std::optional<Error> last_error() const;

    void record_error(Error error);
    void record_errors(std::vector<Error> errors);
    void count_commit() { commits_.fetch_add(1, std::memory_order_relaxed); }
    std::uint64_t commit_count() const { return commits_.load(std::memory_order_relaxed); }
    const std::string& name() const { return name_; }

  private:
    using Clock = std::chrono::steady_clock;

    template <typename Push>
    std::uint64_t push_locked(Push&& push);
    std::uint64_t enqueue_locked(TaskKey key, Job job);
    void record_error_locked(Error error);
    void writer_main() noexcept;
    void writer_loop();

    const TaskStoreOptions options_;
    const std::string name_;
    Commit commit_;

    // Everything below is under `mutex_`.
    mutable std::mutex mutex_;
    std::condition_variable wake_;     // the writer waits for jobs
    std::condition_variable settled_;  // callers wait for commit attempts
    Batch pending_;
    Clock::time_point pending_since_{};  // when `pending_` stopped being empty
    Clock::time_point retry_after_{};    // no commit before this after a failure, unless urgent
    std::uint64_t next_seq_ = 1;
    std::uint64_t attempted_seq_ = 0;  // every job up to here went through a finished attempt
    bool in_flight_ = false;           // the writer is committing a batch
    bool urgent_ = false;              // somebody waits: commit now
    bool stopping_ = false;
    bool writer_dead_ = false;  // the writer thread ended (only by a bug)
    std::optional<Error> first_error_, latest_error_;

    std::atomic<std::uint64_t> commits_{0};
    std::thread thread_;
};

}  // namespace arina::store::detail
