#include "cli/options.hpp"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

#include "util/units.hpp"

namespace arina::cli {
namespace {

constexpr const char* kVersion = "arina 0.1.0";

// --retry-sleep accepts a number (the first back-off, doubling each time) or
// yt-dlp's "exp=START[:END]".
bool parse_retry_sleep(const std::string& text, net::RetryTiming& timing) {
    std::string spec = text;
    if (spec.rfind("exp=", 0) == 0) spec = spec.substr(4);
    const auto colon = spec.find(':');
    try {
        std::size_t used = 0;
        const double start = std::stod(spec.substr(0, colon), &used);
        if (used != (colon == std::string::npos ? spec.size() : colon) || start < 0) return false;
        timing.base_seconds = start;
        if (colon != std::string::npos) {
            const double end = std::stod(spec.substr(colon + 1), &used);
            if (used != spec.size() - colon - 1 || end < start) return false;
            timing.max_seconds = end;
        }
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace

ParseOutcome parse_command_line(int argc, char** argv) {
    ParseOutcome out;
    CliOptions& o = out.options;
    auto& job = o.job;

    CLI::App app{"Arina: a fast, careful downloader for files and media streams.\n"};
    app.name("arina");
    app.set_version_flag("--version", kVersion);
    app.add_option("urls", o.urls, "URLs to download")->required();

    std::string output_dir = ".";
    std::string limit_rate, chunk_size, retry_sleep, progress = "auto", ca_file;
    std::vector<std::string> headers;
    bool no_continue = false, no_check_certificate = false;

    app.add_option("-o,--output", job.output_name, "Output file name (relative to -P)");
    app.add_option("-P,--paths", output_dir, "Directory to download into")->capture_default_str();
    app.add_option("-N,--concurrent-fragments", job.connections, "Connections per download")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    app.add_option("-r,--limit-rate", limit_rate, "Total download rate limit, e.g. 50K or 4.2M (bytes/s)");
    app.add_option("--http-chunk-size", chunk_size, "Largest byte range asked in one request (default 10M)");
    app.add_option("-R,--retries", job.retries, "Retries of the whole download")->capture_default_str();
    app.add_option("--fragment-retries", job.fragment_retries, "Retries of each byte range")->capture_default_str();
    app.add_option("--retry-sleep", retry_sleep, "Back-off: SECONDS or exp=START[:END] (default exp=1:30)");
    app.add_option("--socket-timeout", job.http.socket_timeout,
                   "Seconds to wait for a connection or for the next byte")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--proxy", job.http.proxy, "Proxy URL (http://, socks5://...)");
    app.add_option("--add-header", headers, "Extra request header FIELD:VALUE (repeatable)");
    app.add_option("--user-agent", job.http.user_agent, "User-Agent header")->capture_default_str();
    app.add_option("--cookies", job.http.cookies_file, "Netscape-format cookie file");
    app.add_flag("--no-check-certificate", no_check_certificate, "Do not verify TLS certificates (unsafe)");
    app.add_option("--ca-certificate", ca_file, "Extra CA bundle (PEM) to trust");
    app.add_flag("--no-continue", no_continue, "Do not resume partial downloads; start over");
    app.add_flag("--force-overwrites", job.overwrite, "Download again even if the file already exists");
    app.add_option("--progress", progress, "Progress output: auto, json or none")
        ->check(CLI::IsMember({"auto", "json", "none"}));
    app.add_flag("-q,--quiet", o.quiet, "Print only errors");
    app.add_flag("-v,--verbose", o.verbose, "Print details of what happens");
    app.footer(
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
    job.output_dir = output_dir;
    job.continue_partial = !no_continue;
    job.http.verify_tls = !no_check_certificate;
    job.http.ca_file = ca_file;
    if (!limit_rate.empty()) {
        auto rate = parse_size(limit_rate);
        if (!rate || *rate <= 0) return usage("--limit-rate: not a rate: '" + limit_rate + "'");
        o.limit_rate = static_cast<double>(*rate);
    }
    if (!chunk_size.empty()) {
        auto size = parse_size(chunk_size);
        if (!size || *size < 65536) return usage("--http-chunk-size: must be a size of at least 64K: '" + chunk_size + "'");
        job.chunk_size = *size;
    }
    if (!retry_sleep.empty() && !parse_retry_sleep(retry_sleep, job.retry_timing))
        return usage("--retry-sleep: expected SECONDS or exp=START[:END], got '" + retry_sleep + "'");
    for (const auto& h : headers) {
        const auto colon = h.find(':');
        if (colon == std::string::npos || colon == 0) return usage("--add-header: expected FIELD:VALUE, got '" + h + "'");
        std::string value = h.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        job.http.headers.push_back(h.substr(0, colon) + ": " + value);
    }
    if (!job.http.cookies_file.empty() && !std::ifstream(job.http.cookies_file))
        return usage("--cookies: cannot read '" + job.http.cookies_file + "'");
    if (!ca_file.empty() && !std::ifstream(ca_file)) return usage("--ca-certificate: cannot read '" + ca_file + "'");
    if (!job.output_name.empty() && o.urls.size() > 1) return usage("-o names one file; it cannot be used with several URLs");
    o.progress = progress == "json" ? ProgressStyle::Json : progress == "none" ? ProgressStyle::None : ProgressStyle::Auto;
    return out;
}

}  // namespace arina::cli
