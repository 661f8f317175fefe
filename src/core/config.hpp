#pragma once
// Every setting of the download manager in one place, with its default (the seed's
// table). Precedence, lowest first: these defaults, a preset, the config file, then
// command-line flags (applied by the caller).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "net/http_options.hpp"
#include "util/fail_reason.hpp"

namespace arina {

struct Config {
    int max_workers = 4;                              ///< tasks downloading at once
    int concurrent_fragments = 4;                     ///< connections / fragments in flight per task
    int fragment_retries = 10;                        ///< retries of one byte range or fragment
    int retries = 10;                                 ///< retries of a whole task (and its first request)
    std::int64_t http_chunk_size = 10 * 1024 * 1024;  ///< largest single range request
    double socket_timeout = 30;                       ///< seconds: connect timeout and stall detection
    int max_connections_per_host = 8;                 ///< shared by all tasks on one host
    double rate_limit = 0;                            ///< bytes/s for all tasks together, 0 = unlimited
    double retry_sleep = 1;                           ///< first back-off in seconds, doubling
    double retry_sleep_max = 30;
    std::filesystem::path output_dir = ".";
    bool continue_partial = true;             ///< false: ignore partial downloads, start over
    bool overwrite = false;                   ///< download again over an existing file
    bool skip_unavailable_fragments = false;  ///< streams: leave out fragments that keep failing (reported)
    double live_duration = 0;  ///< live streams: stop after this many seconds, 0 = until the end
    /// Task database: a SQLite file, or a PostgreSQL connection string (a queue shared by
    /// many workers); empty: tasks live in memory only (partial files still resume).
    std::filesystem::path database;
    /// The name this process works under on a shared queue (`--worker`); empty: host:pid.
    std::string worker;

    // --- extraction (web pages, sites) ---
    /// yt-dlp executable for sites the native extractors do not know; empty: "yt-dlp" on PATH.
    std::string ytdlp_path;
    /// Seconds yt-dlp may take to answer for one URL before it is killed.
    double ytdlp_timeout = 120;
    /// Browser whose cookies yt-dlp reads (--cookies-from-browser), e.g. "firefox"; empty: none.
    std::string cookies_from_browser;
    /// Extra yt-dlp --extractor-args values ("youtube:player_client=web"); profiles add theirs.
    std::vector<std::string> extractor_args;
    /// Names for media found on pages, in yt-dlp's template syntax (util/output_template.hpp);
    /// empty: kDefaultOutputTemplate. A task's output_name (-o) takes precedence.
    std::string output_template;
    /// Subtitles: write them as files next to the media (--write-subs), embed them (--embed-subs),
    /// which languages (--sub-langs, "en,de"; "all"; empty = the source's default or "en").
    bool write_subs = false;
    bool embed_subs = false;
    std::string sub_langs;
    /// Write title, uploader, date and description into the container (on by default).
    bool embed_metadata = true;
    /// Attach the media's thumbnail as cover art (--embed-thumbnail).
    bool embed_thumbnail = false;

    /// Request settings for every task (user agent, proxy, cookies, TLS); its
    /// socket_timeout is replaced by the field above.
    net::HttpOptions http;

    /// Defaults, overridden by $XDG_CONFIG_HOME/arina/config.toml (or
    /// ~/.config/arina/config.toml) when that file exists and parses; a broken file is
    /// reported on stderr and ignored.
    static Config load();
    /// Defaults overridden by one TOML file; an Error (Usage) names the file and the key.
    static std::variant<Config, Error> load_file(const std::filesystem::path& path);
    /// "high-performance", "stable" or "conservative" (the seed's tuning presets).
    static std::optional<Config> preset(std::string_view name);
    static std::filesystem::path default_config_path();
};

}  // namespace arina
