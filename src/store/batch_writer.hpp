#pragma once
// The write queue shared by every task store back end: writes other than inserts are
// queued and return at once; ONE writer thread commits them in bursts, a single
// transaction for everything queued within `batch_window` (or as soon as
// `batch_jobs` are waiting), in the order they were queued. Progress and resume
// updates of one task coalesce (task_ops.hpp). What "commit" means is the back
// end's: a function given to start() that runs on the writer thread.
//
// While jobs keep coming, the idle writer looks for them every `batch_window` by itself
// (queueing a job wakes nobody); after a quiet second it sleeps until the next job wakes it.
//
// A failed commit is kept: its jobs (not its inserts, whose callers get the error)
// go back to the front of the queue and are tried again after `retry_delay`, or at
// once when somebody waits (settle(), flush()). Errors are recorded, never swallowed.
//
// A caller that waits anyway (settle(), flush()) may commit what is queued itself, on its
// own thread, when the writer is idle (start()'s `caller_commit`): no hand-over to the
// writer thread and back, two thread switches fewer for every "write, then wait", and the
// back end may use the caller's own connection. Writes nobody waits for (progress, resume
// data) stay with the writer thread, in bursts.
//
// Threads: every member may be called from any thread. One commit runs at a time: the
// writer thread's, or a waiting caller's.

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
    /// and recorded the error (record_error()). Runs on the writer thread (or, given as start()'s
    /// `caller_commit`, on a thread waiting in settle() or flush()).
    using Commit = std::function<bool(Batch&)>;

    /// `name` is the database as it may appear in messages.
    BatchWriter(TaskStoreOptions options, std::string name);
    /// Stops the thread (see stop()).
    ~BatchWriter();
    BatchWriter(const BatchWriter&) = delete;
    BatchWriter& operator=(const BatchWriter&) = delete;

    /// Starts the writer thread; an error when the thread cannot be created. With a
    /// `caller_commit`, settle() and flush() run it on the caller's thread when the writer
    /// is not committing (same contract as `commit`).
    Error start(Commit commit, Commit caller_commit = {});
    /// Makes one last attempt at what is queued and joins the thread. Idempotent.
    void stop();

    void enqueue(TaskKey key, Job job);
    void push_progress(TaskKey key, Progress progress);
    void push_resume(TaskKey key, std::string resume_json);
    /// Queues the inserts in one batch and waits for their keys (or the first error).
    std::variant<std::vector<TaskKey>, Error> insert_many(std::vector<TaskRecord> records);

    /// Blocks until every job queued so far has been through a commit attempt.
    void settle();
    /// Batches committed on a waiting caller's thread (caller_commit), for tests.
    std::uint64_t caller_commit_count() const { return caller_commits_.load(std::memory_order_relaxed); }
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
    /// A writer with nothing to commit for this long sleeps until woken by the next job.
    static constexpr std::chrono::seconds kSleepAfter{1};

    template <typename Push>
    std::uint64_t push_locked(Push&& push);
    std::uint64_t enqueue_locked(TaskKey key, Job job);
    void record_error_locked(Error error);
    void writer_main() noexcept;
    void writer_loop();
    /// Commits `pending_` now with `commit`; true when committed. The caller holds `lk`
    /// (released during the commit) and has checked that no commit is in flight.
    bool commit_pending(std::unique_lock<std::mutex>& lk, const Commit& commit);
    /// settle()/flush(): waits until every job up to `seq` went through an attempt,
    /// committing on this thread when allowed and the writer is idle.
    void wait_attempted(std::unique_lock<std::mutex>& lk, std::uint64_t seq);

    const TaskStoreOptions options_;
    const std::string name_;
    Commit commit_;
    Commit caller_commit_;

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
    bool asleep_ = true;               // the idle writer waits to be woken (else it looks every window)
    bool stopping_ = false;
    bool writer_dead_ = false;  // the writer thread ended (only by a bug)
    std::optional<Error> first_error_, latest_error_;

    std::atomic<std::uint64_t> commits_{0};
    std::atomic<std::uint64_t> caller_commits_{0};
    std::thread thread_;
};

}  // namespace arina::store::detail
