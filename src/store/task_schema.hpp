#pragma once
// The task database's schema and its step-by-step migrations (docs/task-store.md).
// `PRAGMA user_version` holds the schema version; every version N has one step that
// turns a version N-1 database into a version N one, run in its own transaction, so
// an old database walks up one version at a time and a crash mid-way leaves it at a
// version it can continue from.

#include <filesystem>
#include <string_view>

#include "store/sqlite_db.hpp"
#include "util/fail_reason.hpp"

namespace arina::store {

/// The schema this build writes. Bump it together with a new step in task_schema.cpp.
inline constexpr int kTaskSchemaVersion = 2;

/// `PRAGMA application_id` of an Arina task database ("Arin"), so that another
/// program's SQLite file is not mistaken for ours.
inline constexpr int kTaskApplicationId = 0x4172696e;

/// "database <path> is corrupt (<detail>); move it aside to start with an empty queue"
Error corrupt_database_error(const std::filesystem::path& path, std::string_view detail);

/// Checks a freshly opened write connection and brings its schema up to date:
/// readable (not "file is not a database"), WAL journal, `PRAGMA quick_check` clean,
/// ours (application_id), not newer than this build, then the missing migration steps.
/// Every error is FailReason::Database with a message naming `path`.
Error prepare_task_database(sqlite::Connection& db, const std::filesystem::path& path);

/// Runs the steps from the database's current version up to `target` (for tests of
/// single steps; prepare_task_database() goes to kTaskSchemaVersion).
Error migrate_task_database(sqlite::Connection& db, const std::filesystem::path& path,
                            int target = kTaskSchemaVersion);

}  // namespace arina::store
