// The manager and its task store: tasks loaded at start from a private queue, claimed one by
// one from a shared one (another worker may hold the rest), and claims lost when the
// database was out of reach for too long. Runs on the engine thread.
#include <spdlog/spdlog.h>

#include "core/log.hpp"
#include "core/manager_impl.hpp"
#include "core/task_codec.hpp"

namespace arina {

DownloadManager::Impl::Entry& DownloadManager::Impl::adopt(const store::TaskRecord& r, DownloadTask task) {
    Entry& e = entries[r.key];
    e.id = r.key;
    e.task = std::move(task);
    e.task.priority = r.priority;
    e.seq = r.position;
    e.added_at = r.created_at;
    e.attempts = r.attempts;
    e.file = r.output_path;
    e.progress.done_bytes = r.done_bytes;
    e.progress.total_bytes = r.total_bytes;
    return e;
}

DownloadManager::Impl::Entry* DownloadManager::Impl::claim_from_store() {
    while (true) {
        const auto config = settings();
        // An automatic count claims what it may grow to.
        const int asked = config->concurrent_fragments == kAutoConnections ? auto_connection_budget(*config)
                                                                           : config->concurrent_fragments;
        auto claimed = store->claim({.connections = asked, .host_budget = config->max_connections_per_host});
        if (auto* error = std::get_if<Error>(&claimed)) {
            // The store wakes us (on_tasks_available) once it can reach the database again.
            log().warn("{}", error->message);
            return nullptr;
        }
        auto& claim = std::get<std::optional<store::Claim>>(claimed);
        if (!claim) return nullptr;
        const store::TaskRecord& r = claim->record;
        std::lock_guard lock(mutex);
        auto it = entries.find(r.key);
        if (it == entries.end()) {
            // Added by another process (or before this one started, on a shared queue).
            auto task = decode_task(r.params_json);
            if (!task) {
                log().warn("task {} in the database is unreadable; marked failed", r.key);
                store->update_state(r.key, std::string(to_string(TaskStatus::Failed)),
                                    std::string(arina::to_string(FailReason::Internal)),
                                    "the task's parameters in the database are unreadable");
                store->release(r.key);
                continue;
            }
            Entry& e = adopt(r, std::move(*task));
            e.promise.emplace();
            pending.emplace_back(TaskAddedEvent{e.id, e.task});
            it = entries.find(r.key);
        }
        Entry& e = it->second;
        e.held = true;
        if (e.status != TaskStatus::Queued) {
            // This process changed its mind (a pause) after the store handed the task
            // out: the store learns the state again, and the task goes back.
            store->update_state(e.id, std::string(to_string(e.status)));
            release(e);
            continue;
        }
        // The host's budget across the cluster may allow fewer connections than asked.
        // A task that is to find its own count runs with a fixed one when it got less than its budget.
        int wanted = e.task.concurrent_fragments.value_or(config->concurrent_fragments);
        if (wanted == kAutoConnections) wanted = auto_connection_budget(*config);
        if (claim->connections < wanted) e.task.concurrent_fragments = claim->connections;
        return &e;
    }
}

void DownloadManager::Impl::drop_lost(const std::vector<TaskId>& ids) {
    std::vector<transfer::Download*> running;
    {
        std::lock_guard lock(mutex);
        for (TaskId id : ids) {
            auto it = entries.find(id);
            if (it == entries.end()) continue;
            Entry& e = it->second;
            e.held = false;
            log().warn(
                "task {}: the task database was out of reach for too long; another worker may run it now, "
                "so this one stops it",
                id);
            if (e.download) {
                e.after_stop = AfterStop::Lost;
                running.push_back(e.download.get());
            } else {
                forget(e);
            }
        }
    }
    for (auto* d : running) d->cancel();
    flush_events();
}

void DownloadManager::Impl::load_from_store() {
    // A shared queue may hold a million tasks and changes under our feet: its tasks
    // come in one by one, as this process claims them.
    if (!store || store->shared()) return;
    std::lock_guard lock(mutex);
    for (const auto& r : store->load_all()) {
        auto task = decode_task(r.params_json);
        auto status = task_status_from_string(r.state);
        if (!task || !status) {
            log().warn("task {} in the database is unreadable; skipped", r.key);
            continue;
        }
        Entry& e = adopt(r, std::move(*task));
        // Tasks that were running when the process died resume from their files.
        e.status = is_active(*status) ? TaskStatus::Queued : *status;
        if (e.status == TaskStatus::Failed)
            e.error = {fail_reason_from_string(r.fail_reason), r.error_message};
        if (is_active(*status)) store->update_state(r.key, std::string(to_string(TaskStatus::Queued)));
        next_seq = std::max(next_seq, r.position + 1);
        front_seq = std::min(front_seq, r.position);
    }
}

}  // namespace arina
