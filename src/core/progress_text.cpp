#include "core/progress_text.hpp"

#include <algorithm>

#include "util/units.hpp"

namespace arina {

// -N auto: what a transfer::CountReason means, for the -v log.
std::string_view connections_reason_text(std::string_view reason) {
    if (reason == "probing") return "-N auto: measuring the first count";
    if (reason == "growing") return "-N auto: the total rate grew, trying more";
    if (reason == "budget") return "-N auto: reached the per-host budget";
    if (reason == "no_gain") return "-N auto: more connections did not raise the total rate";
    if (reason == "small_gain")
        return "-N auto: settled, small gain: the last step raised the total rate a little";
    if (reason == "refused") return "-N auto: the server refused more connections (429/503)";
    if (reason == "learnt") return "-N auto: what an earlier download from this host settled on";
    return reason;
}

namespace {

std::string progress_details(const TaskInfo& t) {
    if (t.status == TaskStatus::Failed) return t.error.message;
    std::string d = format_bytes(static_cast<double>(t.done_bytes));
    if (t.total_bytes >= 0) d += "/" + format_bytes(static_cast<double>(t.total_bytes));
    if (is_active(t.status)) d += " " + format_rate(t.speed) + " ETA " + format_duration(t.eta);
    return d;
}

}  // namespace

std::string stage_of(TaskStatus status, const transfer::DownloadProgress& p) {
    switch (status) {
        case TaskStatus::Extracting:
            return "extracting";
        case TaskStatus::Downloading:
            if (p.fragments_total > 0)
                return "downloading fragment " +
                       std::to_string(std::min(p.fragments_done + 1, p.fragments_total)) + " of " +
                       std::to_string(p.fragments_total);
            return "downloading";
        case TaskStatus::PostProcessing:
            return p.fragments_total > 0 ? "muxing" : "finishing";
        default:
            return {};
    }
}

ProgressEvent progress_event_of(const TaskInfo& t) {
    ProgressEvent e;
    e.task_id = t.id;
    e.status = t.status;
    e.done_bytes = t.done_bytes;
    e.total_bytes = t.total_bytes;
    e.progress = t.total_bytes > 0 ? static_cast<double>(t.done_bytes) / static_cast<double>(t.total_bytes)
                 : t.status == TaskStatus::Completed ? 1.0
                                                     : -1.0;
    e.speed = t.speed;
    e.eta = t.eta;
    e.connections = t.connections;
    e.target_connections = t.target_connections;
    e.connections_reason = t.connections_reason;
    e.details = progress_details(t);
    e.stage = t.stage;
    e.fragments_done = t.fragments_done;
    e.fragments_total = t.fragments_total;
    e.file = t.file;
    return e;
}

}  // namespace arina
