#pragma once
// Every setting of the download manager in one place, with its default (the seed's
// table). Precedence, lowest first: these defaults, a preset, the config file, the platform
// profile of a task's URL, then the command line / the task itself. core/config_layers.hpp
// computes that (and says where each value came from); core/config_keys.cpp lists every key
// of the config file with its type, range and documentation.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "extract/platform.hpp"
#include "net/http_options.hpp"
#include "util/fail_reason.hpp"

namespace arina {

/// concurrent_fragments = "auto" (`-N auto`, the default): a plain file's download finds its own
/// connection count (transfer::ConnectionCount), up to auto_connection_budget(); streams keep
/// kAutoStreamFragments fragments in flight.
inline constexpr int kAutoConnections = 0;
inline constexpr int kAutoStreamFragments = 4;

struct Config;
/// The most connections an automatic count may reach: the per-host budget, or 16 without one.
int auto_connection_budget(const Config& config);

struct Config {
    int max_workers = 4;                              ///< tasks downloading at once
    int concurrent_fragments = kAutoConnections;      ///< connections / fragments in flight per task
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

    // --- what platform profiles set (also settable for every site at once) ---
    /// Qualities to try in order when a task names no format ("1080", "720", "best").
    std::vector<std::string> quality_preference;
    /// Cookies "name=value" that pass a site's age gate (the pornhub profile sets them).
    std::vector<std::string> age_verification;
    /// Polite pacing: seconds between the starts of two requests to one site (yt-dlp's
    /// --sleep-requests; Arina's engine does not pace).
    double request_interval = 0;
    /// Every platform the detector knows, in the order it checks them (the user's own first),
    /// each with its effective profile: the built-in profile with the config file's
    /// `[platforms.NAME]` overrides, less the fields the command line set for every URL.
    /// core/profile_settings.hpp applies the one of a task's URL.
    std::vector<extract::Platform> platforms = extract::builtin_platforms();

    /// Request settings for every task (user agent, proxy, cookies, TLS); its
    /// socket_timeout is replaced by the field above.
    net::HttpOptions http;

    /// Defaults, overridden by $XDG_CONFIG_HOME/arina/config.toml (or
    /// ~/.config/arina/config.toml) when that file exists and parses; a broken file is
    /// reported on stderr and ignored.
    static Config load();
    /// Defaults overridden by one TOML file; an Error (Usage) names the file, the line and
    /// the key ("PATH:12: concurrent_fragments: must be between 1 and 64, got 0").
    static std::variant<Config, Error> load_file(const std::filesystem::path& path);
    /// "high_performance" (also spelt "high-performance"), "stable" (the defaults) or
    /// "conservative": the seed's tuning presets, the defaults with max_workers,
    /// concurrent_fragments and http_chunk_size changed.
    static std::optional<Config> preset(std::string_view name);
    /// The preset's canonical name ("high_performance" for "high-performance"); nullopt when
    /// there is no such preset.
    static std::optional<std::string> preset_name(std::string_view name);
    static std::filesystem::path default_config_path();
};

}  // namespace arina
