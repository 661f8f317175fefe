#pragma once
// The statements behind the task store's reads and jobs, on a connection the caller
// owns (the writer thread's, inside its transaction, or the reader's).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite_db.hpp"
#include "store/task_ops.hpp"
#include "store/task_record.hpp"

namespace arina::store::detail {

/// Every task, by priority (highest first), then position, then key.
sqlite::Status select_all(sqlite::Connection& db, std::vector<TaskRecord>& out);
/// One task; `out` is reset when there is none.
sqlite::Status select_one(sqlite::Connection& db, TaskKey key, std::optional<TaskRecord>& out);

/// Inserts at the end of the queue (position = max + 1); `key` receives the new row id.
sqlite::Status insert_task(sqlite::Connection& db, const TaskRecord& record, std::int64_t now, TaskKey& key);

/// Claims the best queued task held by nobody for `worker` (inside the caller's
/// transaction); `out` is reset when there is none.
sqlite::Status claim_next(sqlite::Connection& db, const std::string& worker, std::int64_t now,
                          std::optional<TaskRecord>& out);
/// Queued tasks held by nobody, and held tasks.
sqlite::Status count_tasks(sqlite::Connection& db, std::int64_t& claimable, std::int64_t& held);

/// Applies one queued job (not an insert or a barrier). A Status whose code
/// sqlite::is_storage_failure() says so means the transaction must be abandoned;
/// any other failure concerns this job only, and `job_error` names it.
sqlite::Status apply_job(sqlite::Connection& db, const Op& op, const Batch& batch, std::int64_t now,
                         std::string& job_error);

}  // namespace arina::store::detail
