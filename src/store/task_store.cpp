#include "store/task_store.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <future>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include "store/sqlite_db.hpp"
#include "store/task_lock.hpp"
#include "store/task_ops.hpp"
#include "store/task_schema.hpp"
#include "store/task_sql.hpp"

namespace arina::store {

bool is_valid_task_state(std::string_view state) {
    return std::find(kTaskStates.begin(), kTaskStates.end(), state) != kTaskStates.end();
}

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Error invalid_state_error(std::string_view state) {
    return Error{FailReason::Internal, "invalid task state '" + std::string(state) + "'"};
}

}  // namespace

struct TaskStore::Impl {
    std::filesystem::path path;
    TaskStoreOptions options;
    std::unique_ptr<TaskLock> lock;
    std::unique_ptr<sqlite::Connection> writer_db;  // the writer thread's, once it runs
    mutable std::mutex read_mutex;
    std::unique_ptr<sqlite::Connection> reader_db;  // under read_mutex

    // Everything below is under `mutex`.
    mutable std::mutex mutex;
    std::condition_variable wake;     // the writer waits for jobs
    std::condition_variable settled;  // callers wait for commit attempts
    detail::Batch pending;
    Clock::time_point pending_since{};  // when `pending` stopped being empty
    Clock::time_point retry_after{};    // no commit before this after a failure, unless urgent
    std::uint64_t next_seq = 1;
    std::uint64_t attempted_seq = 0;  // every job up to here went through a finished attempt
    bool in_flight = false;           // the writer is committing a batch
    bool urgent = false;              // somebody waits: commit now
    bool stopping = false;
    bool writer_dead = false;  // the writer thread ended (only by a bug)
    std::optional<Error> first_error, latest_error;

    std::atomic<std::uint64_t> commits{0};
    int synchronous = -1;  // PRAGMA synchronous in force on writer_db (writer thread only)
    std::thread writer;

    void record_error(Error error) {
        if (!first_error) first_error = error;
        latest_error = std::move(error);
    }
    void record_error_locked(Error error) {
        std::lock_guard lk(mutex);
        record_error(std::move(error));
    }

    /// Queues a job (or a coalescing update, through `push`); the caller holds `mutex`.
    /// Wakes the writer only when it has to look: the first job of a burst, or a full batch.
    template <typename Push>
    std::uint64_t push_locked(Push&& push) {
        const std::uint64_t seq = next_seq++;
        const bool was_empty = pending.empty();
        if (was_empty) pending_since = Clock::now();
        push(seq);
        if (was_empty || pending.size() >= options.batch_jobs) wake.notify_one();
        return seq;
    }
    std::uint64_t enqueue_locked(TaskKey key, detail::Job job) {
        return push_locked([&](std::uint64_t seq) { pending.push(detail::Op{seq, key, std::move(job)}); });
    }
    void enqueue(TaskKey key, detail::Job job) {
        std::lock_guard lk(mutex);
        if (!stopping) enqueue_locked(key, std::move(job));
    }

    /// Blocks until every job queued so far has been through a commit attempt.
    void settle();

    void writer_main() noexcept;
    void writer_loop();
    /// One transaction for the whole batch. Returns true when committed; on failure
    /// the transaction is rolled back and the error recorded.
    bool commit(detail::Batch& batch);
    sqlite::Status set_synchronous(int level);
    Error storage_error(const sqlite::Status& status) const;
};

// ---------------------------------------------------------------------------------------------
// Writer thread

Error TaskStore::Impl::storage_error(const sqlite::Status& status) const {
    if (sqlite::is_corruption(status.code)) return corrupt_database_error(path, status.message);
    const auto reason = (status.code & 0xff) == SQLITE_FULL ? FailReason::DiskFull : FailReason::Database;
    return Error{reason, "cannot write to database " + path.string() + ": " + status.message};
}

sqlite::Status TaskStore::Impl::set_synchronous(int level) {
    if (level == synchronous) return {};
    auto status = writer_db->exec(level == 2 ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    if (status.ok()) synchronous = level;
    return status;
}

bool TaskStore::Impl::commit(detail::Batch& batch) {
    sqlite::Connection& db = *writer_db;
    const std::int64_t now = unix_now();
    std::vector<std::pair<detail::InsertJob*, TaskKey>> inserted;
    std::vector<Error> job_errors;

    auto fail = [&](const sqlite::Status& status) {
        if (db.in_transaction()) db.exec("ROLLBACK");
        Error error = storage_error(status);
        {
            // Recorded before any insert is answered: when insert() returns its error,
            // last_error() already shows it.
            std::lock_guard lk(mutex);
            for (auto& e : job_errors) record_error(std::move(e));
            record_error(error);
        }
        for (auto& insert : batch.take_inserts_and_barriers()) {
            if (insert.done) insert.done->set_value(error);
        }
        return false;
    };

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
                          "cannot add a task to database " + path.string() + ": " + status.message});
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
            "database " + path.string() + ": task " + std::to_string(op.key) + ": " + job_error});
    }
    if (auto status = db.exec("COMMIT"); !status.ok()) return fail(status);
    commits.fetch_add(1, std::memory_order_relaxed);
    // Committed: nothing below may make the caller treat the batch as failed and
    // apply it a second time, so nothing below may throw out of here.
    try {
        if (!job_errors.empty()) {
            std::lock_guard lk(mutex);
            for (auto& e : job_errors) record_error(std::move(e));
        }
        for (auto& [insert, key] : inserted) {
            insert->done->set_value(key);
            insert->done.reset();
        }
    } catch (...) {
        // Out of memory while reporting: the data is safe; a waiting insert gets a
        // broken promise, which insert() turns into an error.
    }
    return true;
}

void TaskStore::Impl::writer_loop() {
    std::unique_lock lk(mutex);
    while (true) {
        wake.wait(lk, [&] { return stopping || !pending.empty(); });
        if (pending.empty()) break;  // stopping, nothing left
        if (!stopping) {
            // Gather a burst: until the window since the first job closes, or enough
            // jobs wait, or somebody waits for the result.
            const auto deadline = std::max(pending_since + options.batch_window, retry_after);
            wake.wait_until(lk, deadline, [&] {
                return stopping || urgent ||
                       (pending.size() >= options.batch_jobs && Clock::now() >= retry_after);
            });
        }
        detail::Batch batch = std::exchange(pending, detail::Batch{});
        urgent = false;
        in_flight = true;
        lk.unlock();

        bool ok = false;
        try {
            ok = commit(batch);
        } catch (const std::exception& e) {
            // Out of memory, most likely. Keep the jobs and report; the thread goes on.
            if (writer_db->in_transaction()) writer_db->exec("ROLLBACK");
            Error error{FailReason::Internal, std::string("task database writer: ") + e.what()};
            record_error_locked(error);
            for (auto& insert : batch.take_inserts_and_barriers()) {
                if (insert.done) insert.done->set_value(error);
            }
        }

        lk.lock();
        in_flight = false;
        attempted_seq = std::max(attempted_seq, batch.last_seq());
        if (!ok) {
            batch.take_inserts_and_barriers();  // already answered
            if (!batch.empty()) {
                pending.prepend(std::move(batch));
                pending_since = Clock::now();
            }
            retry_after = Clock::now() + options.retry_delay;
            if (stopping) break;  // one last attempt was made; flush() reported it
        }
        settled.notify_all();
    }
    settled.notify_all();
}

void TaskStore::Impl::writer_main() noexcept {
    try {
        writer_loop();
    } catch (...) {
        // Only a broken invariant gets here (the loop catches what a commit throws).
        // Waiters must not hang: mark the writer dead and answer queued inserts.
        try {
            std::lock_guard lk(mutex);
            writer_dead = true;
            in_flight = false;
            Error error{FailReason::Internal, "task database writer stopped unexpectedly"};
            record_error(error);
            for (auto& insert : pending.take_inserts_and_barriers()) {
                if (insert.done) insert.done->set_value(error);
            }
        } catch (...) {
        }
        settled.notify_all();
    }
}

void TaskStore::Impl::settle() {
    std::unique_lock lk(mutex);
    const std::uint64_t target = next_seq - 1;
    if (attempted_seq >= target || writer_dead) return;
    urgent = true;
    wake.notify_one();
    settled.wait(lk, [&] { return attempted_seq >= target || writer_dead; });
}

// ---------------------------------------------------------------------------------------------
// Opening and closing

TaskStore::TaskStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::variant<std::unique_ptr<TaskStore>, Error> TaskStore::open(const std::filesystem::path& db_path,
                                                                TaskStoreOptions options) {
    auto impl = std::make_unique<Impl>();
    impl->path = db_path;
    impl->options = options;
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
    impl->lock = std::move(std::get<std::unique_ptr<TaskLock>>(lock));

    const auto busy_ms = static_cast<int>(std::clamp<std::int64_t>(options.busy_timeout.count(), 0, 1 << 30));
    sqlite::Status status;
    impl->writer_db = sqlite::Connection::open(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, status);
    if (!impl->writer_db) return fail("cannot open", status);
    sqlite3_busy_timeout(impl->writer_db->handle(), busy_ms);
    if (auto error = prepare_task_database(*impl->writer_db, db_path)) return error;
    if (status = impl->writer_db->exec("PRAGMA synchronous = NORMAL"); !status.ok()) {
        return fail("cannot set synchronous mode", status);
    }
    impl->synchronous = 1;

    impl->reader_db = sqlite::Connection::open(db_path, SQLITE_OPEN_READWRITE, status);
    if (!impl->reader_db) return fail("cannot open a reading connection", status);
    sqlite3_busy_timeout(impl->reader_db->handle(), busy_ms);
    if (status = impl->reader_db->exec("PRAGMA query_only = 1"); !status.ok()) {
        return fail("cannot open a reading connection", status);
    }

    try {
        impl->writer = std::thread([raw = impl.get()] { raw->writer_main(); });
    } catch (const std::system_error& e) {
        return Error{FailReason::Internal,
                     "database " + db_path.string() + ": cannot start the writer: " + e.what()};
    }
    return std::unique_ptr<TaskStore>(new TaskStore(std::move(impl)));
}

TaskStore::~TaskStore() {
    {
        std::lock_guard lk(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->wake.notify_one();
    if (impl_->writer.joinable()) impl_->writer.join();
    // Close the reader first: the last connection to close checkpoints the WAL into
    // the database and removes it.
    impl_->reader_db.reset();
    impl_->writer_db.reset();
    impl_->lock.reset();
}

std::filesystem::path TaskStore::default_path() {
    const std::filesystem::path tail = std::filesystem::path("arina") / "tasks.db";
    // The XDG spec: a relative XDG_DATA_HOME is invalid and is ignored.
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && xdg[0] == '/') {
        return std::filesystem::path(xdg) / tail;
    }
    std::filesystem::path home;
    if (const char* env = std::getenv("HOME"); env != nullptr && env[0] != '\0') {
        home = env;
    } else if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
        home = pw->pw_dir;
    }
    return home / ".local" / "share" / tail;
}

// ---------------------------------------------------------------------------------------------
// Reads

std::vector<TaskRecord> TaskStore::load_all() const {
    impl_->settle();
    std::vector<TaskRecord> out;
    sqlite::Status status;
    {
        std::lock_guard lk(impl_->read_mutex);
        status = detail::select_all(*impl_->reader_db, out);
    }
    if (!status.ok()) {
        out.clear();
        impl_->record_error_locked(Error{
            FailReason::Database, "cannot read database " + impl_->path.string() + ": " + status.message});
    }
    return out;
}

std::optional<TaskRecord> TaskStore::get(TaskKey key) const {
    impl_->settle();
    std::optional<TaskRecord> out;
    sqlite::Status status;
    {
        std::lock_guard lk(impl_->read_mutex);
        status = detail::select_one(*impl_->reader_db, key, out);
    }
    if (!status.ok()) {
        impl_->record_error_locked(Error{
            FailReason::Database, "cannot read database " + impl_->path.string() + ": " + status.message});
        return std::nullopt;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Writes

std::variant<TaskKey, Error> TaskStore::insert(TaskRecord record) {
    std::vector<TaskRecord> one;
    one.push_back(std::move(record));
    auto added = insert_many(std::move(one));
    if (auto* error = std::get_if<Error>(&added)) return std::move(*error);
    return std::get<std::vector<TaskKey>>(added).front();
}

std::variant<std::vector<TaskKey>, Error> TaskStore::insert_many(std::vector<TaskRecord> records) {
    for (const auto& record : records)
        if (!record.state.empty() && !is_valid_task_state(record.state))
            return invalid_state_error(record.state);
    std::vector<std::future<detail::InsertResult>> results;
    results.reserve(records.size());
    {
        // Queued under one lock: the writer takes them in one batch, one transaction.
        std::lock_guard lk(impl_->mutex);
        if (impl_->stopping || impl_->writer_dead) {
            return Error{FailReason::Internal, "database " + impl_->path.string() + " is closing"};
        }
        for (auto& record : records) {
            auto done = std::make_shared<std::promise<detail::InsertResult>>();
            results.push_back(done->get_future());
            impl_->enqueue_locked(0, detail::InsertJob{std::move(record), std::move(done)});
        }
        impl_->urgent = true;
        impl_->wake.notify_one();
    }
    std::vector<TaskKey> keys;
    std::optional<Error> first_error;
    for (auto& result : results) {
        try {
            auto answer = result.get();
            if (auto* key = std::get_if<TaskKey>(&answer))
                keys.push_back(*key);
            else if (!first_error)
                first_error = std::get<Error>(answer);
        } catch (const std::exception& e) {
            if (!first_error)
                first_error = Error{FailReason::Internal,
                                    "database " + impl_->path.string() + ": insert lost: " + e.what()};
        }
    }
    if (first_error) return *first_error;
    return keys;
}

void TaskStore::update_state(TaskKey key, std::string state, std::string fail_reason,
                             std::string error_message) {
    if (!is_valid_task_state(state)) {
        impl_->record_error_locked(invalid_state_error(state));
        return;
    }
    impl_->enqueue(key, detail::StateJob{std::move(state), std::move(fail_reason), std::move(error_message)});
}

void TaskStore::update_progress(TaskKey key, std::int64_t done, std::int64_t total) {
    std::lock_guard lk(impl_->mutex);
    if (impl_->stopping) return;
    impl_->push_locked([&](std::uint64_t seq) {
        impl_->pending.push_progress(seq, key, detail::Progress{done, total});
    });
}

void TaskStore::update_resume(TaskKey key, std::string resume_json) {
    std::lock_guard lk(impl_->mutex);
    if (impl_->stopping) return;
    impl_->push_locked(
        [&](std::uint64_t seq) { impl_->pending.push_resume(seq, key, std::move(resume_json)); });
}

void TaskStore::update_output(TaskKey key, std::string path) {
    impl_->enqueue(key, detail::OutputJob{std::move(path)});
}

void TaskStore::set_priority(TaskKey key, int priority) {
    impl_->enqueue(key, detail::PriorityJob{priority});
}

void TaskStore::move_to(TaskKey key, std::int64_t position) {
    impl_->enqueue(key, detail::MoveJob{position});
}

void TaskStore::increment_attempts(TaskKey key) {
    impl_->enqueue(key, detail::AttemptJob{});
}

void TaskStore::remove(TaskKey key) {
    impl_->enqueue(key, detail::RemoveJob{});
}

void TaskStore::clear(std::function<bool(const TaskRecord&)> which) {
    impl_->enqueue(0, detail::ClearJob{std::move(which)});
}

Error TaskStore::flush() {
    std::unique_lock lk(impl_->mutex);
    if (!impl_->pending.empty() || impl_->in_flight) {
        // The barrier makes sure there is an attempt after this call, even when all
        // that waits is a batch that already failed once.
        const std::uint64_t seq = impl_->enqueue_locked(0, detail::BarrierJob{});
        impl_->urgent = true;
        impl_->wake.notify_one();
        impl_->settled.wait(lk, [&] { return impl_->attempted_seq >= seq || impl_->writer_dead; });
    }
    Error error = impl_->first_error.value_or(Error{});
    impl_->first_error.reset();
    impl_->latest_error.reset();
    return error;
}

std::optional<Error> TaskStore::last_error() const {
    std::lock_guard lk(impl_->mutex);
    return impl_->latest_error;
}

std::uint64_t TaskStore::commit_count() const {
    return impl_->commits.load(std::memory_order_relaxed);
}

const std::filesystem::path& TaskStore::path() const {
    return impl_->path;
}

}  // namespace arina::store
