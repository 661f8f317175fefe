#include "cli/session.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "cli/task_board.hpp"

namespace arina::cli {

volatile std::sig_atomic_t g_interrupted = 0;

namespace {

using Clock = std::chrono::steady_clock;

void on_signal(int) {
    g_interrupted = 1;
}

std::vector<TaskInfo> active_tasks(const DownloadManager& manager) {
    auto all = manager.list();
    std::erase_if(all, [](const TaskInfo& t) { return !is_active(t.status); });
    return all;
}

TaskResult result_from_info(const TaskInfo& info) {
    TaskResult r;
    r.id = info.id;
    r.status = info.status;
    r.error = info.error;
    r.file = info.file;
    r.size = info.total_bytes;
    r.connections = info.target_connections;
    r.connections_reason = info.connections_reason;
    r.peak_connections = info.peak_connections;
    r.connection_rates = info.connection_rates;
    return r;
}

struct Tally {
    int completed = 0;
    int failed = 0;
    int exit_status = 0;
    void count(const TaskResult& r) {
        if (r.status == TaskStatus::Completed) {
            ++completed;
        } else if (r.status == TaskStatus::Failed) {
            ++failed;
            if (exit_status == 0) exit_status = exit_code(r.error.reason);
        }
    }
};

int finish_session(DownloadManager& manager, TaskBoard& board, const Tally& tally, Clock::time_point started,
                   const CliOptions& options) {
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    board.summary(tally.completed, tally.failed, seconds, manager.metrics(), options.stats);
    if (g_interrupted) return exit_code(FailReason::Cancelled);
    return tally.exit_status;
}

}  // namespace

void install_interrupt_handler() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

int run_urls(DownloadManager& manager, const CliOptions& options, DownloadArchive& archive) {
    TaskBoard board(options.progress, options.quiet, options.verbose, options.stats);
    const auto started = Clock::now();
    std::map<TaskId, std::pair<std::string, std::future<TaskResult>>> pending;
    // Woken by the manager's events (a task ending among them) instead of polling the futures.
    auto events = manager.subscribe_events();
    for (const auto& url : options.urls) {
        if (archive.contains(url)) {
            if (!options.quiet)
                std::fprintf(stderr, "%s has already been recorded in the archive\n", url.c_str());
            continue;
        }
        DownloadTask task = options.task;
        task.url = url;
        auto [id, future] = manager.submit(std::move(task));
        pending.emplace(id, std::make_pair(url, std::move(future)));
    }
    Tally tally;
    // Tasks queued for the entries of a playlist: followed by state, as nobody holds their futures.
    std::set<TaskId> following;
    while ((!pending.empty() || !following.empty()) && !g_interrupted) {
        for (auto it = following.begin(); it != following.end();) {
            const auto info = manager.get(*it);
            if (info && !is_terminal(info->status)) {
                ++it;
                continue;
            }
            if (info) {
                const TaskResult r = result_from_info(*info);
                board.finished(*info, r);
                tally.count(r);
                if (r.status == TaskStatus::Completed) archive.record(info->task.url);
            }
            it = following.erase(it);
        }
        for (auto it = pending.begin(); it != pending.end();) {
            auto& [url, future] = it->second;
            if (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
                ++it;
                continue;
            }
            const TaskResult r = future.get();
            if (r.status == TaskStatus::Completed && !r.entries.empty()) {
                // A playlist: its entries are the downloads.
                if (!options.quiet)
                    std::fprintf(stderr, "%s: playlist, %zu entries queued\n", url.c_str(), r.entries.size());
                following.insert(r.entries.begin(), r.entries.end());
                it = pending.erase(it);
                continue;
            }
            TaskInfo info;
            info.task.url = url;
            if (auto got = manager.get(it->first)) info = *got;
            board.finished(info, r);
            tally.count(r);
            if (r.status == TaskStatus::Completed) archive.record(url);
            it = pending.erase(it);
        }
        board.update(active_tasks(manager), manager.metrics());
        if (pending.empty() && following.empty()) break;
        events->wait(std::chrono::milliseconds(100));
        events->pop_events();
    }
    return finish_session(manager, board, tally, started, options);
}

int run_queue(DownloadManager& manager, const CliOptions& options, DownloadArchive& archive) {
    TaskBoard board(options.progress, options.quiet, options.verbose, options.stats);
    const auto started = Clock::now();
    auto events = manager.subscribe_events();
    Tally tally;
    while (!g_interrupted) {
        events->wait(std::chrono::milliseconds(100));
        for (const auto& event : events->pop_events()) {
            const auto* s = std::get_if<StateEvent>(&event);
            if (!s || !is_terminal(s->to)) continue;
            auto info = manager.get(s->task_id);
            if (!info) continue;
            const TaskResult r = result_from_info(*info);
            board.finished(*info, r);
            tally.count(r);
            if (r.status == TaskStatus::Completed) archive.record(info->task.url);
        }
        const Metrics m = manager.metrics();
        board.update(active_tasks(manager), m);
        if (m.active_tasks == 0 && m.queued_tasks == 0 && !m.shared_queue_busy) break;
    }
    return finish_session(manager, board, tally, started, options);
}

}  // namespace arina::cli
