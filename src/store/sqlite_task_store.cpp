#include "store/sqlite_task_store.hpp"

#include <algorithm>
#include <utility>

#include "store/task_schema.hpp"
#include "store/task_sql.hpp"

namespace arina::store {
namespace {

Error invalid_state_error(std::string_view state) {
    return Error{FailReason::Internal, "invalid task state '" + std::string(state) + "'"};
}

}  // namespace

SqliteTaskStore::SqliteTaskStore(std::filesystem::path path, TaskStoreOptions options)
    : path_(std::move(path)),
      options_(std::move(options)),
      worker_name_(options_.worker_name.empty() ? detail::default_worker_name() : options_.worker_name),
      writer_(options_, path_.string()) {}

// ---------------------------------------------------------------------------------------------
// Writer thread

Error SqliteTaskStore::storage_error(const sqlite::Status& status) const {
    if (sqlite::is_corruption(status.code)) return corrupt_database_error(path_, status.message);
    const auto reason = (status.code & 0xff) == SQLITE_FULL ? FailReason::DiskFull : FailReason::Database;
    return Error{reason, "cannot write to database " + path_.string() + ": " + status.message};
}

sqlite::Status SqliteTaskStore::set_synchronous(int level) {
    if (level == synchronous_) return {};
    auto status = writer_db_->exec(level == 2 ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    if (status.ok()) synchronous_ = level;
    return status;
}

bool SqliteTaskStore::commit(detail::Batch& batch) {
    sqlite::Connection& db = *writer_db_;
    const std::int64_t now = detail::unix_now();
    std::vector<std::pair<detail::InsertJob*, TaskKey>> inserted;
    std::vector<Error> job_errors;

    auto fail = [&](const sqlite::Status& status) {
        if (db.in_transaction()) db.exec("ROLLBACK");
        Error error = storage_error(status);
        // Recorded before any insert is answered: when insert() returns its error,
        // last_error() already shows it.
        job_errors.push_back(error);
        writer_.record_errors(std::move(job_errors));
        for (auto& insert : batch.take_inserts_and_barriers()) {
            if (insert.done) insert.done->set_value(error);
        }
        return false;
    };

    // A transaction left open by an attempt that threw is abandoned first.
    if (db.in_transaction()) db.exec("ROLLBACK");
    // Durability: a kill -9 loses nothing committed in either mode (WAL frames are in
    // the OS cache before COMMIT returns); a power cut can take back NORMAL commits
    // since the last checkpoint. Tasks appearing, changing state or order must
    // survive that, so those batches sync; pure progress batches, written many times
    // a second, do not (progress is re-derived from the resume data anyway).
    if (auto status = set_synchronous(batch.has_structural_changes() ? 2 : 1); !status.ok())
        return fail(status);
    if (auto status = db.exec("BEGIN IMMEDIATE"); !status.ok()) return fail(status);
    for (auto& op : batch.ops()) {
        if (std::holds_alternative<detail::BarrierJob>(op.job)) continue;
        sqlite::Status status;
        std::string job_error;
        if (auto* insert = std::get_if<detail::InsertJob>(&op.job)) {
            TaskKey key = 0;
            status = detail::insert_task(db, insert->record, now, key);
            if (status.ok()) {
                inserted.emplace_back(insert, key);
            } else if (!sqlite::is_storage_failure(status.code)) {
                insert->done->set_value(
                    Error{FailReason::Database,
                          "cannot add a task to database " + path_.string() + ": " + status.message});
                insert->done.reset();
                continue;
            }
        } else {
            status = detail::apply_job(db, op, batch, now, job_error);
        }
        if (status.ok()) continue;
        if (sqlite::is_storage_failure(status.code)) return fail(status);
        // A failure of this job alone (a clear() filter that threw, a constraint):
        // reported, and the rest of the batch goes on.
        job_errors.push_back(Error{
            std::holds_alternative<detail::ClearJob>(op.job) ? FailReason::Internal : FailReason::Database,
            "database " + path_.string() + ": task " + std::to_string(op.key) + ": " + job_error});
    }
    if (auto status = db.exec("COMMIT"); !status.ok()) return fail(status);
    writer_.count_commit();
    // Committed: nothing below may make the caller treat the batch as failed and
    // queue it again.
    try {
        writer_.record_errors(std::move(job_errors));
        for (auto& [insert, key] : inserted) {
            if (insert->done) insert->done->set_value(key);
        }
    } catch (...) {
        // Out of memory while reporting: the data is safe; a waiting insert gets a
        // broken promise, which insert() turns into an error.
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// Opening and closing

std::variant<std::unique_ptr<SqliteTaskStore>, Error> SqliteTaskStore::open(
    const std::filesystem::path& db_path, TaskStoreOptions options) {
    std::unique_ptr<SqliteTaskStore> store(new SqliteTaskStore(db_path, std::move(options)));
    auto fail = [&](std::string_view what, const sqlite::Status& status) {
        if (sqlite::is_corruption(status.code)) return corrupt_database_error(db_path, status.message);
        return Error{FailReason::Database,
                     "database " + db_path.string() + ": " + std::string(what) + ": " + status.message};
    };

    if (db_path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(db_path.parent_path(), ec);
        if (ec) {
            return Error{FailReason::Database, "database " + db_path.string() + ": cannot create directory " +
                                                   db_path.parent_path().string() + ": " + ec.message()};
        }
    }
    auto lock = TaskLock::acquire(db_path);
    if (auto* error = std::get_if<Error>(&lock)) return std::move(*error);
    store->lock_ = std::move(std::get<std::unique_ptr<TaskLock>>(lock));

    const auto busy_ms =
        static_cast<int>(std::clamp<std::int64_t>(store->options_.busy_timeout.count(), 0, 1 << 30));
    sqlite::Status status;
    store->writer_db_ = sqlite::Connection::open(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, status);
    if (!store->writer_db_) return fail("cannot open", status);
    sqlite3_busy_timeout(store->writer_db_->handle(), busy_ms);
    if (auto error = prepare_task_database(*store->writer_db_, db_path)) return error;
    // The lock says no other process runs: whatever a dead one still held is free again.
    if (status = store->writer_db_->exec("UPDATE tasks SET worker = '' WHERE worker != ''"); !status.ok()) {
        return fail("cannot give back the tasks of a process that ended", status);
    }
    if (status = store->writer_db_->exec("PRAGMA synchronous = NORMAL"); !status.ok()) {
        return fail("cannot set synchronous mode", status);
    }
    store->synchronous_ = 1;

    store->reader_db_ = sqlite::Connection::open(db_path, SQLITE_OPEN_READWRITE, status);
    if (!store->reader_db_) return fail("cannot open a reading connection", status);
    sqlite3_busy_timeout(store->reader_db_->handle(), busy_ms);
    if (status = store->reader_db_->exec("PRAGMA query_only = 1"); !status.ok()) {
        return fail("cannot open a reading connection", status);
    }
    store->claim_db_ = sqlite::Connection::open(db_path, SQLITE_OPEN_READWRITE, status);
    if (!store->claim_db_) return fail("cannot open a claiming connection", status);
    sqlite3_busy_timeout(store->claim_db_->handle(), busy_ms);

    auto* raw = store.get();
    if (auto error = store->writer_.start([raw](detail::Batch& batch) { return raw->commit(batch); }))
        return error;
    return store;
}

SqliteTaskStore::~SqliteTaskStore() {
    writer_.stop();
    // Close the others first: the last connection to close checkpoints the WAL into
    // the database and removes it.
    claim_db_.reset();
    reader_db_.reset();
    writer_db_.reset();
    lock_.reset();
}

// ---------------------------------------------------------------------------------------------
// Reads and claims

void SqliteTaskStore::read_error(const sqlite::Status& status) const {
    writer_.record_error(
        Error{FailReason::Database, "cannot read database " + path_.string() + ": " + status.message});
}

std::vector<TaskRecord> SqliteTaskStore::load_all() const {
    writer_.settle();
    std::vector<TaskRecord> out;
    sqlite::Status status;
    {
        std::lock_guard lk(read_mutex_);
        status = detail::select_all(*reader_db_, out);
    }
    if (!status.ok()) {
        out.clear();
        read_error(status);
    }
    return out;
}

std::optional<TaskRecord> SqliteTaskStore::get(TaskKey key) const {
    writer_.settle();
    std::optional<TaskRecord> out;
    sqlite::Status status;
    {
        std::lock_guard lk(read_mutex_);
        status = detail::select_one(*reader_db_, key, out);
    }
    if (!status.ok()) {
        read_error(status);
        return std::nullopt;
    }
    return out;
}

bool SqliteTaskStore::has_pending() const {
    writer_.settle();
    std::int64_t claimable = 0, held = 0;
    sqlite::Status status;
    {
        std::lock_guard lk(read_mutex_);
        status = detail::count_tasks(*reader_db_, claimable, held);
    }
    if (!status.ok()) {
        read_error(status);
        return true;
    }
    return claimable > 0 || held > 0;
}

std::variant<std::optional<Claim>, Error> SqliteTaskStore::claim(const ClaimRequest& request) {
    writer_.settle();
    std::lock_guard lk(claim_mutex_);
    sqlite::Connection& db = *claim_db_;
    std::optional<TaskRecord> record;
    auto fail = [&](const sqlite::Status& status) -> Error {
        if (db.in_transaction()) db.exec("ROLLBACK");
        Error error = storage_error(status);
        writer_.record_error(error);
        return error;
    };
    if (auto status = db.exec("BEGIN IMMEDIATE"); !status.ok()) return fail(status);
    if (auto status = detail::claim_next(db, worker_name_, detail::unix_now(), record); !status.ok())
        return fail(status);
    if (auto status = db.exec("COMMIT"); !status.ok()) return fail(status);
    if (!record) return std::optional<Claim>{};
    // One process: its engine keeps the per-host limit by itself, no budget slots.
    return std::optional<Claim>{Claim{std::move(*record), std::max(1, request.connections)}};
}

void SqliteTaskStore::release(TaskKey key) {
    writer_.enqueue(key, detail::ReleaseJob{});
}

// ---------------------------------------------------------------------------------------------
// Writes

std::variant<std::vector<TaskKey>, Error> SqliteTaskStore::insert_many(std::vector<TaskRecord> records) {
    for (const auto& record : records)
        if (!record.state.empty() && !is_valid_task_state(record.state))
            return invalid_state_error(record.state);
    return writer_.insert_many(std::move(records));
}

void SqliteTaskStore::update_state(TaskKey key, std::string state, std::string fail_reason,
                                   std::string error_message) {
    if (!is_valid_task_state(state)) {
        writer_.record_error(invalid_state_error(state));
        return;
    }
    writer_.enqueue(key,
                    detail::StateJob{std::move(state), std::move(fail_reason), std::move(error_message)});
}

void SqliteTaskStore::update_progress(TaskKey key, std::int64_t done, std::int64_t total) {
    writer_.push_progress(key, detail::Progress{done, total});
}

void SqliteTaskStore::update_resume(TaskKey key, std::string resume_json) {
    writer_.push_resume(key, std::move(resume_json));
}

void SqliteTaskStore::update_output(TaskKey key, std::string path) {
    writer_.enqueue(key, detail::OutputJob{std::move(path)});
}

void SqliteTaskStore::set_priority(TaskKey key, int priority) {
    writer_.enqueue(key, detail::PriorityJob{priority});
}

void SqliteTaskStore::move_to(TaskKey key, std::int64_t position) {
    writer_.enqueue(key, detail::MoveJob{position});
}

void SqliteTaskStore::increment_attempts(TaskKey key) {
    writer_.enqueue(key, detail::AttemptJob{});
}

void SqliteTaskStore::remove(TaskKey key) {
    writer_.enqueue(key, detail::RemoveJob{});
}

void SqliteTaskStore::clear(std::function<bool(const TaskRecord&)> which) {
    writer_.enqueue(0, detail::ClearJob{std::move(which)});
}

}  // namespace arina::store
