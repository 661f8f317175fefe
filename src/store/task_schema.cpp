#include "store/task_schema.hpp"

#include <cstdint>
#include <string>

namespace arina::store {
namespace {

/// One migration: turns a database at version `version - 1` into one at `version`.
struct MigrationStep {
    int version;
    const char* what;  // for the error message
    sqlite::Status (*apply)(sqlite::Connection&);
};

// Version 1: the tasks table. AUTOINCREMENT keeps keys from being reused after the
// last row is deleted, so a write queued for a removed task can never land on a new
// one. Empty strings (not NULL) stand for "none" so that every column reads back as
// the type the record has.
sqlite::Status create_v1(sqlite::Connection& db) {
    return db.exec(R"sql(
        CREATE TABLE tasks (
            key           INTEGER PRIMARY KEY AUTOINCREMENT,
            params_json   TEXT    NOT NULL,
            state         TEXT    NOT NULL,
            priority      INTEGER NOT NULL DEFAULT 0,
            position      INTEGER NOT NULL,
            fail_reason   TEXT    NOT NULL DEFAULT '',
            error_message TEXT    NOT NULL DEFAULT '',
            total_bytes   INTEGER NOT NULL DEFAULT -1,
            done_bytes    INTEGER NOT NULL DEFAULT 0,
            output_path   TEXT    NOT NULL DEFAULT '',
            resume_json   TEXT    NOT NULL DEFAULT '',
            created_at    INTEGER NOT NULL,
            updated_at    INTEGER NOT NULL,
            attempts      INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX tasks_order ON tasks (priority DESC, position ASC, key ASC);
    )sql");
}

// Version 2: the task's host (for the per-host connection budget) and the process
// holding it (claim() .. release()), as in the PostgreSQL store.
sqlite::Status add_claims_v2(sqlite::Connection& db) {
    return db.exec(R"sql(
        ALTER TABLE tasks ADD COLUMN host TEXT NOT NULL DEFAULT '';
        ALTER TABLE tasks ADD COLUMN worker TEXT NOT NULL DEFAULT '';
    )sql");
}

// To change the schema: add `{N, "what changes", &step_vN}` below, write step_vN
// (ALTER TABLE ..., or a table rebuild for what ALTER cannot do), bump
// kTaskSchemaVersion, and add a test that opens a version N-1 file.
constexpr MigrationStep kSteps[] = {
    {1, "create the tasks table", &create_v1},
    {2, "add the host and worker columns", &add_claims_v2},
};

Error database_error(const std::filesystem::path& path, std::string_view what, const sqlite::Status& status) {
    if (sqlite::is_corruption(status.code)) return corrupt_database_error(path, status.message);
    return Error{FailReason::Database,
                 "database " + path.string() + ": " + std::string(what) + ": " + status.message};
}

Error run_step(sqlite::Connection& db, const std::filesystem::path& path, const MigrationStep& step) {
    auto fail = [&](const sqlite::Status& status) {
        if (db.in_transaction()) db.exec("ROLLBACK");
        return database_error(
            path, "cannot upgrade to schema " + std::to_string(step.version) + " (" + step.what + ")",
            status);
    };
    if (auto status = db.exec("BEGIN IMMEDIATE"); !status.ok()) return fail(status);
    if (auto status = step.apply(db); !status.ok()) return fail(status);
    // PRAGMA values cannot be bound; both numbers are ours, not input.
    std::string pragmas = "PRAGMA user_version = " + std::to_string(step.version) + ";";
    if (step.version == 1) pragmas += "PRAGMA application_id = " + std::to_string(kTaskApplicationId) + ";";
    if (auto status = db.exec(pragmas.c_str()); !status.ok()) return fail(status);
    if (auto status = db.exec("COMMIT"); !status.ok()) return fail(status);
    return {};
}

Error newer_schema_error(const std::filesystem::path& path, std::int64_t version) {
    return Error{FailReason::Database,
                 "database " + path.string() + " was written by a newer arina (schema " +
                     std::to_string(version) + " > " + std::to_string(kTaskSchemaVersion) + ")"};
}

}  // namespace

Error corrupt_database_error(const std::filesystem::path& path, std::string_view detail) {
    return Error{FailReason::Database, "database " + path.string() + " is corrupt (" + std::string(detail) +
                                           "); move it aside to start with an empty queue"};
}

Error migrate_task_database(sqlite::Connection& db, const std::filesystem::path& path, int target) {
    std::int64_t version = 0;
    if (auto status = db.query_int("PRAGMA user_version", version); !status.ok()) {
        return database_error(path, "cannot read the schema version", status);
    }
    if (version > kTaskSchemaVersion) return newer_schema_error(path, version);
    if (version < 0)
        return corrupt_database_error(path, "negative schema version " + std::to_string(version));
    for (const auto& step : kSteps) {
        if (step.version <= version || step.version > target) continue;
        if (auto error = run_step(db, path, step)) return error;
    }
    return {};
}

Error prepare_task_database(sqlite::Connection& db, const std::filesystem::path& path) {
    // Nothing is written until the file is known to be an intact arina database of a
    // version we understand: a file we refuse is left exactly as it was.

    // The first statement that reads the file tells garbage ("file is not a database")
    // from a database; SQLite opens files lazily. A WAL left by a crash is recovered here.
    std::int64_t version = 0;
    if (auto status = db.query_int("PRAGMA user_version", version); !status.ok()) {
        return database_error(path, "cannot read the schema version", status);
    }
    // A truncated or damaged file can still have a valid header; quick_check reads every
    // page (the task database is small) and catches it before a write makes it worse.
    {
        sqlite::Statement check;
        if (auto status = db.prepare_once("PRAGMA quick_check", check); !status.ok()) {
            return database_error(path, "cannot check integrity", status);
        }
        const int rc = check.step();
        if (rc != SQLITE_ROW) return database_error(path, "cannot check integrity", db.last_status(rc));
        if (const std::string first = check.column_text(0); first != "ok") {
            return corrupt_database_error(path, first);
        }
    }
    std::int64_t app_id = 0;
    if (auto status = db.query_int("PRAGMA application_id", app_id); !status.ok()) {
        return database_error(path, "cannot read the application id", status);
    }
    if (app_id != 0 && app_id != kTaskApplicationId) {
        return Error{FailReason::Database,
                     "database " + path.string() + " is not an arina task database (application_id " +
                         std::to_string(app_id) + "); move it aside or choose another file"};
    }
    if (version > kTaskSchemaVersion) return newer_schema_error(path, version);
    std::string mode;
    if (auto status = db.query_text("PRAGMA journal_mode = WAL", mode); !status.ok()) {
        return database_error(path, "cannot switch to WAL mode", status);
    }
    return migrate_task_database(db, path);
}

}  // namespace arina::store
