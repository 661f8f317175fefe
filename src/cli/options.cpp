#include "cli/options.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>

#include "util/units.hpp"

namespace arina::cli {
namespace {

constexpr const char* kVersion = "arina 0.1.0";

// --retry-sleep accepts a number (the first back-off, doubling each time) or
// yt-dlp's "exp=START[:END]".
bool parse_retry_sleep(const std::string& text, Config& config) {
    std::string spec = text;
    if (spec.rfind("exp=", 0) == 0) spec = spec.substr(4);
    const auto colon = spec.find(':');
    try {
        std::size_t used = 0;
        const double start = std::stod(spec.substr(0, colon), &used);
        if (used != (colon == std::string::npos ? spec.size() : colon) || start < 0) return false;
        config.retry_sleep = start;
        if (colon != std::string::npos) {
            const double end = std::stod(spec.substr(colon + 1), &used);
            if (used != spec.size() - colon - 1 || end < start) return false;
            config.retry_sleep_max = end;
        }
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace

std::optional<std::string> url_problem(std::string_view text) {
    const auto colon = text.find(':');
    const auto scheme_ok = [&](std::string_view scheme) {
        return !scheme.empty() && std::isalpha(static_cast<unsigned char>(scheme.front())) &&
               std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) {
                   return std::isalnum(c) || c == '+' || c == '-' || c == '.';
               });
    };
    if (colon == std::string_view::npos || !scheme_ok(text.substr(0, colon)))
        return "'" + std::string(text) + "' is not a URL (expected http://... or https://...)";
    std::string scheme(text.substr(0, colon));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme != "http" && scheme != "https")
        return "'" + std::string(text) + "': unsupported scheme '" + scheme + "' (only http and https)";
    const auto rest = text.substr(colon + 1);
    if (!rest.starts_with("//") || rest.size() == 2 || rest[2] == '/')
        return "'" + std::string(text) + "' is not a URL: no host after " + scheme + "://";
    return std::nullopt;
}

std::variant<std::vector<std::string>, Error> read_batch_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Error{FailReason::Usage, "arina: -a: cannot read '" + path + "'"};
    std::vector<std::string> urls;
    std::string line;
    while (std::getline(in, line)) {
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        const auto last = line.find_last_not_of(" \t\r");
        urls.push_back(line.substr(first, last - first + 1));
    }
    return urls;
}

ConfigFileChoice config_file_choice(int argc, char** argv) {
    ConfigFileChoice choice{Config::default_config_path(), false};
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--") break;
        if (arg == "--ignore-config") {
            choice = {std::nullopt, false};
        } else if (arg == "--config" && i + 1 < argc) {
            choice = {std::filesystem::path(argv[++i]), true};
        } else if (arg.starts_with("--config=")) {
            choice = {std::filesystem::path(arg.substr(9)), true};
        }
    }
    return choice;
}

ParseOutcome parse_command_line(int argc, char** argv, bool urls_required) {
    ParseOutcome out;
    CliOptions& o = out.options;

    CLI::App app{"Arina: a fast, careful downloader for files and media streams.\n"};
    app.name("arina");
    app.set_version_flag("--version", kVersion);
    app.add_option("urls", o.urls, "URLs to download");

    // Every setting flag lands in a local first and reaches the configuration through
    // ConfigLayers::set, so that `arina config show` can say it came from the command line.
    std::string output_dir, output_name, limit_rate, chunk_size, retry_sleep,
        progress = "auto", ca_file, batch_file, preset, format, merge_format, proxy, user_agent, cookies,
        ytdlp_path, cookies_from_browser, sub_langs, config_file, database, connections;
    std::vector<std::string> headers, extractor_args;
    int workers = 0, per_host = -1, retries = -1, fragment_retries = -1;
    double socket_timeout = 0, live_duration = -1, ytdlp_timeout = 0;
    bool no_continue = false, no_check_certificate = false, force_overwrites = false,
         skip_unavailable = false, write_subs = false, embed_subs = false, no_embed_metadata = false,
         embed_thumbnail = false, ignore_config = false;

    app.add_option(
        "-o,--output", output_name,
        "Output file name (relative to -P); with %(field)s it is a template for media found on pages");
    app.add_option("-P,--paths", output_dir, "Directory to download into (.)");
    app.add_option("-a,--batch-file", batch_file, "Read URLs from FILE, one per line ('#' comments)");
    app.add_option("-N,--concurrent-fragments", connections,
                   "Connections per download, 1-64 or auto (auto: plain files find their own count up to "
                   "--max-connections-per-host, streams 4; platform profiles: YouTube 6, PornHub 4, "
                   "XVideos 4, other pages 3)")
        ->check(CLI::IsMember({"auto"}) | CLI::Range(1, 64));
    app.add_option("--max-workers", workers, "Downloads at once (4)")->check(CLI::Range(1, 64));
    app.add_option("--max-connections-per-host", per_host,
                   "Connections to one host across all downloads (8, at least -N; 0 = no limit)")
        ->check(CLI::Range(0, 1024));
    app.add_option("--preset", preset, "high_performance, stable or conservative")
        ->check(CLI::IsMember({"high_performance", "high-performance", "stable", "conservative"}));
    app.add_option("--config", config_file,
                   "Settings file (default: " + Config::default_config_path().string() + ")");
    app.add_flag("--ignore-config", ignore_config, "Do not read the settings file");
    app.add_option("-r,--limit-rate", limit_rate, "Total download rate limit, e.g. 50K or 4.2M (bytes/s)");
    app.add_option("--http-chunk-size", chunk_size, "Largest byte range asked in one request (10M)");
    app.add_option("-R,--retries", retries, "Retries of a whole download (10)")->check(CLI::Range(0, 1000));
    app.add_option("--fragment-retries", fragment_retries, "Retries of each byte range or fragment (10)")
        ->check(CLI::Range(0, 1000));
    app.add_option("--retry-sleep", retry_sleep, "Back-off: SECONDS or exp=START[:END] (exp=1:30)");
    app.add_option("--socket-timeout", socket_timeout,
                   "Seconds to wait for a connection or the next byte (30)")
        ->check(CLI::PositiveNumber);
    app.add_option("--proxy", proxy, "Proxy URL (http://, socks5://...)");
    // One value per occurrence: a list option must not swallow the URLs that follow it.
    app.add_option("--add-header", headers, "Extra request header FIELD:VALUE (repeatable)")
        ->allow_extra_args(false);
    app.add_option("--user-agent", user_agent, "User-Agent header");
    app.add_option("--cookies", cookies, "Netscape-format cookie file");
    app.add_option("--cookies-from-browser", cookies_from_browser,
                   "Let yt-dlp read the cookies of BROWSER (firefox, chrome, ...)");
    app.add_flag("--no-check-certificate", no_check_certificate, "Do not verify TLS certificates (unsafe)");
    app.add_option("--ca-certificate", ca_file, "Extra CA bundle (PEM) to trust");
    app.add_flag("--no-continue", no_continue, "Do not resume partial downloads; start over");
    app.add_flag("--force-overwrites", force_overwrites, "Download again even if the file already exists");
    app.add_option("-f,--format", format, "Stream format: ID, best, bestvideo+bestaudio, height<=720, ...");
    app.add_flag("-F,--list-formats", o.list_formats, "List the formats of stream URLs and exit");
    app.add_flag("--skip-unavailable-fragments", skip_unavailable,
                 "Leave out stream fragments that keep failing (they are listed) instead of failing");
    app.add_option("--live-duration", live_duration, "Stop recording a live stream after SECONDS")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--merge-output-format", merge_format, "Container for merged streams: mp4 or mkv")
        ->check(CLI::IsMember({"mp4", "mkv"}));
    app.add_option("--yt-dlp", ytdlp_path,
                   "yt-dlp executable for sites Arina does not know (yt-dlp on PATH)");
    app.add_option("--yt-dlp-timeout", ytdlp_timeout, "Seconds yt-dlp may take for one URL (120)")
        ->check(CLI::PositiveNumber);
    app.add_option("--extractor-args", extractor_args, "yt-dlp extractor arguments KEY:ARGS (repeatable)")
        ->allow_extra_args(false);
    app.add_flag("--write-subs", write_subs, "Write subtitles as files next to the media");
    app.add_flag("--embed-subs", embed_subs, "Embed subtitles in the media file");
    app.add_option("--sub-langs", sub_langs, "Subtitle languages: en,de or all");
    app.add_flag("--no-embed-metadata", no_embed_metadata,
                 "Do not write title, uploader and date into the file");
    app.add_flag("--embed-thumbnail", embed_thumbnail, "Attach the thumbnail as cover art");
    app.add_option("--download-archive", o.download_archive,
                   "Skip URLs listed in FILE; add finished ones to it");
    app.add_option(
        "--queue-db", database,
        "Task database for `arina queue` and `arina run`: a file, or a PostgreSQL connection string");
    app.add_option("--worker", o.config.worker,
                   "Name of this worker on a shared PostgreSQL queue (host:pid)");
    app.add_option("--progress", progress, "Progress output: auto, json or none")
        ->check(CLI::IsMember({"auto", "json", "none"}));
    app.add_flag("--stats", o.stats, "Print speed, connections, threads and memory in the summary");
    app.add_flag("-q,--quiet", o.quiet, "Print only errors");
    app.add_flag("-v,--verbose", o.verbose, "Print details of what happens");
    app.footer(
        "Settings: arina config show [URL] | path | init   (file, presets, platform profiles, origins)\n"
        "Queue: arina queue add|list|remove|clear ..., arina run   (tasks persist in --queue-db)\n"
        "Exit codes: 0 ok, 1 internal, 2 usage, 3 network, 4 timeout, 5 HTTP error, 6 TLS, 7 bad server\n"
        "response, 8 file changed on server, 9 disk full, 10 file access, 11 bad manifest, 12 fragment\n"
        "missing, 13 extractor, 14 database, 15 unsupported, 130 interrupted.");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {
            out.exit_now = app.exit(e);
            return out;
        }
        out.error = {FailReason::Usage, std::string("arina: ") + e.what()};
        return out;
    }
    auto usage = [&](std::string message) {
        out.error = {FailReason::Usage, "arina: " + std::move(message)};
        return out;
    };

    // The config file: --config FILE must exist; the default one is read when it does.
    if (!ignore_config) {
        const bool named = !config_file.empty();
        const std::filesystem::path path =
            named ? std::filesystem::path(config_file) : Config::default_config_path();
        std::error_code ec;
        if (named || std::filesystem::exists(path, ec)) {
            if (named && !std::filesystem::exists(path, ec))
                return usage("--config: no such file: '" + config_file + "'");
            auto loaded = ConfigLayers::from_file(path);
            if (auto* err = std::get_if<Error>(&loaded)) return usage(err->message);
            o.layers = std::move(std::get<ConfigLayers>(loaded));
        }
    }
    ConfigLayers& layers = o.layers;
    std::string problem;
    auto set = [&](std::string_view flag, std::string_view key, SettingValue value) {
        if (!problem.empty()) return;
        if (auto err = layers.set(key, std::move(value))) problem = std::string(flag) + ": " + err.message;
    };
    auto given = [&](const char* name) { return app.count(name) > 0; };

    if (!preset.empty()) layers.set_preset(preset);
    if (workers > 0) set("--max-workers", "max_workers", std::int64_t{workers});
    if (connections == "auto")
        set("--concurrent-fragments", "concurrent_fragments", connections);
    else if (!connections.empty())
        set("--concurrent-fragments", "concurrent_fragments", std::int64_t{std::stoi(connections)});
    if (per_host >= 0) set("--max-connections-per-host", "max_connections_per_host", std::int64_t{per_host});
    if (retries >= 0) set("--retries", "retries", std::int64_t{retries});
    if (fragment_retries >= 0) set("--fragment-retries", "fragment_retries", std::int64_t{fragment_retries});
    if (given("--socket-timeout")) set("--socket-timeout", "socket_timeout", socket_timeout);
    if (given("--live-duration")) set("--live-duration", "live_duration", live_duration);
    if (!output_dir.empty()) set("--paths", "output_dir", output_dir);
    // -o names the file, as it always has; with a template field in it, it is a template for
    // media found on pages (yt-dlp's meaning of -o).
    if (output_name.find("%(") != std::string::npos) {
        set("--output", "output_template", output_name);
        output_name.clear();
    }
    if (no_continue) set("--no-continue", "continue_partial", false);
    if (force_overwrites) set("--force-overwrites", "overwrite", true);
    if (skip_unavailable) set("--skip-unavailable-fragments", "skip_unavailable_fragments", true);
    if (no_check_certificate) set("--no-check-certificate", "check_certificate", false);
    if (!ca_file.empty()) set("--ca-certificate", "ca_certificate", ca_file);
    if (given("--proxy")) set("--proxy", "proxy", proxy);
    if (given("--user-agent")) set("--user-agent", "user_agent", user_agent);
    if (given("--cookies")) set("--cookies", "cookies", cookies);
    if (given("--queue-db")) set("--queue-db", "database", database);
    if (given("--yt-dlp")) set("--yt-dlp", "ytdlp_path", ytdlp_path);
    if (given("--yt-dlp-timeout")) set("--yt-dlp-timeout", "ytdlp_timeout", ytdlp_timeout);
    if (given("--cookies-from-browser"))
        set("--cookies-from-browser", "cookies_from_browser", cookies_from_browser);
    if (!extractor_args.empty()) set("--extractor-args", "extractor_args", extractor_args);
    if (write_subs) set("--write-subs", "write_subs", true);
    if (embed_subs) set("--embed-subs", "embed_subs", true);
    if (given("--sub-langs")) set("--sub-langs", "sub_langs", sub_langs);
    if (no_embed_metadata) set("--no-embed-metadata", "embed_metadata", false);
    if (embed_thumbnail) set("--embed-thumbnail", "embed_thumbnail", true);
    if (!limit_rate.empty()) {
        auto rate = parse_size(limit_rate);
        if (!rate || *rate <= 0) return usage("--limit-rate: not a rate: '" + limit_rate + "'");
        set("--limit-rate", "rate_limit", static_cast<double>(*rate));
    }
    if (!chunk_size.empty()) {
        auto size = parse_size(chunk_size);
        if (!size || *size < 65536)
            return usage("--http-chunk-size: must be a size of at least 64K: '" + chunk_size + "'");
        set("--http-chunk-size", "http_chunk_size", *size);
    }
    if (!retry_sleep.empty()) {
        Config sleep;
        if (!parse_retry_sleep(retry_sleep, sleep))
            return usage("--retry-sleep: expected SECONDS or exp=START[:END], got '" + retry_sleep + "'");
        set("--retry-sleep", "retry_sleep", sleep.retry_sleep);
        if (retry_sleep.find(':') != std::string::npos)
            set("--retry-sleep", "retry_sleep_max", sleep.retry_sleep_max);
    }
    if (!headers.empty()) {
        std::vector<std::string> lines;
        for (const auto& h : headers) {
            const auto colon = h.find(':');
            if (colon == std::string::npos || colon == 0)
                return usage("--add-header: expected FIELD:VALUE, got '" + h + "'");
            std::string value = h.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            lines.push_back(h.substr(0, colon) + ": " + value);
        }
        set("--add-header", "headers", lines);
    }
    if (!problem.empty()) return usage(problem);

    const std::string worker = o.config.worker;
    o.config = layers.resolve();
    o.config.worker = worker;
    Config& c = o.config;
    // The per-host budget follows -N up unless it is given (or unlimited).
    if (per_host < 0 && c.max_connections_per_host > 0)
        c.max_connections_per_host = std::max(c.max_connections_per_host, c.concurrent_fragments);
    o.task.output_dir = c.output_dir;
    o.task.output_name = output_name;
    o.task.format = format;
    o.task.merge_output_format = merge_format;
    if (!c.http.cookies_file.empty() && !std::ifstream(c.http.cookies_file))
        return usage("--cookies: cannot read '" + c.http.cookies_file + "'");
    if (!ca_file.empty() && !std::ifstream(ca_file))
        return usage("--ca-certificate: cannot read '" + ca_file + "'");
    if (!batch_file.empty()) {
        auto batch = read_batch_file(batch_file);
        if (auto* err = std::get_if<Error>(&batch)) {
            out.error = *err;
            return out;
        }
        for (auto& u : std::get<std::vector<std::string>>(batch)) o.urls.push_back(std::move(u));
    }
    if (urls_required && o.urls.empty()) return usage("no URL given (see --help)");
    // Before anything starts: a word that is not a URL is a mistake on the command line, not
    // something to retry for minutes.
    for (const auto& url : o.urls)
        if (auto problem_text = url_problem(url)) return usage(*problem_text);
    if (!output_name.empty() && o.urls.size() > 1)
        return usage("-o names one file; it cannot be used with several URLs");
    o.progress = progress == "json"   ? ProgressStyle::Json
                 : progress == "none" ? ProgressStyle::None
                                      : ProgressStyle::Auto;
    return out;
}

}  // namespace arina::cli
