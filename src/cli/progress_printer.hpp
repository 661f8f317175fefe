#pragma once
// What the user sees while a download runs: a live line on a terminal, plain
// periodic lines in a log, or one JSON object per line for scripts and the GUI.

#include <chrono>
#include <cstdio>
#include <string>

#include "cli/options.hpp"
#include "transfer/download_types.hpp"
#include "transfer/speed_meter.hpp"

namespace arina::cli {

class ProgressPrinter {
public:
    ProgressPrinter(ProgressStyle style, bool quiet, bool verbose);

    /// Called ~10 times a second with a fresh snapshot.
    void update(const std::string& url, const transfer::DownloadProgress& p);
    /// Called once per URL when it ends.
    void finished(const std::string& url, const transfer::DownloadResult& r, double seconds);

private:
    std::string status_line(const transfer::DownloadProgress& p, double speed) const;
    void clear_live_line();

    ProgressStyle style_;
    bool quiet_;
    bool verbose_;
    bool terminal_;
    bool live_line_shown_ = false;
    transfer::SpeedMeter meter_;
    std::chrono::steady_clock::time_point last_print_{};
};

}  // namespace arina::cli
