#include "store/pg_task_store.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <type_traits>
#include <utility>

#include "store/pg_schema.hpp"
#include "store/pg_sql.hpp"
#include "store/store_common.hpp"

namespace arina::store {
namespace {

using Clock = std::chrono::steady_clock;
using pg::Param;

/// How stale the "anything pending anywhere" flag may get while notifications keep coming.
constexpr auto kPendingRefresh = std::chrono::milliseconds(20);

Error invalid_state_error(std::string_view state) {
    return Error{FailReason::Internal, "invalid task state '" + std::string(state) + "'"};
}

Param num(std::int64_t value) {
    return std::to_string(value);
}

/// The fence parameter: our id when we hold the task, NULL when we do not.
Param fence(std::int64_t holder) {
    return holder != 0 ? num(holder) : Param{};
}

/// Whether ops[i] completes a task this worker holds and ops[i + 1] gives that task back:
/// the pair runs as one statement (kFinish).
bool finishes_and_releases(const std::vector<detail::Op>& ops, std::size_t i, const std::set<TaskKey>& held,
                           const std::set<TaskKey>& lost) {
    if (i + 1 >= ops.size() || ops[i + 1].key != ops[i].key) return false;
    const auto* state = std::get_if<detail::StateJob>(&ops[i].job);
    return state != nullptr && state->state == "completed" &&
           std::holds_alternative<detail::ReleaseJob>(ops[i + 1].job) && held.count(ops[i].key) != 0 &&
           lost.count(ops[i].key) == 0;
}

/// Whether the batch is a single statement, which commits by itself: no BEGIN/COMMIT round
/// trips. Inserts (which notify) and clears (several statements) always take a transaction.
bool is_one_statement(const std::vector<detail::Op>& ops, const std::set<TaskKey>& held,
                      const std::set<TaskKey>& lost) {
    std::vector<const detail::Op*> writes;
    for (const auto& op : ops)
        if (!std::holds_alternative<detail::BarrierJob>(op.job)) writes.push_back(&op);
    if (writes.size() == 2)
        return writes[0] + 1 == writes[1] &&
               finishes_and_releases(ops, static_cast<std::size_t>(writes[0] - ops.data()), held, lost);
    return writes.size() == 1 && !std::holds_alternative<detail::InsertJob>(writes[0]->job) &&
           !std::holds_alternative<detail::ClearJob>(writes[0]->job);
}

TaskRecord read_row(const pg::Result& r, int row) {
    TaskRecord t;
    t.key = r.int64(row, 0);
    t.params_json = r.text(row, 1);
    t.state = r.text(row, 2);
    t.priority = static_cast<int>(r.int64(row, 3));
    t.position = r.int64(row, 4);
    t.fail_reason = r.text(row, 5);
    t.error_message = r.text(row, 6);
    t.total_bytes = r.int64(row, 7);
    t.done_bytes = r.int64(row, 8);
    t.output_path = r.text(row, 9);
    t.resume_json = r.text(row, 10);
    t.created_at = r.int64(row, 11);
    t.updated_at = r.int64(row, 12);
    t.attempts = static_cast<int>(r.int64(row, 13));
    t.host = r.text(row, 14);
    t.worker = r.text(row, 15);
    return t;
}

}  // namespace

PgTaskStore::PgTaskStore(std::string conninfo, TaskStoreOptions options)
    : conninfo_(std::move(conninfo)),
      name_(detail::mask_password(conninfo_)),
      options_(std::move(options)),
      worker_name_(options_.worker_name.empty() ? detail::default_worker_name() : options_.worker_name),
      writer_(options_, name_) {}

Error PgTaskStore::db_error(std::string_view what, const std::string& message) const {
    return Error{FailReason::Database, "database " + name_ + ": " + std::string(what) + ": " + message};
}

void PgTaskStore::read_error(const std::string& message) const {
    writer_.record_error(db_error("cannot read", message));
}

bool PgTaskStore::ensure(std::unique_ptr<pg::Connection>& slot, std::string& error) const {
    if (slot && slot->ok()) return true;
    if (slot && slot->reconnect(error)) return true;
    slot = pg::Connection::connect(conninfo_, error);
    return slot != nullptr;
}

// ---------------------------------------------------------------------------------------------
// Opening and closing

std::variant<std::unique_ptr<PgTaskStore>, Error> PgTaskStore::open(const std::string& conninfo,
                                                                    TaskStoreOptions options) {
    std::unique_ptr<PgTaskStore> store(new PgTaskStore(conninfo, std::move(options)));
    std::string error;
    if (!store->ensure(store->writer_conn_, error)) return store->db_error("cannot connect", error);
    if (auto migrated = pg::migrate(*store->writer_conn_, store->name_)) return migrated;
    store->stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (store->stop_fd_ < 0)
        return Error{FailReason::Internal, "database " + store->name_ + ": eventfd failed"};
    auto* raw = store.get();
    if (auto started = store->writer_.start([raw](detail::Batch& batch) { return raw->commit(batch, false); },
                                            [raw](detail::Batch& batch) { return raw->commit(batch, true); }))
        return started;
    return store;
}

PgTaskStore::~PgTaskStore() {
    if (control_.joinable()) {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
        control_.join();
    }
    writer_.stop();
    // Whatever this worker still holds goes back to the queue, and the worker row goes:
    // the others need not wait for the lease to run out.
    std::vector<std::int64_t> ids;
    {
        std::lock_guard lk(held_mutex_);
        ids = retired_;
    }
    if (const auto me = worker_id_.load(); me != 0) ids.push_back(me);
    if (!ids.empty()) {
        std::lock_guard lk(claim_mutex_);
        std::string error;
        if (ensure(claim_conn_, error)) {
            for (auto id : ids) claim_conn_->run("arina_reap", pg::sql::kReap, {num(id)});
            claim_conn_->run("arina_notify", pg::sql::kNotify, {});
        }
    }
    if (stop_fd_ >= 0) ::close(stop_fd_);
}

// ---------------------------------------------------------------------------------------------
// Commits (the writer thread, or a caller waiting in flush() or claim())

bool PgTaskStore::commit(detail::Batch& batch, bool caller) {
    // A waiting caller of a worker that claims commits over the claim connection (the server
    // process that runs its claims); others over the writer's, idle while anybody commits.
    std::unique_lock<std::mutex> claim_lock;
    if (caller) {
        claim_lock = std::unique_lock(claim_mutex_);
        if (!claim_conn_) claim_lock.unlock();
    }
    std::unique_ptr<pg::Connection>& conn = claim_lock.owns_lock() ? claim_conn_ : writer_conn_;
    const std::int64_t now = detail::unix_now();
    const std::int64_t me = worker_id_.load();
    std::vector<std::pair<detail::InsertJob*, TaskKey>> inserted;
    std::vector<Error> job_errors;
    std::set<TaskKey> held, lost;
    {
        std::lock_guard lk(held_mutex_);
        held = held_;
        lost = lost_;
    }
    bool notify = false;

    auto fail = [&](std::string_view what, const std::string& message) {
        if (conn && conn->ok() && conn->in_transaction()) conn->exec("ROLLBACK");
        Error error =
            Error{FailReason::Database, "cannot write to database " + name_ + ": " + std::string(what) +
                                            (message.empty() ? "" : ": " + message)};
        job_errors.push_back(error);
        writer_.record_errors(std::move(job_errors));
        for (auto& insert : batch.take_inserts_and_barriers()) {
            if (insert.done) insert.done->set_value(error);
        }
        return false;
    };

    std::string error;
    if (!ensure(conn, error)) return fail("cannot connect", error);
    pg::Connection& db = *conn;
    if (db.in_transaction()) db.exec("ROLLBACK");  // left by an attempt that threw
    auto& ops = batch.ops();
    const bool one_statement = is_one_statement(ops, held, lost);
    if (!one_statement)
        if (auto begun = db.exec("BEGIN"); !begun.ok()) return fail("BEGIN", begun.message());

    for (std::size_t i = 0; i < ops.size(); ++i) {
        auto& op = ops[i];
        if (finishes_and_releases(ops, i, held, lost)) {
            const auto& job = std::get<detail::StateJob>(op.job);
            const auto finished =
                db.run("arina_finish", pg::sql::kFinish,
                       {num(op.key), job.fail_reason, job.error_message, num(now), num(me)});
            if (!finished.ok()) return fail("task " + std::to_string(op.key), finished.message());
            held.erase(op.key);
            ++i;  // the release ran with it
            continue;
        }
        const std::int64_t holder = held.count(op.key) ? me : 0;
        pg::Result result;
        bool ran = true;
        std::visit(
            [&](auto& job) {
                using J = std::decay_t<decltype(job)>;
                // Writes of a task whose claim was lost would land on a task another
                // worker runs now (or has queued again): dropped.
                constexpr bool work_write =
                    !std::is_same_v<J, detail::InsertJob> && !std::is_same_v<J, detail::PriorityJob> &&
                    !std::is_same_v<J, detail::MoveJob> && !std::is_same_v<J, detail::RemoveJob> &&
                    !std::is_same_v<J, detail::ClearJob> && !std::is_same_v<J, detail::BarrierJob>;
                if (work_write && lost.count(op.key)) {
                    ran = false;
                    return;
                }
                if constexpr (std::is_same_v<J, detail::InsertJob>) {
                    const auto& r = job.record;
                    result = db.run(
                        "arina_insert", pg::sql::kInsert,
                        {r.params_json, r.state.empty() ? std::string("queued") : r.state, num(r.priority),
                         r.fail_reason, r.error_message, num(r.total_bytes), num(r.done_bytes), r.output_path,
                         r.resume_json, num(r.created_at != 0 ? r.created_at : now), num(now),
                         num(r.attempts), r.host});
                    if (result.ok() && result.rows() == 1) inserted.emplace_back(&job, result.int64(0, 0));
                    notify = true;
                } else if constexpr (std::is_same_v<J, detail::StateJob>) {
                    if (holder != 0 && job.state == "completed")
                        result = db.run("arina_set_completed", pg::sql::kSetCompleted,
                                        {num(op.key), job.fail_reason, job.error_message, num(now), num(me)});
                    else
                        result = db.run("arina_set_state", pg::sql::kSetState,
                                        {num(op.key), job.state, job.fail_reason, job.error_message, num(now),
                                         fence(holder)});
                } else if constexpr (std::is_same_v<J, detail::ProgressJob>) {
                    const auto it = batch.progress().find(op.key);
                    if (it == batch.progress().end()) return void(ran = false);
                    result = db.run(
                        "arina_set_progress", pg::sql::kSetProgress,
                        {num(op.key), num(it->second.done), num(it->second.total), num(now), fence(holder)});
                } else if constexpr (std::is_same_v<J, detail::ResumeJob>) {
                    const auto it = batch.resume().find(op.key);
                    if (it == batch.resume().end()) return void(ran = false);
                    result = db.run("arina_set_resume", pg::sql::kSetResume,
                                    {num(op.key), it->second, num(now), fence(holder)});
                } else if constexpr (std::is_same_v<J, detail::OutputJob>) {
                    result = db.run("arina_set_output", pg::sql::kSetOutput,
                                    {num(op.key), job.path, num(now), fence(holder)});
                } else if constexpr (std::is_same_v<J, detail::PriorityJob>) {
                    result = db.run("arina_set_priority", pg::sql::kSetPriority,
                                    {num(op.key), num(job.priority), num(now)});
                } else if constexpr (std::is_same_v<J, detail::MoveJob>) {
                    result = db.run("arina_set_position", pg::sql::kSetPosition,
                                    {num(op.key), num(job.position), num(now)});
                } else if constexpr (std::is_same_v<J, detail::AttemptJob>) {
                    result = db.run("arina_add_attempt", pg::sql::kAddAttempt,
                                    {num(op.key), num(now), fence(holder)});
                } else if constexpr (std::is_same_v<J, detail::ReleaseJob>) {
                    if (holder == 0) return void(ran = false);
                    // The statement notifies the other workers itself, when that matters to them.
                    result = db.run("arina_release", pg::sql::kRelease, {num(op.key), num(now), num(me)});
                    held.erase(op.key);
                } else if constexpr (std::is_same_v<J, detail::RemoveJob>) {
                    result = db.run("arina_delete_one", pg::sql::kDeleteOne, {num(op.key)});
                } else if constexpr (std::is_same_v<J, detail::ClearJob>) {
                    if (!job.which) {
                        result = db.run("arina_delete_all", pg::sql::kDeleteAll, {});
                        return;
                    }
                    result = db.run("arina_select_all", pg::sql::kSelectAll, {});
                    if (!result.ok()) return;
                    std::vector<TaskKey> doomed;
                    try {
                        for (int row = 0; row < result.rows(); ++row) {
                            TaskRecord r = read_row(result, row);
                            if (job.which(r)) doomed.push_back(r.key);
                        }
                    } catch (const std::exception& e) {
                        job_errors.push_back(
                            Error{FailReason::Internal,
                                  "database " + name_ + ": task 0: clear: the filter threw: " + e.what()});
                        return void(ran = false);
                    } catch (...) {
                        job_errors.push_back(Error{
                            FailReason::Internal, "database " + name_ + ": task 0: clear: the filter threw"});
                        return void(ran = false);
                    }
                    for (TaskKey key : doomed) {
                        result = db.run("arina_delete_one", pg::sql::kDeleteOne, {num(key)});
                        if (!result.ok()) return;
                    }
                } else {
                    ran = false;  // BarrierJob
                }
            },
            op.job);
        // In PostgreSQL a failed statement aborts the transaction: the batch is retried whole.
        if (ran && !result.ok()) return fail("task " + std::to_string(op.key), result.message());
    }
    if (notify) {
        if (auto notified = db.run("arina_notify", pg::sql::kNotify, {}); !notified.ok())
            return fail("NOTIFY", notified.message());
    }
    if (!one_statement)
        if (auto committed = db.exec("COMMIT"); !committed.ok()) return fail("COMMIT", committed.message());
    writer_.count_commit();
    {
        std::lock_guard lk(held_mutex_);
        for (auto& op : batch.ops())
            if (std::holds_alternative<detail::ReleaseJob>(op.job)) {
                held_.erase(op.key);
                last_done_.erase(op.key);
            }
    }
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
// Reads

std::vector<TaskRecord> PgTaskStore::load_all() const {
    writer_.settle();
    std::vector<TaskRecord> out;
    std::lock_guard lk(read_mutex_);
    std::string error;
    if (!ensure(reader_conn_, error)) {
        read_error(error);
        return out;
    }
    auto result = reader_conn_->run("arina_select_all", pg::sql::kSelectAll, {});
    if (!result.ok()) {
        read_error(result.message());
        return out;
    }
    out.reserve(static_cast<std::size_t>(result.rows()));
    for (int i = 0; i < result.rows(); ++i) out.push_back(read_row(result, i));
    return out;
}

std::optional<TaskRecord> PgTaskStore::get(TaskKey key) const {
    writer_.settle();
    std::lock_guard lk(read_mutex_);
    std::string error;
    if (!ensure(reader_conn_, error)) {
        read_error(error);
        return std::nullopt;
    }
    auto result = reader_conn_->run("arina_select_one", pg::sql::kSelectOne, {num(key)});
    if (!result.ok()) {
        read_error(result.message());
        return std::nullopt;
    }
    if (result.rows() == 0) return std::nullopt;
    return read_row(result, 0);
}

bool PgTaskStore::has_pending() const {
    // Kept fresh by the control thread, so that callers such as Metrics never block.
    if (const int cached = pending_cache_.load(); cached >= 0) return cached == 1;
    writer_.settle();
    std::lock_guard lk(read_mutex_);
    std::string error;
    if (!ensure(reader_conn_, error)) {
        read_error(error);
        return true;
    }
    auto result = reader_conn_->run("arina_has_pending", pg::sql::kHasPending, {});
    if (!result.ok() || result.rows() != 1) {
        read_error(result.message());
        return true;
    }
    return result.text(0, 0) == "t";
}

std::vector<WorkerInfo> PgTaskStore::workers() const {
    std::vector<WorkerInfo> out;
    std::lock_guard lk(read_mutex_);
    std::string error;
    if (!ensure(reader_conn_, error)) {
        read_error(error);
        return out;
    }
    auto result = reader_conn_->run("arina_workers", pg::sql::kWorkers, {});
    if (!result.ok()) {
        read_error(result.message());
        return out;
    }
    for (int i = 0; i < result.rows(); ++i) {
        out.push_back(WorkerInfo{result.text(i, 0), static_cast<int>(result.int64(i, 1)), result.int64(i, 2),
                                 result.real(i, 3), result.int64(i, 4), result.int64(i, 5)});
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Claims

std::variant<std::int64_t, Error> PgTaskStore::register_worker() {
    if (const auto me = worker_id_.load(); me != 0) return me;
    std::string error;
    if (!ensure(claim_conn_, error)) return db_error("cannot connect", error);
    auto result =
        claim_conn_->run("arina_register", pg::sql::kRegister, {worker_name_, num(options_.lease.count())});
    if (!result.ok() || result.rows() != 1)
        return db_error("cannot register worker " + worker_name_, result.message());
    const std::int64_t me = result.int64(0, 0);
    worker_id_ = me;
    start_control();
    return me;
}

std::variant<std::optional<Claim>, Error> PgTaskStore::claim(const ClaimRequest& request) {
    // Our own queued writes (a release, a finished state) go first: the claim must see them.
    writer_.settle();
    std::lock_guard lk(claim_mutex_);
    std::string connect_error;
    if (!ensure(claim_conn_, connect_error)) {
        Error error = db_error("cannot connect", connect_error);
        writer_.record_error(error);
        return error;
    }
    auto registered = register_worker();
    if (auto* error = std::get_if<Error>(&registered)) {
        writer_.record_error(*error);
        return *error;
    }
    auto claimed = claim_locked(request, std::get<std::int64_t>(registered));
    if (auto* error = std::get_if<Error>(&claimed)) {
        if (claim_conn_ && claim_conn_->ok() && claim_conn_->in_transaction()) claim_conn_->exec("ROLLBACK");
        writer_.record_error(*error);
        return claimed;
    }
    auto& claim = std::get<std::optional<Claim>>(claimed);
    if (claim) {
        claim->record.worker = worker_name_;
        std::lock_guard held_lock(held_mutex_);
        held_.insert(claim->record.key);
        last_done_[claim->record.key] = claim->record.done_bytes;
    }
    return claimed;
}

std::variant<std::optional<Claim>, Error> PgTaskStore::claim_locked(const ClaimRequest& request,
                                                                    std::int64_t me) {
    pg::Connection& db = *claim_conn_;
    const std::int64_t now = detail::unix_now();
    const int wanted = std::max(1, request.connections);
    if (request.host_budget <= 0) {
        auto result = db.run("arina_claim_next", pg::sql::kClaimNext, {num(me), num(now)});
        if (!result.ok()) return db_error("cannot claim a task", result.message());
        if (result.rows() == 0) return std::optional<Claim>{};
        return std::optional<Claim>{Claim{read_row(result, 0), wanted}};
    }
    // With a budget: among the first claimable tasks (locked by us, skipped by the
    // others), the first whose host still has a slot for us.
    if (auto begun = db.exec("BEGIN"); !begun.ok()) return db_error("cannot claim a task", begun.message());
    auto candidates = db.run("arina_candidates", pg::sql::kCandidates, {});
    if (!candidates.ok()) return db_error("cannot claim a task", candidates.message());
    std::set<std::string> full_hosts;
    for (int i = 0; i < candidates.rows(); ++i) {
        const TaskKey key = candidates.int64(i, 0);
        const std::string host = candidates.text(i, 1);
        if (full_hosts.count(host)) continue;
        int granted = wanted;
        if (!host.empty()) {
            auto created =
                db.run("arina_create_slots", pg::sql::kCreateSlots, {host, num(request.host_budget)});
            if (!created.ok()) return db_error("cannot claim a task", created.message());
            auto taken = db.run("arina_take_slots", pg::sql::kTakeSlots,
                                {host, num(request.host_budget), num(me), num(key), num(wanted)});
            if (!taken.ok()) return db_error("cannot claim a task", taken.message());
            granted = taken.rows();
            if (granted == 0) {
                full_hosts.insert(host);
                continue;
            }
        }
        auto claimed = db.run("arina_claim_key", pg::sql::kClaimKey, {num(key), num(me), num(now)});
        if (!claimed.ok() || claimed.rows() != 1) return db_error("cannot claim a task", claimed.message());
        TaskRecord record = read_row(claimed, 0);
        if (auto committed = db.exec("COMMIT"); !committed.ok())
            return db_error("cannot claim a task", committed.message());
        return std::optional<Claim>{Claim{std::move(record), granted}};
    }
    if (auto committed = db.exec("COMMIT"); !committed.ok())
        return db_error("cannot claim a task", committed.message());
    return std::optional<Claim>{};
}

void PgTaskStore::release(TaskKey key) {
    writer_.enqueue(key, detail::ReleaseJob{});
}

void PgTaskStore::on_tasks_available(std::function<void()> callback) {
    std::lock_guard lk(callback_mutex_);
    available_ = std::move(callback);
}

void PgTaskStore::on_claims_lost(std::function<void(std::vector<TaskKey>)> callback) {
    std::lock_guard lk(callback_mutex_);
    lost_callback_ = std::move(callback);
}

// ---------------------------------------------------------------------------------------------
// The control thread

void PgTaskStore::start_control() {
    if (control_.joinable()) return;
    control_ = std::thread([this] { control_main(); });
}

void PgTaskStore::lose_claims() {
    std::vector<TaskKey> keys;
    {
        std::lock_guard lk(held_mutex_);
        keys.assign(held_.begin(), held_.end());
        lost_.insert(held_.begin(), held_.end());
        held_.clear();
        last_done_.clear();
        if (const auto me = worker_id_.exchange(0); me != 0) retired_.push_back(me);
    }
    std::function<void(std::vector<TaskKey>)> callback;
    {
        std::lock_guard lk(callback_mutex_);
        callback = lost_callback_;
    }
    if (callback && !keys.empty()) callback(std::move(keys));
}

void PgTaskStore::control_main() noexcept {
    try {
        control_loop();
    } catch (const std::exception& e) {
        writer_.record_error(
            Error{FailReason::Internal, "database " + name_ + ": control thread: " + e.what()});
    } catch (...) {
        writer_.record_error(Error{FailReason::Internal, "database " + name_ + ": control thread stopped"});
    }
}

void PgTaskStore::control_loop() {
    const auto beat = std::max(std::chrono::milliseconds(100), options_.lease / 5);
    std::unique_ptr<pg::Connection> conn;
    bool listening = false;
    auto last_beat_ok = Clock::now();
    auto next_beat = Clock::now();
    auto last_speed_at = Clock::now();
    bool pending_stale = true;
    Clock::time_point pending_at{};
    while (true) {
        bool wake = false;
        // (Re)connect and LISTEN. A fresh connection may have missed notifications: wake.
        if (!listening) {
            std::string error;
            if (ensure(conn, error)) {
                if (conn->exec("LISTEN arina_tasks").ok()) {
                    listening = true;
                    wake = true;
                }
            }
        }
        const auto now = Clock::now();
        if (now >= next_beat) {
            next_beat = now + beat;
            const std::int64_t me = worker_id_.load();
            double speed = 0;
            {
                std::lock_guard lk(held_mutex_);
                const double seconds = std::chrono::duration<double>(now - last_speed_at).count();
                if (seconds > 0) speed = static_cast<double>(progressed_bytes_) / seconds;
                progressed_bytes_ = 0;
                last_speed_at = now;
            }
            if (listening && me != 0) {
                auto result = conn->run("arina_heartbeat", pg::sql::kHeartbeat,
                                        {num(me), num(options_.lease.count()), std::to_string(speed)});
                if (result.ok() && result.rows() == 1) {
                    last_beat_ok = now;
                } else if (result.ok()) {
                    lose_claims();  // our lease ran out and others may hold our tasks now
                } else {
                    listening = false;
                }
            }
            // A worker out of touch for most of its lease stops its tasks before the
            // others may take them (the server counts the lease from a later instant).
            if (me != 0 && now - last_beat_ok > options_.lease * 4 / 5) lose_claims();
            if (listening) {
                std::vector<std::int64_t> retired;
                {
                    std::lock_guard lk(held_mutex_);
                    retired.swap(retired_);
                }
                retired.push_back(0);  // id 0 never exists: just the expired ones
                for (auto id : retired) {
                    auto reaped = conn->run("arina_reap", pg::sql::kReap, {num(id)});
                    if (!reaped.ok()) {
                        listening = false;
                        std::lock_guard lk(held_mutex_);
                        if (id != 0) retired_.push_back(id);
                        continue;
                    }
                    if (reaped.rows() == 1 && (reaped.int64(0, 0) > 0 || reaped.int64(0, 1) > 0)) {
                        conn->run("arina_notify", pg::sql::kNotify, {});
                        wake = true;
                    }
                }
            }
        }
        if (listening) {
            PQconsumeInput(conn->handle());
            while (PGnotify* note = PQnotifies(conn->handle())) {
                PQfreemem(note);
                wake = true;
            }
            if (PQstatus(conn->handle()) != CONNECTION_OK) listening = false;
        }
        // The pending flag is refreshed after a wake, but at most once per kPendingRefresh: on a
        // busy queue every release notifies every worker, and a query per notification per
        // worker would cost more than the claims themselves.
        if (wake || Clock::now() >= next_beat - beat) pending_stale = true;
        if (listening && pending_stale && Clock::now() - pending_at >= kPendingRefresh) {
            auto pending = conn->run("arina_has_pending", pg::sql::kHasPending, {});
            if (pending.ok() && pending.rows() == 1) pending_cache_ = pending.text(0, 0) == "t" ? 1 : 0;
            pending_at = Clock::now();
            pending_stale = false;
        }
        if (wake) {
            std::function<void()> callback;
            {
                std::lock_guard lk(callback_mutex_);
                callback = available_;
            }
            if (callback) callback();
        }
        // Sleep until the next heartbeat, a notification, or the stop signal.
        auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(next_beat - Clock::now());
        if (pending_stale)
            timeout = std::min(timeout, std::chrono::ceil<std::chrono::milliseconds>(
                                            pending_at + kPendingRefresh - Clock::now()));
        pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {listening ? conn->socket() : -1, POLLIN, 0}};
        const int wait_ms =
            listening
                ? static_cast<int>(std::max<std::int64_t>(0, timeout.count()))
                : static_cast<int>(std::min<std::int64_t>(1000, std::max<std::int64_t>(0, timeout.count())));
        ::poll(fds, 2, wait_ms);
        if (fds[0].revents & POLLIN) return;
    }
}

// ---------------------------------------------------------------------------------------------
// Writes

std::variant<std::vector<TaskKey>, Error> PgTaskStore::insert_many(std::vector<TaskRecord> records) {
    for (const auto& record : records)
        if (!record.state.empty() && !is_valid_task_state(record.state))
            return invalid_state_error(record.state);
    return writer_.insert_many(std::move(records));
}

void PgTaskStore::update_state(TaskKey key, std::string state, std::string fail_reason,
                               std::string error_message) {
    if (!is_valid_task_state(state)) {
        writer_.record_error(invalid_state_error(state));
        return;
    }
    writer_.enqueue(key,
                    detail::StateJob{std::move(state), std::move(fail_reason), std::move(error_message)});
}

void PgTaskStore::update_progress(TaskKey key, std::int64_t done, std::int64_t total) {
    {
        std::lock_guard lk(held_mutex_);
        if (auto it = last_done_.find(key); it != last_done_.end()) {
            if (done > it->second) progressed_bytes_ += done - it->second;
            it->second = done;
        }
    }
    writer_.push_progress(key, detail::Progress{done, total});
}

void PgTaskStore::update_resume(TaskKey key, std::string resume_json) {
    writer_.push_resume(key, std::move(resume_json));
}

void PgTaskStore::update_output(TaskKey key, std::string path) {
    writer_.enqueue(key, detail::OutputJob{std::move(path)});
}

void PgTaskStore::set_priority(TaskKey key, int priority) {
    writer_.enqueue(key, detail::PriorityJob{priority});
}

void PgTaskStore::move_to(TaskKey key, std::int64_t position) {
    writer_.enqueue(key, detail::MoveJob{position});
}

void PgTaskStore::increment_attempts(TaskKey key) {
    writer_.enqueue(key, detail::AttemptJob{});
}

void PgTaskStore::remove(TaskKey key) {
    writer_.enqueue(key, detail::RemoveJob{});
}

void PgTaskStore::clear(std::function<bool(const TaskRecord&)> which) {
    writer_.enqueue(0, detail::ClearJob{std::move(which)});
}

}  // namespace arina::store
