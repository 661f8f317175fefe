#pragma once
// The task queue: one interface, two back ends (docs/task-store.md).
//  - SQLite (a file path; default ~/.local/share/arina/tasks.db): the embedded queue of
//    one process, which survives a kill -9 at any instant.
//  - PostgreSQL (a libpq connection string, `postgresql://user@host/db` or
//    `host=... dbname=...`): one queue shared by many `arina run` workers on many
//    machines, which claim tasks with FOR UPDATE SKIP LOCKED under a lease.
// Callers hold a TaskStore and need not know which one it is; shared() says whether
// other processes change the queue too (then nothing read from it may be cached).
//
// Threads. Reads and claims run on the caller's thread, on connections of their own.
// Writes other than inserts are queued and return at once; ONE writer thread commits
// them in bursts (batch_writer.hpp), in the order they were queued; progress and
// resume updates of one task coalesce. Every method may be called from any thread.
//
// Visibility. A read or a claim sees every write queued before it (on any thread that
// happens-before it): if writes are still waiting, they are committed first.
// insert() returns once its row is committed.
//
// Errors. No exception leaves a store. A failed commit (disk full, I/O error, the
// database server gone) is rolled back and kept: the jobs stay queued and are tried
// again after `retry_delay` (an insert is not retried: its caller gets the error).
// The failure is reported through flush() and last_error(), never swallowed.
// Messages name the database by name(): the file, or the connection string with any
// password masked (credentials are never printed or logged).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/task_record.hpp"
#include "util/fail_reason.hpp"

namespace arina::store {

/// Tuning; the defaults are what arina uses.
struct TaskStoreOptions {
    /// How long the writer gathers jobs after the first one before it commits.
    std::chrono::milliseconds batch_window{50};
    /// Commit at once when this many jobs are waiting.
    std::size_t batch_jobs = 500;
    /// SQLite: how long a statement waits for a lock held by another connection (an
    /// external `sqlite3` shell, a backup tool) before it fails with "database is locked".
    std::chrono::milliseconds busy_timeout{5000};
    /// After a failed commit, how long the writer waits before trying again (a
    /// flush(), an insert() or a read tries at once).
    std::chrono::milliseconds retry_delay{1000};
    /// Shared queues: the name this process claims tasks under (`arina run --worker`);
    /// empty: "<hostname>:<pid>".
    std::string worker_name;
    /// Shared queues: how long a worker's claims outlive its last heartbeat. Heartbeats
    /// go out every lease/5; a worker unheard of for this long loses its tasks to others.
    std::chrono::milliseconds lease{15000};
};

/// What claim() asks for.
struct ClaimRequest {
    /// Connections the task would like to open to its host (its -N).
    int connections = 1;
    /// Connections to one host allowed across every worker of the queue
    /// (--max-connections-per-host); 0 = no limit. Only shared queues keep budget slots:
    /// a single process's engine enforces the limit by itself.
    int host_budget = 0;
};

/// A task this process now holds.
struct Claim {
    TaskRecord record;    ///< as claimed: state "extracting", worker = this process's name
    int connections = 0;  ///< connections it may open to its host (>= 1; the budget slots it holds)
};

/// A worker of a shared queue, for `arina queue workers`.
struct WorkerInfo {
    std::string name;
    int running = 0;                ///< tasks it holds
    std::int64_t completed = 0;     ///< tasks it finished since it started
    double speed = 0;               ///< bytes/s, as of its last heartbeat
    std::int64_t started_at = 0;    ///< unix seconds
    std::int64_t heartbeat_at = 0;  ///< unix seconds of its last heartbeat
};

class TaskStore {
  public:
    /// Opens the queue named by `locator`: a PostgreSQL connection string when
    /// is_postgres_locator() says so, else a SQLite file path. Errors are
    /// FailReason::Database with a message naming the database (see the back ends and
    /// docs/task-store.md).
    static std::variant<std::unique_ptr<TaskStore>, Error> open(const std::string& locator,
                                                                TaskStoreOptions options = {});
    /// `postgresql://...`, `postgres://...`, or libpq's keyword form (`key=value ...`).
    static bool is_postgres_locator(std::string_view locator);
    /// $XDG_DATA_HOME/arina/tasks.db when XDG_DATA_HOME is set to an absolute path,
    /// else ~/.local/share/arina/tasks.db (HOME, else the password database).
    static std::filesystem::path default_path();

    /// Commits what is still queued (one attempt; call flush() first to learn whether
    /// it worked), stops the threads, closes the connections. A shared queue's worker
    /// gives its tasks back (they are queued again for others).
    virtual ~TaskStore() = default;
    TaskStore(const TaskStore&) = delete;
    TaskStore& operator=(const TaskStore&) = delete;

    /// The database as it may appear in messages (passwords masked).
    virtual std::string name() const = 0;
    /// Whether other processes share this queue (PostgreSQL).
    virtual bool shared() const = 0;

    // ---- Reads: synchronous, any thread. A read error is returned as "nothing" and
    // ---- reported through last_error().

    /// Every task, by priority (highest first), then position (lowest first), then key.
    virtual std::vector<TaskRecord> load_all() const = 0;
    /// One task, or nullopt when there is none with that key.
    virtual std::optional<TaskRecord> get(TaskKey key) const = 0;
    /// Whether any task is claimable or held by a worker (this process included): while
    /// one is, a worker of a shared queue has reason to wait (a dead worker's tasks come
    /// back). Two index probes. True when the database cannot be read (reported through
    /// last_error()): the caller waits for it to come back rather than giving up.
    virtual bool has_pending() const = 0;
    /// The live workers of a shared queue (none for a private one).
    virtual std::vector<WorkerInfo> workers() const = 0;

    // ---- Claiming.

    /// Takes the best claimable task (highest priority, then position, then key; not
    /// held by a live worker) for this process: its state becomes "extracting" and its
    /// worker this process's name, in one short transaction. With a host budget a task
    /// is taken only with at least one of its host's budget slots. nullopt when there is
    /// nothing to take. The task stays held through retries until release().
    virtual std::variant<std::optional<Claim>, Error> claim(const ClaimRequest& request) = 0;
    /// Queued: the task leaves this process's hands (finished, paused, or given back at
    /// shutdown); its budget slots go back to this worker's pool.
    virtual void release(TaskKey key) = 0;
    /// `callback` runs on a store thread when tasks may have become claimable through
    /// another process (added, given back, or taken from a worker whose lease expired).
    /// Private queues never call it. Set once, before claiming.
    virtual void on_tasks_available(std::function<void()> callback) = 0;
    /// `callback` runs on a store thread with the keys this process held when it lost
    /// its lease (the database was out of reach for longer than the lease): other workers
    /// may run them now, so they must stop without writing anything more. Set once.
    virtual void on_claims_lost(std::function<void(std::vector<TaskKey>)> callback) = 0;

    // ---- Writes.

    /// Adds a task at the end of the queue and returns its key once the row is
    /// committed. `key`, `position` and `worker` of `record` are ignored (assigned
    /// here); `created_at` = now when 0, `updated_at` = now; an empty `state` means
    /// "queued". Error: an invalid state (FailReason::Internal), or the commit failed.
    std::variant<TaskKey, Error> insert(TaskRecord record);
    /// insert() for many tasks, in order, committed together (one transaction, one sync)
    /// instead of one commit each. Returns their keys once committed, or the first error
    /// (then some of them may have been added).
    virtual std::variant<std::vector<TaskKey>, Error> insert_many(std::vector<TaskRecord> records) = 0;

    // The rest are queued for the writer thread and return at once. A job for a key
    // that does not exist (any more) changes nothing. Each sets updated_at. On a shared
    // queue, a worker's writes to a task held by another worker change nothing.

    /// Sets state, fail_reason and error_message together. An invalid state is refused
    /// (nothing is queued; last_error() says why).
    virtual void update_state(TaskKey key, std::string state, std::string fail_reason = {},
                              std::string error_message = {}) = 0;
    /// Bytes done and total (-1: unknown). Coalesces: only the latest queued value is written.
    virtual void update_progress(TaskKey key, std::int64_t done, std::int64_t total) = 0;
    /// What the download needs to resume. Coalesces like update_progress().
    virtual void update_resume(TaskKey key, std::string resume_json) = 0;
    virtual void update_output(TaskKey key, std::string path) = 0;
    virtual void set_priority(TaskKey key, int priority) = 0;
    /// Sets the task's position; tasks of one priority run in increasing position
    /// (ties by key). To move a task to the front, give it the smallest position minus one.
    virtual void move_to(TaskKey key, std::int64_t position) = 0;
    virtual void increment_attempts(TaskKey key) = 0;
    virtual void remove(TaskKey key) = 0;
    /// Removes every task, or those for which `which` returns true. `which` runs on the
    /// writer thread against the tasks as committed before it; it must not call the store.
    virtual void clear(std::function<bool(const TaskRecord&)> which = {}) = 0;

    /// Waits until everything queued before the call has been committed, or a commit
    /// attempt of it failed. Returns the first write error since the previous flush()
    /// (reason None when there was none) and clears it.
    virtual Error flush() = 0;
    /// The most recent error not yet returned by flush(): a failed commit, a refused
    /// job or a failed read.
    virtual std::optional<Error> last_error() const = 0;

    /// Transactions committed by the writer since open (inserts included), for tests.
    virtual std::uint64_t commit_count() const = 0;

  protected:
    TaskStore() = default;
};

}  // namespace arina::store
