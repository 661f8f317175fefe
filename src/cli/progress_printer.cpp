#include "cli/progress_printer.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "util/units.hpp"

namespace arina::cli {
namespace {

// Plain (non-terminal) output prints this often, so logs stay readable.
constexpr std::chrono::seconds kPlainInterval{2};
constexpr std::chrono::milliseconds kJsonInterval{500};

double eta_seconds(const transfer::DownloadProgress& p, double speed) {
    if (p.total_bytes < 0 || speed <= 0) return -1;
    return static_cast<double>(p.total_bytes - p.done_bytes) / speed;
}

}  // namespace

ProgressPrinter::ProgressPrinter(ProgressStyle style, bool quiet, bool verbose)
    : style_(style), quiet_(quiet), verbose_(verbose), terminal_(::isatty(STDERR_FILENO) != 0) {}

std::string ProgressPrinter::status_line(const transfer::DownloadProgress& p, double speed) const {
    char percent[16] = "   ?  ";
    if (p.total_bytes > 0)
        std::snprintf(percent, sizeof percent, "%5.1f%%",
                      100.0 * static_cast<double>(p.done_bytes) / static_cast<double>(p.total_bytes));
    std::string line = std::string("[") + percent + "] " + format_bytes(static_cast<double>(p.done_bytes));
    if (p.total_bytes >= 0) line += "/" + format_bytes(static_cast<double>(p.total_bytes));
    line += "  " + format_rate(speed) + "  ETA " + format_duration(eta_seconds(p, speed));
    line += "  " + std::to_string(p.connections) + " conn";
    if (!p.file.empty()) line += "  " + p.file.filename().string();
    return line;
}

void ProgressPrinter::clear_live_line() {
    if (live_line_shown_) {
        std::fputs("\r\033[K", stderr);
        live_line_shown_ = false;
    }
}

void ProgressPrinter::update(const std::string& url, const transfer::DownloadProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    meter_.sample(p.fetched_bytes, now);
    const double speed = meter_.bytes_per_second();
    if (style_ == ProgressStyle::None) return;
    if (style_ == ProgressStyle::Json) {
        if (now - last_print_ < kJsonInterval) return;
        last_print_ = now;
        nlohmann::json j = {{"event", "progress"},         {"url", url},
                            {"file", p.file.string()},     {"total_bytes", p.total_bytes},
                            {"done_bytes", p.done_bytes},  {"speed", speed},
                            {"eta", eta_seconds(p, speed)}, {"connections", p.connections}};
        std::printf("%s\n", j.dump().c_str());
        std::fflush(stdout);
        return;
    }
    if (quiet_) return;
    if (terminal_) {
        std::fprintf(stderr, "\r\033[K%s", status_line(p, speed).c_str());
        std::fflush(stderr);
        live_line_shown_ = true;
    } else if (now - last_print_ >= kPlainInterval) {
        last_print_ = now;
        std::fprintf(stderr, "%s\n", status_line(p, speed).c_str());
    }
}

void ProgressPrinter::finished(const std::string& url, const transfer::DownloadResult& r, double seconds) {
    clear_live_line();
    meter_ = transfer::SpeedMeter();
    last_print_ = {};
    if (style_ == ProgressStyle::Json) {
        nlohmann::json j = {{"event", "finished"},
                            {"url", url},
                            {"file", r.file.string()},
                            {"status", r.error ? (r.error.reason == FailReason::Cancelled ? "cancelled" : "failed")
                                               : (r.already_present ? "already-present" : "completed")},
                            {"reason", std::string(to_string(r.error.reason))},
                            {"message", r.error.message},
                            {"size", r.size},
                            {"fetched_bytes", r.fetched_bytes},
                            {"resumed_bytes", r.resumed_bytes},
                            {"seconds", seconds}};
        std::printf("%s\n", j.dump().c_str());
        std::fflush(stdout);
    }
    if (verbose_ || (r.error && !quiet_))
        for (const auto& n : r.notices) std::fprintf(stderr, "arina: note: %s\n", n.c_str());
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
    line += " in " + format_duration(seconds);
    if (seconds > 0) line += " (" + format_rate(static_cast<double>(r.fetched_bytes) / seconds) + ")";
    if (r.resumed_bytes > 0) line += ", resumed after " + format_bytes(static_cast<double>(r.resumed_bytes));
    std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace arina::cli
