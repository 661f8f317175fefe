#pragma once
// The PostgreSQL task store's schema and its versioned migrations (docs/task-store.md).
// Every table is prefixed `arina_`, so the queue can live in a database shared with
// other programs. `arina_meta.schema_version` holds the version; each step runs in its
// own transaction under a transaction-level advisory lock, so workers starting at once
// upgrade the schema exactly once and a crash mid-way leaves the previous version.

#include <string>

#include "store/pg_conn.hpp"
#include "util/fail_reason.hpp"

namespace arina::store::pg {

/// The schema this build writes. Bump it together with a new step in pg_schema.cpp.
inline constexpr int kPgSchemaVersion = 1;

/// Brings the schema up to `target` (default: this build's). `name` is the database as
/// shown in messages. Errors (FailReason::Database):
///  - "database <name> was written by a newer arina (schema N > M)"
///  - "database <name>: cannot upgrade to schema N (<step>): <server message>"
///  - "database <name>: cannot read the schema version: <server message>"
Error migrate(Connection& conn, const std::string& name, int target = kPgSchemaVersion);

}  // namespace arina::store::pg
