#include "store/task_sql.hpp"

#include <exception>
#include <type_traits>

namespace arina::store::detail {
namespace {

// Column order shared by the SELECTs and read_row().
#define ARINA_TASK_COLUMNS                                                                               \
    "key, params_json, state, priority, position, fail_reason, error_message, total_bytes, done_bytes, " \
    "output_path, resume_json, created_at, updated_at, attempts, host, worker"

constexpr const char* kSelectAll =
    "SELECT " ARINA_TASK_COLUMNS " FROM tasks ORDER BY priority DESC, position ASC, key ASC";
constexpr const char* kSelectOne = "SELECT " ARINA_TASK_COLUMNS " FROM tasks WHERE key = ?1";
constexpr const char* kInsert =
    "INSERT INTO tasks (params_json, state, priority, position, fail_reason, error_message, total_bytes, "
    "done_bytes, output_path, resume_json, created_at, updated_at, attempts, host) VALUES (?1, ?2, ?3, "
    "(SELECT COALESCE(MAX(position), 0) + 1 FROM tasks), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
constexpr const char* kSetState =
    "UPDATE tasks SET state = ?2, fail_reason = ?3, error_message = ?4, updated_at = ?5 WHERE key = ?1";
constexpr const char* kSetProgress =
    "UPDATE tasks SET done_bytes = ?2, total_bytes = ?3, updated_at = ?4 WHERE key = ?1";
constexpr const char* kSetResume = "UPDATE tasks SET resume_json = ?2, updated_at = ?3 WHERE key = ?1";
constexpr const char* kSetOutput = "UPDATE tasks SET output_path = ?2, updated_at = ?3 WHERE key = ?1";
constexpr const char* kSetPriority = "UPDATE tasks SET priority = ?2, updated_at = ?3 WHERE key = ?1";
constexpr const char* kSetPosition = "UPDATE tasks SET position = ?2, updated_at = ?3 WHERE key = ?1";
constexpr const char* kAddAttempt =
    "UPDATE tasks SET attempts = attempts + 1, updated_at = ?2 WHERE key = ?1";
constexpr const char* kRelease = "UPDATE tasks SET worker = '', updated_at = ?2 WHERE key = ?1";
constexpr const char* kPickClaimable =
    "SELECT key FROM tasks WHERE state = 'queued' AND worker = '' ORDER BY priority DESC, position ASC, key "
    "ASC "
    "LIMIT 1";
constexpr const char* kClaim =
    "UPDATE tasks SET state = 'extracting', worker = ?2, updated_at = ?3 WHERE key = ?1";
constexpr const char* kCounts =
    "SELECT COALESCE(SUM(state = 'queued' AND worker = ''), 0), COALESCE(SUM(worker != ''), 0) FROM tasks";
constexpr const char* kDeleteOne = "DELETE FROM tasks WHERE key = ?1";
constexpr const char* kDeleteAll = "DELETE FROM tasks";

TaskRecord read_row(const sqlite::Statement& stmt) {
    TaskRecord r;
    r.key = stmt.column_int64(0);
    r.params_json = stmt.column_text(1);
    r.state = stmt.column_text(2);
    r.priority = stmt.column_int(3);
    r.position = stmt.column_int64(4);
    r.fail_reason = stmt.column_text(5);
    r.error_message = stmt.column_text(6);
    r.total_bytes = stmt.column_int64(7);
    r.done_bytes = stmt.column_int64(8);
    r.output_path = stmt.column_text(9);
    r.resume_json = stmt.column_text(10);
    r.created_at = stmt.column_int64(11);
    r.updated_at = stmt.column_int64(12);
    r.attempts = stmt.column_int(13);
    r.host = stmt.column_text(14);
    r.worker = stmt.column_text(15);
    return r;
}

/// Runs a statement that returns no rows; the status of its last step.
sqlite::Status run(sqlite::Connection& db, sqlite::Statement& stmt) {
    const int rc = stmt.step();
    sqlite::Status status = rc == SQLITE_DONE ? sqlite::Status{} : db.last_status(rc);
    stmt.reset();
    return status;
}

/// A cached statement for `sql`, with ?1 bound to `key`, or nullptr and `status`.
sqlite::Statement* keyed(sqlite::Connection& db, const char* sql, TaskKey key, sqlite::Status& status) {
    sqlite::Statement* stmt = db.prepare(sql, status);
    if (stmt != nullptr) stmt->bind(1, key);
    return stmt;
}

sqlite::Status clear(sqlite::Connection& db, const ClearJob& job, std::string& job_error) {
    sqlite::Status status;
    if (!job.which) {
        sqlite::Statement* stmt = db.prepare(kDeleteAll, status);
        return stmt != nullptr ? run(db, *stmt) : status;
    }
    std::vector<TaskRecord> all;
    if (status = select_all(db, all); !status.ok()) return status;
    std::vector<TaskKey> doomed;
    try {
        for (const auto& record : all) {
            if (job.which(record)) doomed.push_back(record.key);
        }
    } catch (const std::exception& e) {
        job_error = std::string("clear: the filter threw: ") + e.what();
        return {SQLITE_ERROR, job_error};
    } catch (...) {
        job_error = "clear: the filter threw";
        return {SQLITE_ERROR, job_error};
    }
    for (TaskKey key : doomed) {
        sqlite::Statement* stmt = keyed(db, kDeleteOne, key, status);
        if (stmt == nullptr) return status;
        if (status = run(db, *stmt); !status.ok()) return status;
    }
    return {};
}

}  // namespace

sqlite::Status select_all(sqlite::Connection& db, std::vector<TaskRecord>& out) {
    out.clear();
    sqlite::Status status;
    sqlite::Statement* stmt = db.prepare(kSelectAll, status);
    if (stmt == nullptr) return status;
    int rc;
    while ((rc = stmt->step()) == SQLITE_ROW) out.push_back(read_row(*stmt));
    status = rc == SQLITE_DONE ? sqlite::Status{} : db.last_status(rc);
    stmt->reset();
    return status;
}

sqlite::Status select_one(sqlite::Connection& db, TaskKey key, std::optional<TaskRecord>& out) {
    out.reset();
    sqlite::Status status;
    sqlite::Statement* stmt = keyed(db, kSelectOne, key, status);
    if (stmt == nullptr) return status;
    const int rc = stmt->step();
    if (rc == SQLITE_ROW) out = read_row(*stmt);
    status = rc == SQLITE_ROW || rc == SQLITE_DONE ? sqlite::Status{} : db.last_status(rc);
    stmt->reset();
    return status;
}

sqlite::Status insert_task(sqlite::Connection& db, const TaskRecord& r, std::int64_t now, TaskKey& key) {
    sqlite::Status status;
    sqlite::Statement* stmt = db.prepare(kInsert, status);
    if (stmt == nullptr) return status;
    stmt->bind(1, r.params_json);
    stmt->bind(2, r.state.empty() ? std::string_view("queued") : std::string_view(r.state));
    stmt->bind(3, r.priority);
    stmt->bind(4, r.fail_reason);
    stmt->bind(5, r.error_message);
    stmt->bind(6, r.total_bytes);
    stmt->bind(7, r.done_bytes);
    stmt->bind(8, r.output_path);
    stmt->bind(9, r.resume_json);
    stmt->bind(10, r.created_at != 0 ? r.created_at : now);
    stmt->bind(11, now);
    stmt->bind(12, r.attempts);
    stmt->bind(13, r.host);
    status = run(db, *stmt);
    if (status.ok()) key = db.last_insert_rowid();
    return status;
}

sqlite::Status claim_next(sqlite::Connection& db, const std::string& worker, std::int64_t now,
                          std::optional<TaskRecord>& out) {
    out.reset();
    sqlite::Status status;
    sqlite::Statement* pick = db.prepare(kPickClaimable, status);
    if (pick == nullptr) return status;
    const int rc = pick->step();
    if (rc != SQLITE_ROW) {
        status = rc == SQLITE_DONE ? sqlite::Status{} : db.last_status(rc);
        pick->reset();
        return status;
    }
    const TaskKey key = pick->column_int64(0);
    pick->reset();
    sqlite::Statement* claim = keyed(db, kClaim, key, status);
    if (claim == nullptr) return status;
    claim->bind(2, worker);
    claim->bind(3, now);
    if (status = run(db, *claim); !status.ok()) return status;
    return select_one(db, key, out);
}

sqlite::Status count_tasks(sqlite::Connection& db, std::int64_t& claimable, std::int64_t& held) {
    sqlite::Status status;
    sqlite::Statement* stmt = db.prepare(kCounts, status);
    if (stmt == nullptr) return status;
    const int rc = stmt->step();
    if (rc == SQLITE_ROW) {
        claimable = stmt->column_int64(0);
        held = stmt->column_int64(1);
    }
    status = rc == SQLITE_ROW ? sqlite::Status{} : db.last_status(rc);
    stmt->reset();
    return status;
}

sqlite::Status apply_job(sqlite::Connection& db, const Op& op, const Batch& batch, std::int64_t now,
                         std::string& job_error) {
    sqlite::Status status;
    sqlite::Statement* stmt = nullptr;
    std::visit(
        [&](const auto& job) {
            using J = std::decay_t<decltype(job)>;
            if constexpr (std::is_same_v<J, StateJob>) {
                if ((stmt = keyed(db, kSetState, op.key, status))) {
                    stmt->bind(2, job.state);
                    stmt->bind(3, job.fail_reason);
                    stmt->bind(4, job.error_message);
                    stmt->bind(5, now);
                }
            } else if constexpr (std::is_same_v<J, ProgressJob>) {
                const auto it = batch.progress().find(op.key);
                if (it != batch.progress().end() && (stmt = keyed(db, kSetProgress, op.key, status))) {
                    stmt->bind(2, it->second.done);
                    stmt->bind(3, it->second.total);
                    stmt->bind(4, now);
                }
            } else if constexpr (std::is_same_v<J, ResumeJob>) {
                const auto it = batch.resume().find(op.key);
                if (it != batch.resume().end() && (stmt = keyed(db, kSetResume, op.key, status))) {
                    stmt->bind(2, it->second);
                    stmt->bind(3, now);
                }
            } else if constexpr (std::is_same_v<J, OutputJob>) {
                if ((stmt = keyed(db, kSetOutput, op.key, status))) {
                    stmt->bind(2, job.path);
                    stmt->bind(3, now);
                }
            } else if constexpr (std::is_same_v<J, PriorityJob>) {
                if ((stmt = keyed(db, kSetPriority, op.key, status))) {
                    stmt->bind(2, job.priority);
                    stmt->bind(3, now);
                }
            } else if constexpr (std::is_same_v<J, MoveJob>) {
                if ((stmt = keyed(db, kSetPosition, op.key, status))) {
                    stmt->bind(2, job.position);
                    stmt->bind(3, now);
                }
            } else if constexpr (std::is_same_v<J, AttemptJob>) {
                if ((stmt = keyed(db, kAddAttempt, op.key, status))) stmt->bind(2, now);
            } else if constexpr (std::is_same_v<J, ReleaseJob>) {
                if ((stmt = keyed(db, kRelease, op.key, status))) stmt->bind(2, now);
            } else if constexpr (std::is_same_v<J, RemoveJob>) {
                stmt = keyed(db, kDeleteOne, op.key, status);
            } else if constexpr (std::is_same_v<J, ClearJob>) {
                status = clear(db, job, job_error);
            }
            // InsertJob and BarrierJob are handled by the writer itself.
        },
        op.job);
    if (stmt != nullptr) status = run(db, *stmt);
    if (!status.ok() && job_error.empty()) job_error = status.message;
    return status;
}

}  // namespace arina::store::detail
