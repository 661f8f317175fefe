#pragma once
// The `arina` command line: flags named as in yt-dlp where they mean the same thing.
// Parsing turns them into the manager's Config and a template DownloadTask.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config.hpp"
#include "core/config_layers.hpp"
#include "core/task.hpp"
#include "util/fail_reason.hpp"

namespace arina::cli {

enum class ProgressStyle { Auto, Json, None };

struct CliOptions {
    std::vector<std::string> urls;  ///< from the command line and -a files
    /// Where every setting comes from: the config file (the default one, --config FILE, or none
    /// with --ignore-config) and the flags; `arina config show` prints it.
    ConfigLayers layers;
    Config config;      ///< layers.resolve(): what the manager runs with
    DownloadTask task;  ///< template for every URL (url left empty)
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

/// `arina [OPTIONS] URL...` (also the options of `arina queue add`, `arina run` and
/// `arina config show`, where URLs are optional).
ParseOutcome parse_command_line(int argc, char** argv, bool urls_required = true);

/// Why `text` cannot be downloaded as a URL (no scheme, a scheme other than http/https, no host),
/// naming it; nullopt when it is an http(s) URL. Pure.
std::optional<std::string> url_problem(std::string_view text);

/// The config file the flags name: --config FILE, none with --ignore-config, else
/// Config::default_config_path(). Looks only at those two flags. `explicit_file` says whether
/// --config named it (a missing file is then an error, a missing default file is not).
struct ConfigFileChoice {
    std::optional<std::filesystem::path> path;  ///< nullopt: --ignore-config
    bool explicit_file = false;
};
ConfigFileChoice config_file_choice(int argc, char** argv);

/// Reads a batch file: one URL per line, blank lines and `#` comments ignored.
std::variant<std::vector<std::string>, Error> read_batch_file(const std::string& path);

}  // namespace arina::cli
