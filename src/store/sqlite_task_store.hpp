#pragma once
// The task queue in one SQLite file, for one process (docs/task-store.md): an
// exclusive lock file keeps a second process out; WAL journal; a writer thread
// (batch_writer.hpp) on its own connection, reads on another, claims on a third.

#include <filesystem>
#include <memory>
#include <mutex>
#include <variant>

#include "store/batch_writer.hpp"
#include "store/sqlite_db.hpp"
#include "store/task_lock.hpp"
#include "store/task_store.hpp"

namespace arina::store {

class SqliteTaskStore final : public TaskStore {
  public:
    /// Opens the database, creating it and its directory if needed; takes the lock
    /// file `<db>.lock`; checks the file (quick_check); runs the missing schema
    /// migrations; switches to WAL; gives back the tasks a dead process still held.
    /// Errors, all FailReason::Database:
    ///  - "database <path> is corrupt (<sqlite message>); move it aside to start with an empty queue"
    ///  - "database <path> is in use by another arina process (pid N)"
    ///  - "database <path> was written by a newer arina (schema N > M)"
    ///  - "database <path> is not an arina task database (application_id N); move it aside or choose
    ///    another file"
    ///  - "database <path>: <what failed>: <sqlite message>" for anything else (permissions, I/O).
    static std::variant<std::unique_ptr<SqliteTaskStore>, Error> open(const std::filesystem::path& db_path,
                                                                      TaskStoreOptions options = {});
    /// Commits what is queued (one attempt), closes the connections (checkpointing the
    /// WAL into the file) and releases the lock.
    ~SqliteTaskStore() override;

    std::string name() const override { return path_.string(); }
    bool shared() const override { return false; }
    const std::filesystem::path& path() const { return path_; }

    std::vector<TaskRecord> load_all() const override;
    std::optional<TaskRecord> get(TaskKey key) const override;
    bool has_pending() const override;
    std::vector<WorkerInfo> workers() const override { return {}; }

    std::variant<std::optional<Claim>, Error> claim(const ClaimRequest& request) override;
    void release(TaskKey key) override;
    void on_tasks_available(std::function<void()>) override {}
    void on_claims_lost(std::function<void(std::vector<TaskKey>)>) override {}

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

  private:
    SqliteTaskStore(std::filesystem::path path, TaskStoreOptions options);
    /// One transaction for the whole batch, on the writer thread.
    bool commit(detail::Batch& batch);
    sqlite::Status set_synchronous(int level);
    Error storage_error(const sqlite::Status& status) const;
    void read_error(const sqlite::Status& status) const;

    std::filesystem::path path_;
    TaskStoreOptions options_;
    std::string worker_name_;
    std::unique_ptr<TaskLock> lock_;
    std::unique_ptr<sqlite::Connection> writer_db_;  // the writer thread's
    int synchronous_ = -1;                           // PRAGMA synchronous in force on writer_db_
    mutable std::mutex read_mutex_;
    std::unique_ptr<sqlite::Connection> reader_db_;  // under read_mutex_
    std::mutex claim_mutex_;
    std::unique_ptr<sqlite::Connection> claim_db_;  // under claim_mutex_
    // Last: stopped first, while the connections it commits through still exist.
    mutable detail::BatchWriter writer_;
};

}  // namespace arina::store
