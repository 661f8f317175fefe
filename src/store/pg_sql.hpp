#pragma once
// The statements of the PostgreSQL task store (schema: pg_schema.cpp). Every value is a
// parameter; none is ever spliced into the text. `$me` parameters are this worker's id;
// a "fence" parameter is the id of this worker when it holds the task, NULL when it
// does not: a write lands only when the row's holder is the one the writer believes.

namespace arina::store::pg::sql {

#define ARINA_PG_TASK_COLUMNS                                                                             \
    "t.key, t.params_json, t.state, t.priority, t.position, t.fail_reason, t.error_message, "             \
    "t.total_bytes, t.done_bytes, t.output_path, t.resume_json, t.created_at, t.updated_at, t.attempts, " \
    "t.host, COALESCE(w.name, '')"

// The same columns from an UPDATE of arina_tasks t (the worker's name is filled in by the caller).
#define ARINA_PG_RETURNING                                                                                \
    "t.key, t.params_json, t.state, t.priority, t.position, t.fail_reason, t.error_message, "             \
    "t.total_bytes, t.done_bytes, t.output_path, t.resume_json, t.created_at, t.updated_at, t.attempts, " \
    "t.host, ''"

// True when no task is claimable, read from the head of the claimable index. (A plain
// NOT EXISTS is planned as a sequential scan that reads every finished row before the first
// queued one: hundreds of rows per statement once a queue has been worked for a while.)
#define ARINA_PG_NONE_CLAIMABLE                                                  \
    "(SELECT key FROM arina_tasks WHERE state = 'queued' AND worker_id IS NULL " \
    "ORDER BY priority DESC, position ASC, key ASC LIMIT 1) IS NULL"

inline constexpr const char* kSelectAll =
    "SELECT " ARINA_PG_TASK_COLUMNS
    " FROM arina_tasks t LEFT JOIN arina_workers w ON w.id = t.worker_id "
    "ORDER BY t.priority DESC, t.position ASC, t.key ASC";
inline constexpr const char* kSelectOne =
    "SELECT " ARINA_PG_TASK_COLUMNS
    " FROM arina_tasks t LEFT JOIN arina_workers w ON w.id = t.worker_id "
    "WHERE t.key = $1";
inline constexpr const char* kInsert =
    "INSERT INTO arina_tasks (params_json, state, priority, position, fail_reason, error_message, "
    "total_bytes, "
    "done_bytes, output_path, resume_json, created_at, updated_at, attempts, host) VALUES ($1, $2, $3, "
    "nextval('arina_task_position'), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING key";
inline constexpr const char* kNotify = "SELECT pg_notify('arina_tasks', '')";

inline constexpr const char* kSetState =
    "UPDATE arina_tasks SET state = $2, fail_reason = $3, error_message = $4, updated_at = $5 "
    "WHERE key = $1 AND worker_id IS NOT DISTINCT FROM $6::bigint";
// The finished state of a task this worker holds, and the worker's count of completed tasks,
// in one statement (one round trip): the count moves only when the fenced update landed.
// The fence of a held task is written "IS NOT DISTINCT FROM $me" (the same as "= $me", $me is
// never NULL there): not indexable, so the row is found by its key. With "= $me" the generic
// plan reads arina_tasks_held, which keeps an entry for every task this worker claimed since
// the last vacuum.
inline constexpr const char* kSetCompleted =
    "WITH t AS (UPDATE arina_tasks SET state = 'completed', fail_reason = $2, error_message = $3, "
    "updated_at = $4 WHERE key = $1 AND worker_id IS NOT DISTINCT FROM $5::bigint RETURNING key) "
    "UPDATE arina_workers SET completed = completed + 1 WHERE id = $5 AND EXISTS (SELECT 1 FROM t)";
inline constexpr const char* kSetProgress =
    "UPDATE arina_tasks SET done_bytes = $2, total_bytes = $3, updated_at = $4 "
    "WHERE key = $1 AND worker_id IS NOT DISTINCT FROM $5::bigint";
inline constexpr const char* kSetResume =
    "UPDATE arina_tasks SET resume_json = $2, updated_at = $3 WHERE key = $1 AND worker_id IS NOT DISTINCT "
    "FROM "
    "$4::bigint";
inline constexpr const char* kSetOutput =
    "UPDATE arina_tasks SET output_path = $2, updated_at = $3 WHERE key = $1 AND worker_id IS NOT DISTINCT "
    "FROM "
    "$4::bigint";
inline constexpr const char* kAddAttempt =
    "UPDATE arina_tasks SET attempts = attempts + 1, updated_at = $2 WHERE key = $1 AND worker_id IS NOT "
    "DISTINCT FROM $3::bigint";
inline constexpr const char* kSetPriority =
    "UPDATE arina_tasks SET priority = $2, updated_at = $3 WHERE key = $1";
inline constexpr const char* kSetPosition =
    "UPDATE arina_tasks SET position = $2, updated_at = $3 WHERE key = $1";
// Gives the task and its budget slots back, and wakes the other workers only when that can
// matter to them: the task is claimable again, a slot of its host became free, or nothing
// claimable is left (workers waiting for the whole queue to end). A finished task on a busy
// queue wakes nobody: a notification per claim would wake every worker for every claim.
// (The final SELECT reads the snapshot from before the CTEs' updates, hence task.state.)
inline constexpr const char* kRelease =
    "WITH task AS (UPDATE arina_tasks SET worker_id = NULL, updated_at = $2 WHERE key = $1 AND worker_id IS "
    "NOT DISTINCT FROM $3::bigint RETURNING state), "
    "slots AS (UPDATE arina_host_slots SET task_key = NULL WHERE task_key = $1 AND worker_id = $3 "
    "RETURNING slot) "
    "SELECT pg_notify('arina_tasks', '') WHERE EXISTS (SELECT 1 FROM task WHERE state = 'queued') "
    "OR EXISTS (SELECT 1 FROM slots) "
    "OR " ARINA_PG_NONE_CLAIMABLE;
// A task this worker finishes and gives back in the same batch (the end of every download):
// kSetCompleted and kRelease in one statement, so that the common batch is one round trip
// with no BEGIN/COMMIT. The finished task is not claimable: only a freed slot or an empty
// queue wakes the others.
inline constexpr const char* kFinish =
    "WITH task AS (UPDATE arina_tasks SET state = 'completed', fail_reason = $2, error_message = $3, "
    "updated_at = $4, worker_id = NULL WHERE key = $1 AND worker_id IS NOT DISTINCT FROM $5::bigint "
    "RETURNING key), "
    "counted AS (UPDATE arina_workers SET completed = completed + 1 WHERE id = $5 AND EXISTS (SELECT 1 FROM "
    "task)), "
    "slots AS (UPDATE arina_host_slots SET task_key = NULL WHERE task_key = $1 AND worker_id = $5 "
    "RETURNING slot) "
    "SELECT pg_notify('arina_tasks', '') WHERE EXISTS (SELECT 1 FROM slots) "
    "OR " ARINA_PG_NONE_CLAIMABLE;
inline constexpr const char* kDeleteOne =
    "WITH slots AS (UPDATE arina_host_slots SET task_key = NULL WHERE task_key = $1) "
    "DELETE FROM arina_tasks WHERE key = $1";
inline constexpr const char* kDeleteAll =
    "WITH slots AS (UPDATE arina_host_slots SET task_key = NULL WHERE task_key IS NOT NULL) "
    "DELETE FROM arina_tasks";

// ---- claims

inline constexpr const char* kRegister =
    "INSERT INTO arina_workers (name, expires_at) VALUES ($1, now() + $2::bigint * interval '1 millisecond') "
    "RETURNING id";
// Without a budget: the best claimable task, in one statement (one transaction).
inline constexpr const char* kClaimNext =
    "WITH next AS (SELECT key FROM arina_tasks WHERE state = 'queued' AND worker_id IS NULL "
    "ORDER BY priority DESC, position ASC, key ASC LIMIT 1 FOR UPDATE SKIP LOCKED) "
    "UPDATE arina_tasks t SET state = 'extracting', worker_id = $1, updated_at = $2 FROM next "
    "WHERE t.key = next.key RETURNING " ARINA_PG_RETURNING;
// With a budget: candidates first (locked, skipped by others), then slots of their host.
inline constexpr const char* kCandidates =
    "SELECT key, host FROM arina_tasks WHERE state = 'queued' AND worker_id IS NULL "
    "ORDER BY priority DESC, position ASC, key ASC LIMIT 8 FOR UPDATE SKIP LOCKED";
inline constexpr const char* kCreateSlots =
    "INSERT INTO arina_host_slots (host, slot) SELECT $1, g FROM generate_series(0, $2::int - 1) g "
    "ON CONFLICT DO NOTHING";
// This worker's idle slots of the host first (its kept connections), then free ones.
inline constexpr const char* kTakeSlots =
    "UPDATE arina_host_slots s SET worker_id = $3, task_key = $4 FROM (SELECT host, slot FROM "
    "arina_host_slots "
    "WHERE host = $1 AND slot < $2::int AND task_key IS NULL AND (worker_id = $3 OR worker_id IS NULL) "
    "ORDER BY worker_id IS NULL, slot LIMIT $5::int FOR UPDATE SKIP LOCKED) f "
    "WHERE s.host = f.host AND s.slot = f.slot RETURNING s.slot";
inline constexpr const char* kClaimKey =
    "UPDATE arina_tasks t SET state = 'extracting', worker_id = $2, updated_at = $3 WHERE t.key = $1 "
    "RETURNING " ARINA_PG_RETURNING;

// ---- the control thread

inline constexpr const char* kHeartbeat =
    "UPDATE arina_workers SET heartbeat_at = now(), expires_at = now() + $2::bigint * interval '1 "
    "millisecond', "
    "speed = $3 WHERE id = $1 AND expires_at > now() RETURNING id";
// Gives back the tasks of every worker whose lease ran out (and of `$1`, a worker that
// gave up its own lease), frees their budget slots, removes them. Tasks active but held by
// nobody (left by a crash between two statements of an older version) are queued again.
inline constexpr const char* kReap =
    "WITH dead AS (SELECT id FROM arina_workers WHERE expires_at < now() OR id = $1 FOR UPDATE SKIP LOCKED), "
    "requeued AS (UPDATE arina_tasks SET worker_id = NULL, state = CASE WHEN state IN ('extracting', "
    "'downloading', 'post-processing') THEN 'queued' ELSE state END WHERE worker_id IN (SELECT id FROM dead) "
    "RETURNING key), "
    "orphans AS (UPDATE arina_tasks SET state = 'queued' WHERE state IN ('extracting', 'downloading', "
    "'post-processing') AND worker_id IS NULL RETURNING key), "
    "freed AS (UPDATE arina_host_slots SET worker_id = NULL, task_key = NULL WHERE worker_id IN (SELECT id "
    "FROM "
    "dead) RETURNING slot), "
    "gone AS (DELETE FROM arina_workers WHERE id IN (SELECT id FROM dead) RETURNING id) "
    "SELECT (SELECT count(*) FROM requeued) + (SELECT count(*) FROM orphans) + (SELECT count(*) FROM freed), "
    "(SELECT count(*) FROM gone)";

// ---- reads

inline constexpr const char* kHasPending =
    "SELECT NOT (" ARINA_PG_NONE_CLAIMABLE
    ") OR EXISTS (SELECT 1 FROM arina_tasks WHERE worker_id IS NOT NULL)";
inline constexpr const char* kWorkers =
    "SELECT w.name, (SELECT count(*) FROM arina_tasks t WHERE t.worker_id = w.id), w.completed, w.speed, "
    "extract(epoch FROM w.started_at)::bigint, extract(epoch FROM w.heartbeat_at)::bigint "
    "FROM arina_workers w WHERE w.expires_at > now() ORDER BY w.name, w.id";

}  // namespace arina::store::pg::sql
