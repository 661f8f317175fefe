#pragma once
// The `arina` command line: flags named as in yt-dlp where they mean the same thing.
// Parsing turns them into the manager's Config and a template DownloadTask.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config.hpp"
#include "core/task.hpp"
#include "util/fail_reason.hpp"

namespace arina::cli {

enum class ProgressStyle { Auto, Json, None };

struct CliOptions {
    std::vector<std::string> urls;  ///< from the command line and -a files
    Config config;                  ///< Config::load() overridden by flags
    DownloadTask task;              ///< template for every URL (url left empty)
    ProgressStyle progress = ProgressStyle::Auto;
    bool quiet = false;
    bool verbose = false;
    bool stats = false;            ///< print metrics in the summary
    std::string download_archive;  ///< file of finished URLs to skip
    bool list_formats = false;     ///< -F: list the formats of stream URLs and exit
};

/// On --help/--version, `exit_now` holds the exit code; on bad input `error` (Usage).
struct ParseOutcome {
    CliOptions options;
    std::optional<int> exit_now;
    Error error;
};

/// `arina [OPTIONS] URL...` (also the options of `arina queue add` and `arina run`,
/// where URLs are optional).
ParseOutcome parse_command_line(int argc, char** argv, bool urls_required = true);

/// Why `text` cannot be downloaded as a URL (no scheme, a scheme other than http/https, no host),
/// naming it; nullopt when it is an http(s) URL. Pure.
std::optional<std::string> url_problem(std::string_view text);

/// Reads a batch file: one URL per line, blank lines and `#` comments ignored.
std::variant<std::vector<std::string>, Error> read_batch_file(const std::string& path);

}  // namespace arina::cli
