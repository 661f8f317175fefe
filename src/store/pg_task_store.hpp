#pragma once
// The task queue in PostgreSQL, shared by many `arina run` workers on many machines
// (docs/task-store.md, "PostgreSQL").
//
// Connections (each used by one thread at a time, reconnected when the server went
// away): the writer thread's (batch_writer.hpp, one transaction per burst), one for reads,
// one for claims, and, once this process claims, the control thread's, which
// LISTENs for new tasks, renews this worker's lease (heartbeat) and gives the tasks of
// workers whose lease ran out back to the queue.
//
// Claims and leases. claim() registers this process as a worker (arina_workers) on
// first use and takes a task with FOR UPDATE SKIP LOCKED in one short transaction.
// Heartbeats renew the lease every lease/5. A worker that misses its heartbeats for the
// lease loses its tasks to the others; one that cannot reach the database for 0.8 of
// its lease gives up its tasks itself first (on_claims_lost) so that two workers never
// write the same part file. A worker's writes to a task it does not hold change nothing.
//
// Writes somebody waits for (flush(), and claim(), which first commits this worker's
// queued writes) are committed by the waiting thread itself when the writer thread is
// idle, over the claim connection once this process claims (else the writer's): "finish,
// give back, claim the next" is two round trips on one server process, with no hand-over
// between threads. Eight workers on two cores then keep eight server processes busy
// instead of sixteen (docs/benchmarks.md).

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <variant>

#include "store/batch_writer.hpp"
#include "store/task_store.hpp"

namespace arina::store {

namespace pg {
class Connection;
}

class PgTaskStore final : public TaskStore {
  public:
    /// Connects (libpq's rules: the connection string, ~/.pgpass, PG* variables) and
    /// brings the schema up to date. Errors, all FailReason::Database, naming the
    /// database with its password masked:
    ///  - "database <name>: cannot connect: <libpq message>"
    ///  - "database <name> was written by a newer arina (schema N > M)"
    ///  - "database <name>: cannot upgrade to schema N (<step>): <server message>"
    static std::variant<std::unique_ptr<PgTaskStore>, Error> open(const std::string& conninfo,
                                                                  TaskStoreOptions options = {});
    /// Stops the control thread, commits what is queued (one attempt), gives back every
    /// task still held and removes this worker.
    ~PgTaskStore() override;

    std::string name() const override { return name_; }
    bool shared() const override { return true; }

    std::vector<TaskRecord> load_all() const override;
    std::optional<TaskRecord> get(TaskKey key) const override;
    bool has_pending() const override;
    std::vector<WorkerInfo> workers() const override;

    std::variant<std::optional<Claim>, Error> claim(const ClaimRequest& request) override;
    void release(TaskKey key) override;
    void on_tasks_available(std::function<void()> callback) override;
    void on_claims_lost(std::function<void(std::vector<TaskKey>)> callback) override;

    std::variant<std::vector<TaskKey>, Error> insert_many(std::vector<TaskRecord> records) override;
    void update_state(TaskKey key, std::string state, std::string fail_reason = {},
                      std::string error_message = {}) override;
    void update_progress(TaskKey key, std::int64_t done, std::int64_t total) override;
    void update_resume(TaskKey key, std::string resume_json) override;
    void update_output(TaskKey key, std::string path) override;
    void set_priority(TaskKey key, int priority) override;
    void move_to(TaskKey key, std::int64_t position) override;
    void increment_attempts(TaskKey key) override;
    void remove(TaskKey key) override;
    void clear(std::function<bool(const TaskRecord&)> which = {}) override;

    Error flush() override { return writer_.flush(); }
    std::optional<Error> last_error() const override { return writer_.last_error(); }
    std::uint64_t commit_count() const override { return writer_.commit_count(); }

    /// This worker's id in arina_workers (0 before the first claim), for tests.
    std::int64_t worker_id() const { return worker_id_.load(); }

  private:
    PgTaskStore(std::string conninfo, TaskStoreOptions options);

    /// A usable connection in `slot` (connecting or reconnecting); an error message otherwise.
    bool ensure(std::unique_ptr<pg::Connection>& slot, std::string& error) const;
    Error db_error(std::string_view what, const std::string& message) const;
    void read_error(const std::string& message) const;

    /// Commits a batch (BatchWriter::Commit): over the writer's connection on the writer
    /// thread; when `caller` (a thread waiting for it), over the claim connection (under
    /// claim_mutex_) if this process claims, else over the writer's.
    bool commit(detail::Batch& batch, bool caller);
    std::variant<std::int64_t, Error> register_worker();
    std::variant<std::optional<Claim>, Error> claim_locked(const ClaimRequest& request, std::int64_t me);

    // The control thread: LISTEN, heartbeats, lease expiry.
    void start_control();
    void control_main() noexcept;
    void control_loop();
    /// This worker lost (or gave up) its lease: its tasks are no longer ours.
    void lose_claims();

    const std::string conninfo_;
    const std::string name_;  // masked
    const TaskStoreOptions options_;
    const std::string worker_name_;

    std::unique_ptr<pg::Connection> writer_conn_;  // whoever commits (the writer thread, or a caller)
    mutable std::mutex read_mutex_;
    mutable std::unique_ptr<pg::Connection> reader_conn_;  // under read_mutex_
    std::mutex claim_mutex_;
    std::unique_ptr<pg::Connection> claim_conn_;  // under claim_mutex_ (claims, callers' commits)

    std::atomic<std::int64_t> worker_id_{0};  // 0: not registered (or lost)
    mutable std::mutex held_mutex_;
    std::set<TaskKey> held_;             // claimed and not released
    std::set<TaskKey> lost_;             // held when the lease was lost: their writes are dropped
    std::vector<std::int64_t> retired_;  // lost worker ids still to be removed from the table
    std::map<TaskKey, std::int64_t> last_done_;
    std::int64_t progressed_bytes_ = 0;  // since the last heartbeat

    std::mutex callback_mutex_;
    std::function<void()> available_;
    std::function<void(std::vector<TaskKey>)> lost_callback_;

    // has_pending() as of the control thread's last look (after every notification and
    // heartbeat): -1 before it first looked.
    mutable std::atomic<int> pending_cache_{-1};
    int stop_fd_ = -1;  // eventfd: wakes the control thread to stop
    std::thread control_;

    // Last: stopped first, while the connection it commits through still exists.
    mutable detail::BatchWriter writer_;
};

}  // namespace arina::store
