#include "core/manager_impl.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "core/log.hpp"
#include "core/progress_text.hpp"
#include "core/task_codec.hpp"
#include "net/retry_policy.hpp"
#include "util/units.hpp"

namespace arina {

namespace {}  // namespace

DownloadManager::Impl::Impl(Config c, std::unique_ptr<DownloadFactory> f, std::unique_ptr<store::TaskStore> s)
    : settings_(std::make_shared<const Config>(std::move(c))),
      factory(f ? std::move(f) : make_default_download_factory()),
      store(std::move(s)),
      runtime(net::EngineOptions{settings_->max_connections_per_host, settings_->rate_limit}),
      max_workers(std::max(1, settings_->max_workers)) {
    load_from_store();
    if (store) {
        store->on_tasks_available([this] { run_on_engine([this] { schedule(); }); });
        store->on_claims_lost([this](std::vector<store::TaskKey> keys) {
            run_on_engine([this, keys = std::move(keys)] { drop_lost(keys); });
        });
    }
    run_on_engine([this] {
        tick_timer = runtime.engine.add_timer(kTickInterval, [this] { tick(); });
        schedule();
    });
}

DownloadManager::Impl::~Impl() {
    shutdown();
    // Before the runtime: the store's threads post to the engine until they stop.
    store.reset();
}

// ------------------------------------------------------------------ any thread

void DownloadManager::Impl::run_on_engine(std::function<void()> fn) {
    runtime.engine.post([this, fn = std::move(fn)] {
        try {
            fn();
        } catch (const std::exception& e) {
            // A bug in one step must not take the engine thread (and every task) down.
            log().error("download manager: {}", e.what());
        }
        flush_events();
    });
}

std::vector<std::pair<TaskId, std::future<TaskResult>>> DownloadManager::Impl::add(
    std::vector<DownloadTask> tasks) {
    std::vector<std::pair<TaskId, std::future<TaskResult>>> added;
    if (tasks.empty()) return added;
    // The store's commit waits for a sync to disk: it runs before the mutex is taken, so
    // the engine thread (which takes the mutex on every tick) never waits for the disk,
    // and a whole list costs one transaction.
    std::vector<TaskId> keys;
    if (store) {
        std::vector<store::TaskRecord> records;
        records.reserve(tasks.size());
        for (const auto& task : tasks) {
            store::TaskRecord r;
            r.params_json = encode_task(task);
            r.state = std::string(to_string(TaskStatus::Queued));
            r.priority = task.priority;
            r.host = task_host(task.url);
            records.push_back(std::move(r));
        }
        auto inserted = store->insert_many(std::move(records));
        if (auto* err = std::get_if<Error>(&inserted)) {
            // Nothing is queued; each caller learns why through its future.
            for (const auto& task : tasks) {
                std::promise<TaskResult> failed;
                TaskResult r;
                r.status = TaskStatus::Failed;
                r.error = {err->reason, "cannot queue " + task.url + ": " + err->message};
                failed.set_value(std::move(r));
                added.emplace_back(0, failed.get_future());
            }
            return added;
        }
        keys = std::move(std::get<std::vector<store::TaskKey>>(inserted));
    }
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    {
        std::lock_guard lock(mutex);
        for (std::size_t i = 0; i < tasks.size(); ++i) {
            const TaskId id = store ? keys[i] : next_id++;
            Entry& e = entries[id];
            e.id = id;
            e.task = std::move(tasks[i]);
            e.seq = next_seq++;
            e.added_at = now;
            e.promise.emplace();
            added.emplace_back(id, e.promise->get_future());
            pending.emplace_back(TaskAddedEvent{id, e.task});
        }
    }
    run_on_engine([this] { schedule(); });
    return added;
}

bool DownloadManager::Impl::post_if_known(TaskId id, std::function<void(TaskId)> action) {
    {
        std::lock_guard lock(mutex);
        if (!entries.count(id) || shutting_down) return false;
    }
    run_on_engine([id, action = std::move(action)] { action(id); });
    return true;
}

// Swaps a queued task with its queued neighbour of the same priority: the one that starts
// just before it (direction < 0) or just after it.
bool DownloadManager::Impl::move_by(TaskId id, int direction) {
    std::lock_guard lock(mutex);
    auto it = entries.find(id);
    if (it == entries.end() || it->second.status != TaskStatus::Queued) return false;
    Entry& me = it->second;
    Entry* neighbour = nullptr;
    for (auto& [other_id, e] : entries) {
        if (other_id == id || e.status != TaskStatus::Queued || e.task.priority != me.task.priority) continue;
        const bool candidate = direction < 0 ? e.seq < me.seq && (!neighbour || e.seq > neighbour->seq)
                                             : e.seq > me.seq && (!neighbour || e.seq < neighbour->seq);
        if (candidate) neighbour = &e;
    }
    if (!neighbour) return false;
    std::swap(me.seq, neighbour->seq);
    if (store) {
        store->move_to(me.id, me.seq);
        store->move_to(neighbour->id, neighbour->seq);
    }
    return true;
}

TaskInfo DownloadManager::Impl::info_of(const Entry& e) const {
    TaskInfo t;
    t.id = e.id;
    t.task = e.task;
    t.status = e.status;
    t.error = e.error;
    t.file = !e.file.empty() ? e.file : e.progress.file;
    t.done_bytes = e.progress.done_bytes;
    t.total_bytes = e.progress.total_bytes;
    t.speed = is_active(e.status) ? e.speed : 0;
    t.eta = (t.speed > 0 && t.total_bytes >= 0) ? static_cast<double>(t.total_bytes - t.done_bytes) / t.speed
                                                : -1;
    t.connections = is_active(e.status) ? e.progress.connections : 0;
    t.duplicated_bytes = e.progress.duplicated_bytes;
    t.target_connections = e.progress.target_connections;
    t.connections_reason = e.progress.connections_reason;
    t.peak_connections = e.progress.peak_connections;
    t.connection_rates = e.progress.connection_rates;
    t.attempts = e.attempts;
    t.added_at = e.added_at;
    t.order = e.seq;
    t.stage = stage_of(e.status, e.progress);
    t.fragments_done = e.progress.fragments_done;
    t.fragments_total = e.progress.fragments_total;
    return t;
}

// ------------------------------------------------------------------ the state machine

void DownloadManager::Impl::transition(Entry& e, TaskStatus to, Error error) {
    const TaskStatus from = e.status;
    if (!can_transition(from, to)) {
        log().error("task {}: refused transition {} -> {}", e.id, to_string(from), to_string(to));
        return;
    }
    log().debug("task {}: {} -> {}", e.id, to_string(from), to_string(to));
    e.status = to;
    e.error = to == TaskStatus::Failed ? error : Error{};
    if (store) {
        store->update_state(e.id, std::string(to_string(to)),
                            error ? std::string(arina::to_string(error.reason)) : "", error.message);
        if (is_terminal(to) || to == TaskStatus::Paused) release(e);
    }
    pending.emplace_back(StateEvent{e.id, from, to, e.error});
    pending_progress.push_back(progress_event_of(info_of(e)));
    changed.notify_all();
}

void DownloadManager::Impl::fulfil(Entry& e) {
    if (!e.promise) return;
    TaskResult r;
    r.id = e.id;
    r.status = e.status;
    r.error = e.status == TaskStatus::Cancelled ? Error{FailReason::Cancelled, "cancelled: " + e.task.url}
                                                : e.error;
    r.file = e.file;
    r.size = e.size;
    r.already_present = e.already_present;
    r.notices = e.notices;
    r.warnings = e.warnings;
    r.resumed_bytes = e.resumed_bytes;
    r.duplicated_bytes = e.duplicated_bytes;
    r.entries = e.playlist_entries;
    r.connections = e.progress.target_connections;
    r.connections_reason = e.progress.connections_reason;
    r.peak_connections = e.progress.peak_connections;
    r.connection_rates = e.progress.connection_rates;
    e.promise->set_value(std::move(r));
    e.promise.reset();
}

void DownloadManager::Impl::release(Entry& e) {
    if (!e.held) return;
    e.held = false;
    store->release(e.id);
}

void DownloadManager::Impl::forget(Entry& e) {
    const TaskId id = e.id;
    if (e.retry_timer) runtime.engine.cancel_timer(e.retry_timer);
    if (e.promise) {
        e.status = TaskStatus::Cancelled;
        fulfil(e);
    }
    entries.erase(id);
    pending.emplace_back(TaskRemovedEvent{id});
    changed.notify_all();
}

void DownloadManager::Impl::erase(Entry& e) {
    const TaskId id = e.id;
    if (e.retry_timer) runtime.engine.cancel_timer(e.retry_timer);
    if (e.delete_files) {
        std::error_code ec;
        const auto file = !e.file.empty() ? e.file : e.progress.file;
        if (!file.empty())
            for (const auto& f : task_files(file)) std::filesystem::remove(f, ec);
    }
    if (e.promise) {
        e.status = TaskStatus::Cancelled;
        fulfil(e);
    }
    if (store) {
        release(e);
        store->remove(id);
    }
    entries.erase(id);
    pending.emplace_back(TaskRemovedEvent{id});
    changed.notify_all();
}

bool DownloadManager::Impl::counts_as_queued(const Entry& e) const {
    // A queued task of a shared queue that this process does not hold may be any
    // worker's: it is the queue's to count (Metrics::shared_queue_busy), not ours.
    return e.status == TaskStatus::Queued && (e.held || !store || !store->shared());
}

bool DownloadManager::Impl::idle_locked() const {
    for (const auto& [id, e] : entries)
        if (counts_as_queued(e) || is_active(e.status)) return false;
    return true;
}

// ------------------------------------------------------------------ engine thread

void DownloadManager::Impl::schedule() {
    while (true) {
        TaskId pick = 0;
        DownloadTask task;
        {
            std::unique_lock lock(mutex);
            if (shutting_down) return;
            int active = 0;
            Entry* best = nullptr;
            for (auto& [id, e] : entries) {
                if (is_active(e.status)) ++active;
                if (e.status != TaskStatus::Queued || e.retry_waiting) continue;
                // With a store, only tasks claimed from it run (a held one waits for a retry).
                if (store && !e.held) continue;
                if (!best || e.task.priority > best->task.priority ||
                    (e.task.priority == best->task.priority && e.seq < best->seq))
                    best = &e;
            }
            if (active >= max_workers) return;
            if (!best) {
                if (!store) return;
                lock.unlock();
                flush_events();
                best = claim_from_store();  // entries only change on this thread: `best` stays valid
                if (!best) return;
                lock.lock();
                if (shutting_down) {
                    release(*best);
                    return;
                }
            }
            transition(*best, TaskStatus::Extracting);
            pick = best->id;
            task = best->task;
        }
        // Extraction is deciding what kind of download the URL needs.
        std::unique_ptr<transfer::Download> download;
        Error error;
        try {
            download =
                factory->create(task, *settings(), runtime,
                                [this, pick](const transfer::DownloadResult& r) { on_finished(pick, r); });
        } catch (const std::exception& e) {
            error = {FailReason::Internal, std::string("cannot start ") + task.url + ": " + e.what()};
        }
        transfer::Download* raw = nullptr;
        {
            std::lock_guard lock(mutex);
            Entry& e = entries.at(pick);
            if (!download) {
                transition(e, TaskStatus::Failed, error);
                fulfil(e);
                continue;
            }
            e.download = std::move(download);
            raw = e.download.get();
            transition(e, TaskStatus::Downloading);
        }
        flush_events();
        raw->start();  // may finish at once (already downloaded): on_finished runs inside
    }
}

std::vector<TaskId> DownloadManager::Impl::queue_playlist_entries(
    TaskId parent, const std::vector<transfer::PlaylistEntryRef>& found) {
    DownloadTask model;
    {
        std::lock_guard lock(mutex);
        auto it = entries.find(parent);
        if (it == entries.end() || it->second.after_stop != AfterStop::None || shutting_down) return {};
        model = it->second.task;
    }
    // An explicit file name would give every entry the same one: entries are named by the template.
    if (model.output_name.find("%(") == std::string::npos) model.output_name.clear();
    std::vector<DownloadTask> tasks;
    for (const auto& entry : found) {
        DownloadTask t = model;
        t.url = entry.url;
        t.playlist_index = entry.index;
        if (!entry.output_name.empty()) t.output_name = entry.output_name;
        tasks.push_back(std::move(t));
    }
    // One transaction for the whole playlist (a sync on this thread, once per playlist found).
    std::vector<TaskId> ids;
    for (auto& [child, future] : add(std::move(tasks)))
        if (child != 0) ids.push_back(child);
    return ids;
}

void DownloadManager::Impl::on_finished(TaskId id, const transfer::DownloadResult& result) {
    std::shared_ptr<transfer::Download> finished_download;
    std::vector<TaskId> playlist_entries;
    if (!result.error && !result.playlist_entries.empty())
        playlist_entries = queue_playlist_entries(id, result.playlist_entries);
    {
        std::lock_guard lock(mutex);
        auto it = entries.find(id);
        if (it == entries.end()) return;
        Entry& e = it->second;
        finished_download = std::move(e.download);
        const AfterStop after = e.after_stop;
        e.after_stop = AfterStop::None;
        if (after == AfterStop::Lost) {
            // Another worker may hold the task now: not a byte more about it to the store.
            forget(e);
            if (finished_download) runtime.engine.post([finished_download] {});
            run_on_engine([this] { schedule(); });
            return;
        }
        if (!result.file.empty()) e.file = result.file;
        e.size = result.size;
        e.already_present = result.already_present;
        e.notices = result.notices;
        e.warnings = result.warnings;
        e.resumed_bytes = result.resumed_bytes;
        e.duplicated_bytes = result.duplicated_bytes;
        if (result.peak_connections > 0) {
            e.progress.target_connections = result.connections;
            e.progress.connections_reason = result.connections_reason;
            e.progress.peak_connections = result.peak_connections;
            e.progress.connection_rates = result.connection_rates;
        }
        if (result.size >= 0) {
            e.progress.total_bytes = result.size;
            if (!result.error) e.progress.done_bytes = result.size;
        }
        if (store && !result.file.empty()) store->update_output(id, result.file.string());

        if (after == AfterStop::Shutdown || shutting_down) {
            // Stays "running" in memory; persisted as queued so a restart resumes it.
            if (store) {
                store->update_state(id, std::string(to_string(TaskStatus::Queued)));
                release(e);
            }
            changed.notify_all();
        } else if (after == AfterStop::Pause) {
            transition(e, TaskStatus::Paused);
        } else if (after == AfterStop::Cancel) {
            transition(e, TaskStatus::Cancelled);
            fulfil(e);
        } else if (after == AfterStop::Remove) {
            erase(e);
        } else if (!result.error) {
            e.playlist_entries = playlist_entries;
            transition(e, TaskStatus::Completed);
            fulfil(e);
        } else {
            const net::AttemptFailure failure{result.error.reason, 0, std::nullopt};
            const auto config = settings();
            net::RetryTiming timing{config->retry_sleep, config->retry_sleep_max, 120};
            const auto decision =
                is_retryable(result.error.reason) && !result.retries_exhausted
                    ? net::decide_retry(failure, e.attempts + 1, config->retries, timing, rng)
                    : net::RetryDecision{};
            if (decision.retry) {
                ++e.attempts;
                if (store) store->increment_attempts(id);
                log().info("task {}: {}; retrying in {:.1f} s", id, result.error.message,
                           decision.delay_seconds);
                transition(e, TaskStatus::Queued);
                e.retry_waiting = true;
                e.retry_timer = runtime.engine.add_timer(
                    std::chrono::milliseconds(static_cast<long long>(decision.delay_seconds * 1000)),
                    [this, id] {
                        {
                            std::lock_guard inner(mutex);
                            auto found = entries.find(id);
                            if (found == entries.end()) return;
                            found->second.retry_waiting = false;
                            found->second.retry_timer = 0;
                        }
                        schedule();
                    });
            } else {
                transition(e, TaskStatus::Failed, result.error);
                fulfil(e);
            }
        }
    }
    // Destroyed later, never inside its own callback.
    if (finished_download) runtime.engine.post([finished_download] {});
    flush_events();
    schedule();
}

// Pause and cancel: a task that is not running changes state at once; a running one is
// asked to stop, and on_finished gives it the new state once its data is safe on disk.
void DownloadManager::Impl::stop_task(TaskId id, AfterStop after) {
    transfer::Download* raw = nullptr;
    {
        std::lock_guard lock(mutex);
        auto it = entries.find(id);
        if (it == entries.end()) return;
        Entry& e = it->second;
        const bool idle =
            e.status == TaskStatus::Queued || (after == AfterStop::Cancel && e.status == TaskStatus::Paused);
        if (idle) {
            if (e.retry_timer) runtime.engine.cancel_timer(e.retry_timer);
            e.retry_timer = 0;
            e.retry_waiting = false;
            transition(e, after == AfterStop::Pause ? TaskStatus::Paused : TaskStatus::Cancelled);
            if (after == AfterStop::Cancel) fulfil(e);
        } else if (e.download && (e.after_stop == AfterStop::None || after == AfterStop::Cancel)) {
            e.after_stop = after;
            raw = e.download.get();
        }
    }
    if (raw) raw->cancel();
}

void DownloadManager::Impl::do_pause(TaskId id) {
    stop_task(id, AfterStop::Pause);
}

void DownloadManager::Impl::do_cancel(TaskId id) {
    stop_task(id, AfterStop::Cancel);
}

void DownloadManager::Impl::do_resume(TaskId id) {
    {
        std::lock_guard lock(mutex);
        auto it = entries.find(id);
        if (it == entries.end() || it->second.status != TaskStatus::Paused) return;
        transition(it->second, TaskStatus::Queued);
    }
    flush_events();
    schedule();
}

void DownloadManager::Impl::do_retry(TaskId id) {
    {
        std::lock_guard lock(mutex);
        auto it = entries.find(id);
        if (it == entries.end()) return;
        Entry& e = it->second;
        if (e.status != TaskStatus::Failed && e.status != TaskStatus::Cancelled) return;
        e.attempts = 0;
        transition(e, TaskStatus::Queued);
    }
    flush_events();
    schedule();
}

void DownloadManager::Impl::do_remove(TaskId id, bool delete_files) {
    transfer::Download* raw = nullptr;
    {
        std::lock_guard lock(mutex);
        auto it = entries.find(id);
        if (it == entries.end()) return;
        Entry& e = it->second;
        e.delete_files = delete_files;
        if (e.download) {
            e.after_stop = AfterStop::Remove;
            raw = e.download.get();
        } else {
            erase(e);
        }
    }
    if (raw) raw->cancel();
}

void DownloadManager::Impl::shutdown() {
    std::promise<void> stopped;
    auto stopped_future = stopped.get_future();
    run_on_engine([this, &stopped] {
        std::vector<transfer::Download*> running;
        {
            std::lock_guard lock(mutex);
            shutting_down = true;
            for (auto& [id, e] : entries) {
                if (e.retry_timer) runtime.engine.cancel_timer(e.retry_timer);
                e.retry_timer = 0;
                if (e.download) {
                    e.after_stop = AfterStop::Shutdown;
                    running.push_back(e.download.get());
                }
            }
            if (tick_timer) runtime.engine.cancel_timer(tick_timer);
        }
        for (auto* d : running) d->cancel();
        stopped.set_value();
    });
    stopped_future.wait();
    {
        std::unique_lock lock(mutex);
        changed.wait(lock, [this] {
            for (const auto& [id, e] : entries)
                if (e.download) return false;
            return true;
        });
        for (auto& [id, e] : entries) {
            if (store) release(e);  // waiting for a retry: back to the queue for the next run
            if (!e.promise) continue;
            TaskResult r;
            r.id = id;
            r.status = TaskStatus::Cancelled;
            r.error = {FailReason::Cancelled, "the download manager stopped before this task finished"};
            e.promise->set_value(std::move(r));
            e.promise.reset();
        }
    }
    if (store) {
        if (Error err = store->flush()) emit_log(LogLevel::Error, err.message);
    }
    std::lock_guard lock(subs_mutex);
    callback_subscribers.clear();
}

}  // namespace arina
