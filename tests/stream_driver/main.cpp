// arina-stream-driver: StreamDownload as a small program, for the crash-and-resume tests (which
// SIGKILL it) and for bench/stream.sh, until the arina command learns streams.
//
//   arina-stream-driver [-P DIR] [-o NAME] [-f SPEC] [-N N] [-F] ... URL
//
// Prints "notice: ..." lines, then "done PATH" or "error REASON: MESSAGE"; exits with the
// documented exit code of the failure reason (0 on success). SIGINT/SIGTERM call cancel(): a live
// recording is finalised, a VOD download keeps its part files for resume.

#include <signal.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <future>
#include <iostream>

#include "stream/stream_download.hpp"
#include "transfer/runtime.hpp"

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void on_signal(int) {
    g_interrupted = 1;
}

bool parse_retry_sleep(std::string spec, arina::net::RetryTiming& timing) {
    if (spec.rfind("exp=", 0) == 0) spec = spec.substr(4);
    const auto colon = spec.find(':');
    try {
        timing.base_seconds = std::stod(spec.substr(0, colon));
        if (colon != std::string::npos) timing.max_seconds = std::stod(spec.substr(colon + 1));
        return timing.base_seconds >= 0 && timing.max_seconds >= timing.base_seconds;
    } catch (...) {
        return false;
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Downloads one HLS/DASH stream with Arina's StreamDownload"};
    arina::stream::StreamJob job;
    std::string retry_sleep, merge = "mp4";
    bool verbose = false;
    app.add_option("url", job.url, "Manifest URL (.m3u8 or .mpd)")->required();
    app.add_option("-P,--paths", job.output_dir, "Output directory");
    app.add_option("-o,--output", job.output_name, "Output file name");
    app.add_option("-f,--format", job.format, "Format selection (see format_selector.hpp)");
    app.add_flag("-F,--list-formats", job.list_formats, "List the formats and exit");
    app.add_option("-N,--concurrent-fragments", job.connections, "Fragments in flight");
    app.add_option("-R,--retries", job.retries, "Retries of manifest, playlist and key requests");
    app.add_option("--fragment-retries", job.fragment_retries, "Retries of each fragment");
    app.add_option("--retry-sleep", retry_sleep, "SECONDS or exp=START[:END]");
    app.add_option("--socket-timeout", job.http.socket_timeout, "Seconds without data before a retry");
    app.add_option("--merge-output-format", merge, "mp4 or mkv");
    app.add_flag("--skip-unavailable-fragments", job.skip_unavailable_fragments,
                 "Leave out failing fragments");
    app.add_option("--live-duration", job.live_duration, "Seconds of a live stream to record");
    app.add_option("--live-outage", job.live_outage_seconds,
                   "Seconds a live playlist may fail before the end");
    bool no_continue = false;
    app.add_flag("--no-continue", no_continue, "Ignore partial downloads");
    app.add_flag("--force-overwrites", job.overwrite, "Download again even if the file exists");
    app.add_flag("-v,--verbose", verbose, "Print progress once a second");
    CLI11_PARSE(app, argc, argv);
    job.continue_partial = !no_continue;
    if (!retry_sleep.empty() && !parse_retry_sleep(retry_sleep, job.retry_timing)) {
        std::cerr << "--retry-sleep: expected SECONDS or exp=START[:END]\n";
        return 2;
    }
    const auto container = arina::mux::container_from_name(merge);
    if (!container) {
        std::cerr << "--merge-output-format: expected mp4 or mkv\n";
        return 2;
    }
    job.merge_format = *container;

    struct sigaction action {};
    action.sa_handler = on_signal;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);

    arina::transfer::Runtime runtime;
    std::promise<arina::transfer::DownloadResult> promise;
    auto future = promise.get_future();
    arina::stream::StreamDownload download(
        runtime.engine, runtime.disk, job,
        [&promise](const arina::transfer::DownloadResult& r) { promise.set_value(r); });
    runtime.engine.post([&download] { download.start(); });
    bool cancelled = false;
    auto last_print = std::chrono::steady_clock::now();
    while (future.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
        if (g_interrupted && !cancelled) {
            cancelled = true;
            runtime.engine.post([&download] { download.cancel(); });
        }
        if (verbose && std::chrono::steady_clock::now() - last_print > std::chrono::seconds(1)) {
            last_print = std::chrono::steady_clock::now();
            const auto p = download.progress();
            std::cerr << "fragments " << p.fragments_done << "/" << p.fragments_total << ", " << p.done_bytes
                      << " bytes, " << p.connections << " connections\n";
        }
    }
    const auto result = future.get();
    if (job.list_formats) std::cout << download.format_listing();
    for (const auto& n : result.notices) std::cout << "notice: " << n << "\n";
    for (const auto& w : result.warnings) std::cout << "warning: " << w << "\n";
    if (result.error) {
        std::cout << "error " << arina::to_string(result.error.reason) << ": " << result.error.message
                  << std::endl;
        return arina::exit_code(result.error.reason);
    }
    if (!job.list_formats)
        std::cout << (result.already_present ? "already " : "done ") << result.file.string() << std::endl;
    return 0;
}
