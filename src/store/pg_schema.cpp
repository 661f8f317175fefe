#include "store/pg_schema.hpp"

namespace arina::store::pg {
namespace {

// The key of the advisory lock that serialises migrations ("Arin").
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(1097034094)";

// Version 1.
//  - arina_workers: one row per live worker; a worker renews expires_at with every
//    heartbeat, and any worker deletes rows whose lease ran out (giving their tasks back).
//  - arina_tasks: the SQLite table's columns, plus host (for the budget) and worker_id
//    (the holder). Positions come from a sequence: no MAX() scan on insert.
//  - arina_tasks_claimable: a partial index in claim order over just the claimable rows,
//    so a claim costs the same with a thousand or a million tasks behind it.
//  - arina_host_slots: the per-host connection budget, one row per slot; a worker holds
//    the slots it has used for a host until it exits (its idle connections still count).
constexpr const char* kCreateV1 = R"sql(
    CREATE TABLE arina_workers (
        id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name          TEXT        NOT NULL,
        started_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
        heartbeat_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
        expires_at    TIMESTAMPTZ NOT NULL,
        speed         DOUBLE PRECISION NOT NULL DEFAULT 0,
        completed     BIGINT      NOT NULL DEFAULT 0
    );
    CREATE INDEX arina_workers_expiry ON arina_workers (expires_at);
    CREATE SEQUENCE arina_task_position;
    CREATE TABLE arina_tasks (
        key           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        params_json   TEXT    NOT NULL,
        state         TEXT    NOT NULL,
        priority      INTEGER NOT NULL DEFAULT 0,
        position      BIGINT  NOT NULL,
        fail_reason   TEXT    NOT NULL DEFAULT '',
        error_message TEXT    NOT NULL DEFAULT '',
        total_bytes   BIGINT  NOT NULL DEFAULT -1,
        done_bytes    BIGINT  NOT NULL DEFAULT 0,
        output_path   TEXT    NOT NULL DEFAULT '',
        resume_json   TEXT    NOT NULL DEFAULT '',
        created_at    BIGINT  NOT NULL,
        updated_at    BIGINT  NOT NULL,
        attempts      INTEGER NOT NULL DEFAULT 0,
        host          TEXT    NOT NULL DEFAULT '',
        worker_id     BIGINT  REFERENCES arina_workers (id) ON DELETE SET NULL
    );
    CREATE INDEX arina_tasks_order ON arina_tasks (priority DESC, position ASC, key ASC);
    CREATE INDEX arina_tasks_claimable ON arina_tasks (priority DESC, position ASC, key ASC)
        WHERE state = 'queued' AND worker_id IS NULL;
    CREATE INDEX arina_tasks_held ON arina_tasks (worker_id) WHERE worker_id IS NOT NULL;
    CREATE INDEX arina_tasks_active ON arina_tasks (key)
        WHERE state IN ('extracting', 'downloading', 'post-processing');
    CREATE TABLE arina_host_slots (
        host      TEXT    NOT NULL,
        slot      INTEGER NOT NULL,
        worker_id BIGINT  REFERENCES arina_workers (id) ON DELETE SET NULL,
        task_key  BIGINT,
        PRIMARY KEY (host, slot)
    );
    CREATE INDEX arina_host_slots_worker ON arina_host_slots (worker_id) WHERE worker_id IS NOT NULL;
)sql";

struct Step {
    int version;
    const char* what;  // for the error message
    const char* sql;
};

// To change the schema: add {N, "what changes", kStepN}, bump kPgSchemaVersion, and add a
// test that opens a version N-1 database.
constexpr Step kSteps[] = {
    {1, "create the tasks, workers and host slot tables", kCreateV1},
};

Error newer_schema_error(const std::string& name, std::int64_t version) {
    return Error{FailReason::Database, "database " + name + " was written by a newer arina (schema " +
                                           std::to_string(version) + " > " +
                                           std::to_string(kPgSchemaVersion) + ")"};
}

/// The version under the migration lock, inside the caller's transaction; -1 on error.
std::int64_t read_version(Connection& conn, std::string& error) {
    Result created =
        conn.exec("CREATE TABLE IF NOT EXISTS arina_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)");
    if (!created.ok()) {
        error = created.message();
        return -1;
    }
    Result version = conn.run("arina_schema_version", "SELECT value FROM arina_meta WHERE key = $1",
                              {std::string("schema_version")});
    if (!version.ok()) {
        error = version.message();
        return -1;
    }
    return version.rows() == 0 ? 0 : version.int64(0, 0);
}

}  // namespace

Error migrate(Connection& conn, const std::string& name, int target) {
    auto abandon = [&] {
        if (conn.in_transaction()) conn.exec("ROLLBACK");
    };
    // One step per transaction, each under the lock, re-reading the version: another
    // worker may have run the step meanwhile.
    for (const auto& step : kSteps) {
        if (step.version > target) break;
        std::string error;
        if (Result begun = conn.exec("BEGIN"); !begun.ok()) {
            return Error{FailReason::Database,
                         "database " + name + ": cannot read the schema version: " + begun.message()};
        }
        // The lock first: CREATE TABLE IF NOT EXISTS is not safe against a concurrent one.
        if (Result locked = conn.exec(kMigrationLock); !locked.ok()) error = locked.message();
        const std::int64_t version = error.empty() ? read_version(conn, error) : -1;
        if (version < 0) {
            abandon();
            return Error{FailReason::Database,
                         "database " + name + ": cannot read the schema version: " + error};
        }
        if (version > kPgSchemaVersion) {
            abandon();
            return newer_schema_error(name, version);
        }
        if (step.version <= version) {
            conn.exec("COMMIT");
            continue;
        }
        Result applied = conn.exec(step.sql);
        if (applied.ok()) {
            applied = conn.run("arina_schema_set",
                               "INSERT INTO arina_meta (key, value) VALUES ($1, $2) "
                               "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                               {std::string("schema_version"), std::to_string(step.version)});
        }
        if (applied.ok()) applied = conn.exec("COMMIT");
        if (!applied.ok()) {
            abandon();
            return Error{FailReason::Database, "database " + name + ": cannot upgrade to schema " +
                                                   std::to_string(step.version) + " (" + step.what +
                                                   "): " + applied.message()};
        }
    }
    // Nothing to do for this build, but a newer one may have been here.
    std::string error;
    if (Result begun = conn.exec("BEGIN"); !begun.ok()) error = begun.message();
    if (Result locked = conn.exec(kMigrationLock); error.empty() && !locked.ok()) error = locked.message();
    const std::int64_t version = error.empty() ? read_version(conn, error) : -1;
    conn.exec(version < 0 ? "ROLLBACK" : "COMMIT");
    if (version < 0)
        return Error{FailReason::Database, "database " + name + ": cannot read the schema version: " + error};
    if (version > kPgSchemaVersion) return newer_schema_error(name, version);
    return {};
}

}  // namespace arina::store::pg
