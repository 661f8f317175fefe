#pragma once
// The task queue on disk: one SQLite database (default ~/.local/share/arina/tasks.db)
// that survives a kill -9 at any instant. Schema, durability and error messages:
// docs/task-store.md.
//
// Threads. Reads run on the caller's thread, on their own connection. Writes other
// than insert() are queued and return at once; ONE writer thread commits them in
// bursts, a single transaction for everything queued within `batch_window` (or as
// soon as `batch_jobs` are waiting), in the order they were queued. Progress and
// resume updates of one task coalesce: only the latest value is written. Every
// method may be called from any thread.
//
// Visibility. A read sees every write queued before it (on any thread that
// happens-before the read): if writes are still waiting, the read first has them
// committed. insert() returns once its row is committed.
//
// Errors. No exception leaves the store. A failed commit (disk full, I/O error) is
// rolled back and kept: the jobs stay queued and are tried again after
// `retry_delay` (an insert is not retried: its caller gets the error). The failure
// is reported through flush() and last_error(), never swallowed.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "store/task_record.hpp"
#include "util/fail_reason.hpp"

namespace arina::store {

/// Tuning of the writer; the defaults are what arina uses.
struct TaskStoreOptions {
    /// How long the writer gathers jobs after the first one before it commits.
    std::chrono::milliseconds batch_window{50};
    /// Commit at once when this many jobs are waiting.
    std::size_t batch_jobs = 500;
    /// How long a statement waits for a lock held by another connection (an external
    /// `sqlite3` shell, a backup tool) before it fails with "database is locked".
    std::chrono::milliseconds busy_timeout{5000};
    /// After a failed commit, how long the writer waits before trying again (a
    /// flush(), an insert() or a read tries at once).
    std::chrono::milliseconds retry_delay{1000};
};

class TaskStore {
  public:
    /// Opens the database, creating it and its directory if needed; takes the lock
    /// file `<db>.lock`; checks the file (quick_check); runs the missing schema
    /// migrations; switches to WAL. Errors, all FailReason::Database:
    ///  - "database <path> is corrupt (<sqlite message>); move it aside to start with an empty queue"
    ///  - "database <path> is in use by another arina process (pid N)"
    ///  - "database <path> was written by a newer arina (schema N > M)"
    ///  - "database <path> is not an arina task database (application_id N); move it aside or choose
    ///    another file"
    ///  - "database <path>: <what failed>: <sqlite message>" for anything else (permissions, I/O).
    static std::variant<std::unique_ptr<TaskStore>, Error> open(const std::filesystem::path& db_path,
                                                                TaskStoreOptions options = {});

    /// $XDG_DATA_HOME/arina/tasks.db when XDG_DATA_HOME is set to an absolute path,
    /// else ~/.local/share/arina/tasks.db (HOME, else the password database).
    static std::filesystem::path default_path();

    /// Commits what is still queued (one attempt; call flush() first to learn whether
    /// it worked), stops the writer thread, closes the database (checkpointing the
    /// WAL into it) and releases the lock.
    ~TaskStore();
    TaskStore(const TaskStore&) = delete;
    TaskStore& operator=(const TaskStore&) = delete;

    // ---- Reads: synchronous, any thread. A read error is returned as "nothing" and
    // ---- reported through last_error().

    /// Every task, by priority (highest first), then position (lowest first), then key.
    std::vector<TaskRecord> load_all() const;
    /// One task, or nullopt when there is none with that key.
    std::optional<TaskRecord> get(TaskKey key) const;

    // ---- Writes.

    /// Adds a task at the end of the queue and returns its key once the row is
    /// committed. `key` and `position` of `record` are ignored (assigned here);
    /// `created_at` = now when 0, `updated_at` = now; an empty `state` means "queued".
    /// Error: an invalid state (FailReason::Internal), or the commit failed.
    std::variant<TaskKey, Error> insert(TaskRecord record);
    /// insert() for many tasks, in order, committed together (one transaction, one sync)
    /// instead of one commit each. Returns their keys once committed, or the first error
    /// (then some of them may have been added).
    std::variant<std::vector<TaskKey>, Error> insert_many(std::vector<TaskRecord> records);

    // The rest are queued for the writer thread and return at once. A job for a key
    // that does not exist (any more) changes nothing. Each sets updated_at.

    /// Sets state, fail_reason and error_message together. An invalid state is refused
    /// (nothing is queued; last_error() says why).
    void update_state(TaskKey key, std::string state, std::string fail_reason = {},
                      std::string error_message = {});
    /// Bytes done and total (-1: unknown). Coalesces: only the latest queued value is written.
    void update_progress(TaskKey key, std::int64_t done, std::int64_t total);
    /// What the download needs to resume. Coalesces like update_progress().
    void update_resume(TaskKey key, std::string resume_json);
    void update_output(TaskKey key, std::string path);
    void set_priority(TaskKey key, int priority);
    /// Sets the task's position; tasks of one priority run in increasing position
    /// (ties by key). To move a task to the front, give it the smallest position minus one.
    void move_to(TaskKey key, std::int64_t position);
    void increment_attempts(TaskKey key);
    void remove(TaskKey key);
    /// Removes every task, or those for which `which` returns true. `which` runs on the
    /// writer thread against the tasks as committed before it; it must not call the store.
    void clear(std::function<bool(const TaskRecord&)> which = {});

    /// Waits until everything queued before the call has been committed, or a commit
    /// attempt of it failed. Returns the first write error since the previous flush()
    /// (reason None when there was none) and clears it.
    Error flush();
    /// The most recent error not yet returned by flush(): a failed commit, a refused
    /// job or a failed read.
    std::optional<Error> last_error() const;

    // ---- Introspection, for tests and diagnostics.

    /// Transactions committed by the writer since open (inserts included).
    std::uint64_t commit_count() const;
    const std::filesystem::path& path() const;

  private:
    struct Impl;
    explicit TaskStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace arina::store
