#pragma once
// The `arina` command line: flags named as in yt-dlp where they mean the same thing.

#include <optional>
#include <string>
#include <vector>

#include "transfer/download_types.hpp"
#include "util/fail_reason.hpp"

namespace arina::cli {

enum class ProgressStyle { Auto, Json, None };

struct CliOptions {
    std::vector<std::string> urls;
    transfer::FileJob job;    ///< template for every URL (url left empty)
    double limit_rate = 0;    ///< bytes per second, 0 = unlimited
    ProgressStyle progress = ProgressStyle::Auto;
    bool quiet = false;
    bool verbose = false;
};

/// Parses argv. On --help/--version, prints and returns an exit code in `exit_now`;
/// on bad input returns an Error with FailReason::Usage.
struct ParseOutcome {
    CliOptions options;
    std::optional<int> exit_now;
    Error error;
};
ParseOutcome parse_command_line(int argc, char** argv);

}  // namespace arina::cli
