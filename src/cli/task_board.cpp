#include "cli/task_board.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "util/units.hpp"

namespace arina::cli {
namespace {

// Plain (non-terminal) output prints this often, so logs stay readable.
constexpr std::chrono::seconds kPlainInterval{2};
constexpr std::chrono::milliseconds kJsonInterval{500};

std::string percent(std::int64_t done, std::int64_t total) {
    if (total <= 0) return "   ?  ";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%5.1f%%", 100.0 * static_cast<double>(done) / static_cast<double>(total));
    return buf;
}

// --stats: each connection's rate when the whole count was last in flight, as MB/s.
std::string rates_text(const std::vector<std::int64_t>& rates) {
    if (rates.empty()) return {};
    std::string text = ", per connection (MB/s):";
    char buf[32];
    for (const auto r : rates) {
        std::snprintf(buf, sizeof buf, " %.2f", static_cast<double>(r) / 1e6);
        text += buf;
    }
    return text;
}

}  // namespace

TaskBoard::TaskBoard(ProgressStyle style, bool quiet, bool verbose, bool stats)
    : style_(style),
      quiet_(quiet),
      verbose_(verbose),
      stats_(stats),
      terminal_(::isatty(STDERR_FILENO) != 0),
      // The first periodic line comes after one interval, when there is something to say.
      last_print_(std::chrono::steady_clock::now()) {}

std::string TaskBoard::task_line(const TaskInfo& t) const {
    std::string line =
        "[" + percent(t.done_bytes, t.total_bytes) + "] " + format_bytes(static_cast<double>(t.done_bytes));
    if (t.total_bytes >= 0) line += "/" + format_bytes(static_cast<double>(t.total_bytes));
    line += "  " + format_rate(t.speed) + "  ETA " + format_duration(t.eta) + "  " +
            std::to_string(t.connections) + " conn  ";
    line += t.file.empty() ? t.task.url : t.file.filename().string();
    return line;
}

std::string TaskBoard::total_line(const Metrics& m, std::size_t active) const {
    return "Total: " + std::to_string(active) + " active, " + std::to_string(m.queued_tasks) + " queued  " +
           format_rate(m.speed) + "  ETA " + format_duration(m.eta) + "  " +
           std::to_string(m.active_connections) + " conn";
}

void TaskBoard::clear_live() {
    if (live_lines_ == 0) return;
    // Up to the first live line, then clear everything below.
    if (live_lines_ > 1) std::fprintf(stderr, "\033[%dA", live_lines_ - 1);
    std::fputs("\r\033[J", stderr);
    live_lines_ = 0;
}

void TaskBoard::update(const std::vector<TaskInfo>& active, const Metrics& metrics) {
    const auto now = std::chrono::steady_clock::now();
    if (style_ == ProgressStyle::None) return;
    if (style_ == ProgressStyle::Json) {
        if (now - last_print_ < kJsonInterval) return;
        last_print_ = now;
        for (const auto& t : active) {
            nlohmann::json j = {{"event", "progress"},
                                {"id", t.id},
                                {"url", t.task.url},
                                {"file", t.file.string()},
                                {"status", to_string(t.status)},
                                {"total_bytes", t.total_bytes},
                                {"done_bytes", t.done_bytes},
                                {"speed", t.speed},
                                {"eta", t.eta},
                                {"connections", t.connections},
                                {"duplicated_bytes", t.duplicated_bytes},
                                {"target_connections", t.target_connections},
                                {"connections_reason", t.connections_reason},
                                {"connection_rates", t.connection_rates}};
            std::printf("%s\n", j.dump().c_str());
        }
        std::fflush(stdout);
        return;
    }
    if (quiet_ || active.empty()) return;
    if (terminal_) {
        clear_live();
        for (const auto& t : active) std::fprintf(stderr, "%s\n", task_line(t).c_str());
        std::fprintf(stderr, "%s", total_line(metrics, active.size()).c_str());
        std::fflush(stderr);
        live_lines_ = static_cast<int>(active.size()) + 1;
    } else if (now - last_print_ >= kPlainInterval) {
        last_print_ = now;
        for (const auto& t : active) std::fprintf(stderr, "%s\n", task_line(t).c_str());
        if (active.size() > 1) std::fprintf(stderr, "%s\n", total_line(metrics, active.size()).c_str());
    }
}

void TaskBoard::finished(const TaskInfo& info, const TaskResult& r) {
    clear_live();
    duplicated_bytes_ += r.duplicated_bytes;
    if (!r.already_present && !r.error)
        downloaded_bytes_ += std::max<std::int64_t>(0, r.size - r.resumed_bytes);
    const bool cancelled = r.status == TaskStatus::Cancelled;
    if (style_ == ProgressStyle::Json) {
        nlohmann::json j = {
            {"event", "finished"},
            {"id", r.id},
            {"url", info.task.url},
            {"file", r.file.string()},
            {"status", r.already_present ? std::string("already-present") : std::string(to_string(r.status))},
            {"reason", std::string(to_string(r.error.reason))},
            {"message", r.error.message},
            {"size", r.size},
            {"duplicated_bytes", r.duplicated_bytes},
            {"connections", r.connections},
            {"connections_reason", r.connections_reason},
            {"peak_connections", r.peak_connections},
            {"connection_rates", r.connection_rates}};
        std::printf("%s\n", j.dump().c_str());
        std::fflush(stdout);
    }
    if (verbose_ || (r.error && !quiet_ && !cancelled))
        for (const auto& n : r.notices) std::fprintf(stderr, "arina: note: %s\n", n.c_str());
    if (!quiet_)
        for (const auto& w : r.warnings) std::fprintf(stderr, "arina: warning: %s\n", w.c_str());
    if (stats_ && !quiet_ && style_ != ProgressStyle::Json && r.peak_connections > 0)
        std::fprintf(stderr, "stats: %s: %d connections (%s), at most %d at once%s\n",
                     (r.file.empty() ? info.task.url : r.file.filename().string()).c_str(), r.connections,
                     r.connections_reason.c_str(), r.peak_connections,
                     rates_text(r.connection_rates).c_str());
    if (cancelled) return;  // the summary says the run was interrupted
    if (r.error) {
        std::fprintf(stderr, "arina: error: %s\n", r.error.message.c_str());
        return;
    }
    if (quiet_ || style_ == ProgressStyle::Json) return;
    if (r.already_present) {
        std::fprintf(stderr, "%s has already been downloaded\n", r.file.string().c_str());
        return;
    }
    std::string line = "Downloaded " + r.file.string() + ": " + format_bytes(static_cast<double>(r.size));
    if (r.resumed_bytes > 0) line += ", resumed after " + format_bytes(static_cast<double>(r.resumed_bytes));
    std::fprintf(stderr, "%s\n", line.c_str());
}

void TaskBoard::summary(int completed, int failed, double seconds, const Metrics& m, bool stats) {
    clear_live();
    if (quiet_ || style_ == ProgressStyle::Json) return;
    if (completed + failed > 1 || stats)
        std::fprintf(stderr, "%d completed, %d failed in %s\n", completed, failed,
                     format_duration(seconds).c_str());
    if (stats) {
        std::fprintf(stderr, "stats: %d threads, peak RSS %s, %d connections open at the end\n", m.threads,
                     format_bytes(static_cast<double>(m.peak_rss_bytes)).c_str(), m.active_connections);
        // Hedged requests fetch a straggler's bytes twice; what that cost, against what was downloaded.
        const double share = downloaded_bytes_ > 0 ? 100.0 * static_cast<double>(duplicated_bytes_) /
                                                         static_cast<double>(downloaded_bytes_)
                                                   : 0.0;
        std::fprintf(stderr, "stats: %s received twice by hedged requests (%.1f%% of %s downloaded)\n",
                     format_bytes(static_cast<double>(duplicated_bytes_)).c_str(), share,
                     format_bytes(static_cast<double>(downloaded_bytes_)).c_str());
    }
}

}  // namespace arina::cli
