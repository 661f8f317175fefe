#include "store/batch_writer.hpp"

#include <algorithm>
#include <exception>
#include <future>
#include <system_error>
#include <utility>

namespace arina::store::detail {

BatchWriter::BatchWriter(TaskStoreOptions options, std::string name)
    : options_(options), name_(std::move(name)) {}

BatchWriter::~BatchWriter() {
    stop();
}

Error BatchWriter::start(Commit commit, Commit caller_commit) {
    commit_ = std::move(commit);
    caller_commit_ = std::move(caller_commit);
    try {
        thread_ = std::thread([this] { writer_main(); });
    } catch (const std::system_error& e) {
        return Error{FailReason::Internal, "database " + name_ + ": cannot start the writer: " + e.what()};
    }
    return {};
}

void BatchWriter::stop() {
    {
        std::lock_guard lk(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void BatchWriter::record_error_locked(Error error) {
    if (!first_error_) first_error_ = error;
    latest_error_ = std::move(error);
}

void BatchWriter::record_error(Error error) {
    std::lock_guard lk(mutex_);
    record_error_locked(std::move(error));
}

void BatchWriter::record_errors(std::vector<Error> errors) {
    std::lock_guard lk(mutex_);
    for (auto& e : errors) record_error_locked(std::move(e));
}

/// Queues a job (or a coalescing update, through `push`); the caller holds `mutex_`.
/// Wakes the writer only when it has to look: a full batch, or the first job of a burst
/// when the writer sleeps (a quiet store). A busy store's writer looks every batch_window
/// by itself: no thread switch per "write, flush" (bench/cluster.sh: claim latency).
template <typename Push>
std::uint64_t BatchWriter::push_locked(Push&& push) {
    const std::uint64_t seq = next_seq_++;
    const bool was_empty = pending_.empty();
    if (was_empty) pending_since_ = Clock::now();
    push(seq);
    if ((was_empty && asleep_) || pending_.size() >= options_.batch_jobs) wake_.notify_one();
    return seq;
}

std::uint64_t BatchWriter::enqueue_locked(TaskKey key, Job job) {
    return push_locked([&](std::uint64_t seq) { pending_.push(Op{seq, key, std::move(job)}); });
}

void BatchWriter::enqueue(TaskKey key, Job job) {
    std::lock_guard lk(mutex_);
    if (!stopping_) enqueue_locked(key, std::move(job));
}

void BatchWriter::push_progress(TaskKey key, Progress progress) {
    std::lock_guard lk(mutex_);
    if (stopping_) return;
    push_locked([&](std::uint64_t seq) { pending_.push_progress(seq, key, progress); });
}

void BatchWriter::push_resume(TaskKey key, std::string resume_json) {
    std::lock_guard lk(mutex_);
    if (stopping_) return;
    push_locked([&](std::uint64_t seq) { pending_.push_resume(seq, key, std::move(resume_json)); });
}

std::variant<std::vector<TaskKey>, Error> BatchWriter::insert_many(std::vector<TaskRecord> records) {
    std::vector<std::future<InsertResult>> results;
    results.reserve(records.size());
    {
        // Queued under one lock: the writer takes them in one batch, one transaction.
        std::lock_guard lk(mutex_);
        if (stopping_ || writer_dead_)
            return Error{FailReason::Internal, "database " + name_ + " is closing"};
        for (auto& record : records) {
            auto done = std::make_shared<std::promise<InsertResult>>();
            results.push_back(done->get_future());
            enqueue_locked(0, InsertJob{std::move(record), std::move(done)});
        }
        urgent_ = true;
        wake_.notify_one();
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
                first_error = Error{FailReason::Internal, "database " + name_ + ": insert lost: " + e.what()};
        }
    }
    if (first_error) return *first_error;
    return keys;
}

bool BatchWriter::commit_pending(std::unique_lock<std::mutex>& lk, const Commit& commit) {
    Batch batch = std::exchange(pending_, Batch{});
    urgent_ = false;
    in_flight_ = true;
    lk.unlock();

    bool ok = false;
    try {
        ok = commit(batch);
    } catch (const std::exception& e) {
        // Out of memory, most likely. Keep the jobs and report; the thread goes on
        // (the back end rolls back what is open at its next attempt).
        Error error{FailReason::Internal, std::string("task database writer: ") + e.what()};
        record_error(error);
        for (auto& insert : batch.take_inserts_and_barriers()) {
            if (insert.done) insert.done->set_value(error);
        }
    }

    lk.lock();
    in_flight_ = false;
    attempted_seq_ = std::max(attempted_seq_, batch.last_seq());
    if (!ok) {
        batch.take_inserts_and_barriers();  // already answered
        if (!batch.empty()) {
            pending_.prepend(std::move(batch));
            pending_since_ = Clock::now();
        }
        retry_after_ = Clock::now() + options_.retry_delay;
    }
    settled_.notify_all();
    // The writer waits while a caller commits: its turn again.
    if (!pending_.empty() || stopping_) wake_.notify_one();
    return ok;
}

void BatchWriter::writer_loop() {
    std::unique_lock lk(mutex_);
    while (true) {
        // Idle (or a caller commits): look again every batch_window while bursts keep
        // coming, sleep until woken once the store has been quiet for kSleepAfter.
        while (in_flight_ || (!stopping_ && pending_.empty())) {
            if (Clock::now() - pending_since_ >= kSleepAfter) {
                asleep_ = true;
                wake_.wait(lk);
                asleep_ = false;
            } else {
                wake_.wait_for(lk, std::max(options_.batch_window, std::chrono::milliseconds(1)));
            }
        }
        if (pending_.empty()) break;  // stopping, nothing left
        if (!stopping_) {
            // Gather a burst: until the window since the first job closes, or enough
            // jobs wait, or somebody waits for the result.
            const auto deadline = std::max(pending_since_ + options_.batch_window, retry_after_);
            wake_.wait_until(lk, deadline, [&] {
                return stopping_ || urgent_ ||
                       (pending_.size() >= options_.batch_jobs && Clock::now() >= retry_after_);
            });
            // A waiting caller may have committed the burst meanwhile, or be committing it.
            if (in_flight_ || pending_.empty()) continue;
        }
        const bool ok = commit_pending(lk, commit_);
        if (!ok && stopping_) break;  // one last attempt was made; flush() reported it
    }
    settled_.notify_all();
}

void BatchWriter::writer_main() noexcept {
    try {
        writer_loop();
    } catch (...) {
        // Only a broken invariant gets here (the loop catches what a commit throws).
        // Waiters must not hang: mark the writer dead and answer queued inserts.
        try {
            std::lock_guard lk(mutex_);
            writer_dead_ = true;
            in_flight_ = false;
            Error error{FailReason::Internal, "task database writer stopped unexpectedly"};
            record_error_locked(error);
            for (auto& insert : pending_.take_inserts_and_barriers()) {
                if (insert.done) insert.done->set_value(error);
            }
        } catch (...) {
        }
        settled_.notify_all();
    }
}

void BatchWriter::wait_attempted(std::unique_lock<std::mutex>& lk, std::uint64_t seq) {
    while (attempted_seq_ < seq && !writer_dead_) {
        if (caller_commit_ && !in_flight_ && !pending_.empty()) {
            commit_pending(lk, caller_commit_);
            caller_commits_.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        urgent_ = true;
        wake_.notify_one();
        settled_.wait(lk);
    }
}

void BatchWriter::settle() {
    std::unique_lock lk(mutex_);
    wait_attempted(lk, next_seq_ - 1);
}

Error BatchWriter::flush() {
    std::unique_lock lk(mutex_);
    if (!pending_.empty() || in_flight_) {
        // The barrier makes sure there is an attempt after this call, even when all
        // that waits is a batch that already failed once.
        wait_attempted(lk, enqueue_locked(0, BarrierJob{}));
    }
    Error error = first_error_.value_or(Error{});
    first_error_.reset();
    latest_error_.reset();
    return error;
}

std::optional<Error> BatchWriter::last_error() const {
    std::lock_guard lk(mutex_);
    return latest_error_;
}

}  // namespace arina::store::detail
