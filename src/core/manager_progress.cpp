// The manager's progress loop on the engine thread: every kTickInterval it samples the running
// downloads, turns what moved into progress events, and hands queued events to the subscribers
// (who pop them on their own threads; nothing here calls into a front end).
#include <spdlog/spdlog.h>

#include "core/log.hpp"
#include "core/manager_impl.hpp"
#include "core/progress_text.hpp"

namespace arina {

void DownloadManager::Impl::tick() {
    tick_timer = runtime.engine.add_timer(kTickInterval, [this] { tick(); });
    std::vector<std::pair<TaskId, transfer::Download*>> active;
    {
        std::lock_guard lock(mutex);
        for (auto& [id, e] : entries)
            if (e.download) active.emplace_back(id, e.download.get());
    }
    std::vector<std::pair<TaskId, transfer::DownloadProgress>> snapshots;
    for (auto& [id, d] : active) snapshots.emplace_back(id, d->progress());
    {
        std::lock_guard lock(mutex);
        const auto now = std::chrono::steady_clock::now();
        for (auto& [id, p] : snapshots) {
            auto it = entries.find(id);
            if (it == entries.end()) continue;
            Entry& e = it->second;
            e.meter.sample(p.fetched_bytes, now);
            const double speed = e.meter.bytes_per_second();
            const bool moved = p.done_bytes != e.progress.done_bytes ||
                               p.total_bytes != e.progress.total_bytes ||
                               p.connections != e.progress.connections || speed != e.speed ||
                               p.fragments_total != e.progress.fragments_total;
            const bool recounted = p.target_connections != e.progress.target_connections ||
                                   p.connections_reason != e.progress.connections_reason;
            if (recounted && !p.connections_reason.empty() && p.connections_reason != "fixed")
                log().info("task {}: {} connections ({}) to {}", id, p.target_connections,
                           connections_reason_text(p.connections_reason), e.task.url);
            e.progress = p;
            e.speed = speed;
            if (p.stage == transfer::DownloadStage::Finishing && e.status == TaskStatus::Downloading)
                transition(e, TaskStatus::PostProcessing);
            if (!moved && !recounted) continue;
            pending_progress.push_back(progress_event_of(info_of(e)));
            if (store) store->update_progress(id, p.done_bytes, p.total_bytes);
        }
    }
    flush_events();
}

void DownloadManager::Impl::flush_events() {
    std::vector<Event> events;
    std::vector<ProgressEvent> progress;
    {
        std::lock_guard lock(mutex);
        events.swap(pending);
        progress.swap(pending_progress);
    }
    if (events.empty() && progress.empty()) return;
    std::vector<std::shared_ptr<EventSubscription>> subs;
    {
        std::lock_guard lock(subs_mutex);
        subs = subscriptions;
    }
    for (const auto& s : subs) {
        for (const auto& e : events) s->push(e);
        for (const auto& p : progress) s->push_progress(p);
    }
}

}  // namespace arina
