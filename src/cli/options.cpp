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

ParseOutcome parse_command_line(int argc, char** argv, bool urls_required) {
    ParseOutcome out;
    CliOptions& o = out.options;
    o.config = Config::load();
    Config& c = o.config;

    CLI::App app{"Arina: a fast, careful downloader for files and media streams.\n"};
    app.name("arina");
    app.set_version_flag("--version", kVersion);
    app.add_option("urls", o.urls, "URLs to download");

    std::string output_dir, output_name, limit_rate, chunk_size, retry_sleep,
        progress = "auto", ca_file, batch_file, preset, format, merge_format;
    std::vector<std::string> headers;
    int connections = 0, workers = 0, per_host = -1;
    bool no_continue = false, no_check_certificate = false, force_overwrites = false;

    app.add_option("-o,--output", output_name, "Output file name (relative to -P)");
    app.add_option("-P,--paths", output_dir, "Directory to download into (.)");
    app.add_option("-a,--batch-file", batch_file, "Read URLs from FILE, one per line ('#' comments)");
    app.add_option("-N,--concurrent-fragments", connections, "Connections per download (4)")
        ->check(CLI::Range(1, 64));
    app.add_option("--max-workers", workers, "Downloads at once (4)")->check(CLI::Range(1, 64));
    app.add_option("--max-connections-per-host", per_host,
                   "Connections to one host across all downloads (8, at least -N; 0 = no limit)")
        ->check(CLI::Range(0, 1024));
    app.add_option("--preset", preset, "high-performance, stable or conservative")
        ->check(CLI::IsMember({"high-performance", "stable", "conservative"}));
    app.add_option("-r,--limit-rate", limit_rate, "Total download rate limit, e.g. 50K or 4.2M (bytes/s)");
    app.add_option("--http-chunk-size", chunk_size, "Largest byte range asked in one request (10M)");
    app.add_option("-R,--retries", c.retries, "Retries of a whole download (10)");
    app.add_option("--fragment-retries", c.fragment_retries, "Retries of each byte range or fragment (10)");
    app.add_option("--retry-sleep", retry_sleep, "Back-off: SECONDS or exp=START[:END] (exp=1:30)");
    app.add_option("--socket-timeout", c.socket_timeout,
                   "Seconds to wait for a connection or the next byte (30)")
        ->check(CLI::PositiveNumber);
    app.add_option("--proxy", c.http.proxy, "Proxy URL (http://, socks5://...)");
    app.add_option("--add-header", headers, "Extra request header FIELD:VALUE (repeatable)");
    app.add_option("--user-agent", c.http.user_agent, "User-Agent header");
    app.add_option("--cookies", c.http.cookies_file, "Netscape-format cookie file");
    app.add_flag("--no-check-certificate", no_check_certificate, "Do not verify TLS certificates (unsafe)");
    app.add_option("--ca-certificate", ca_file, "Extra CA bundle (PEM) to trust");
    app.add_flag("--no-continue", no_continue, "Do not resume partial downloads; start over");
    app.add_flag("--force-overwrites", force_overwrites, "Download again even if the file already exists");
    app.add_option("-f,--format", format, "Stream format: ID, best, bestvideo+bestaudio, height<=720, ...");
    app.add_flag("-F,--list-formats", o.list_formats, "List the formats of stream URLs and exit");
    app.add_flag("--skip-unavailable-fragments", c.skip_unavailable_fragments,
                 "Leave out stream fragments that keep failing (they are listed) instead of failing");
    app.add_option("--live-duration", c.live_duration, "Stop recording a live stream after SECONDS")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--merge-output-format", merge_format, "Container for merged streams: mp4 or mkv")
        ->check(CLI::IsMember({"mp4", "mkv"}));
    app.add_option("--download-archive", o.download_archive,
                   "Skip URLs listed in FILE; add finished ones to it");
    app.add_option(
        "--queue-db", c.database,
        "Task database for `arina queue` and `arina run`: a file, or a PostgreSQL connection string");
    app.add_option("--worker", c.worker, "Name of this worker on a shared PostgreSQL queue (host:pid)");
    app.add_option("--progress", progress, "Progress output: auto, json or none")
        ->check(CLI::IsMember({"auto", "json", "none"}));
    app.add_flag("--stats", o.stats, "Print speed, connections, threads and memory in the summary");
    app.add_flag("-q,--quiet", o.quiet, "Print only errors");
    app.add_flag("-v,--verbose", o.verbose, "Print details of what happens");
    app.footer(
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

    if (!preset.empty()) {
        const Config p = *Config::preset(preset);
        c.max_workers = p.max_workers;
        c.concurrent_fragments = p.concurrent_fragments;
        c.http_chunk_size = p.http_chunk_size;
    }
    if (workers > 0) c.max_workers = workers;
    if (connections > 0) c.concurrent_fragments = connections;
    c.max_connections_per_host =
        per_host >= 0 ? per_host : std::max(c.max_connections_per_host, c.concurrent_fragments);
    if (!output_dir.empty()) c.output_dir = output_dir;
    o.task.output_dir = c.output_dir;
    o.task.output_name = output_name;
    o.task.format = format;
    o.task.merge_output_format = merge_format;
    c.continue_partial = !no_continue;
    c.overwrite = force_overwrites;
    c.http.verify_tls = !no_check_certificate;
    if (!ca_file.empty()) c.http.ca_file = ca_file;
    if (!limit_rate.empty()) {
        auto rate = parse_size(limit_rate);
        if (!rate || *rate <= 0) return usage("--limit-rate: not a rate: '" + limit_rate + "'");
        c.rate_limit = static_cast<double>(*rate);
    }
    if (!chunk_size.empty()) {
        auto size = parse_size(chunk_size);
        if (!size || *size < 65536)
            return usage("--http-chunk-size: must be a size of at least 64K: '" + chunk_size + "'");
        c.http_chunk_size = *size;
    }
    if (!retry_sleep.empty() && !parse_retry_sleep(retry_sleep, c))
        return usage("--retry-sleep: expected SECONDS or exp=START[:END], got '" + retry_sleep + "'");
    for (const auto& h : headers) {
        const auto colon = h.find(':');
        if (colon == std::string::npos || colon == 0)
            return usage("--add-header: expected FIELD:VALUE, got '" + h + "'");
        std::string value = h.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        c.http.headers.push_back(h.substr(0, colon) + ": " + value);
    }
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
        if (auto problem = url_problem(url)) return usage(*problem);
    if (!output_name.empty() && o.urls.size() > 1)
        return usage("-o names one file; it cannot be used with several URLs");
    o.progress = progress == "json"   ? ProgressStyle::Json
                 : progress == "none" ? ProgressStyle::None
                                      : ProgressStyle::Auto;
    return out;
}

}  // namespace arina::cli
