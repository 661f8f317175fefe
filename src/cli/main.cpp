// arina: download URLs from the command line.

#include <csignal>
#include <cstdio>
#include <future>
#include <thread>

#include "cli/options.hpp"
#include "cli/progress_printer.hpp"
#include "transfer/runtime.hpp"

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void on_signal(int) { g_interrupted = 1; }

// Runs one download to its end on the shared runtime, showing progress and
// cancelling cleanly (partial file kept) on Ctrl-C.
arina::transfer::DownloadResult run_one(arina::transfer::Runtime& rt, arina::transfer::FileJob job,
                                    arina::cli::ProgressPrinter& printer) {
    using namespace std::chrono_literals;
    std::promise<arina::transfer::DownloadResult> done;
    auto result = done.get_future();
    const std::string url = job.url;
    arina::transfer::FileDownload download(rt.engine, rt.disk, std::move(job),
                                           [&done](const arina::transfer::DownloadResult& r) { done.set_value(r); });
    rt.engine.post([&download] { download.start(); });
    bool cancel_sent = false;
    while (result.wait_for(100ms) != std::future_status::ready) {
        if (g_interrupted && !cancel_sent) {
            cancel_sent = true;
            rt.engine.post([&download] { download.cancel(); });
        }
        printer.update(url, download.progress());
    }
    return result.get();
}

}  // namespace

int main(int argc, char** argv) {
    auto parsed = arina::cli::parse_command_line(argc, argv);
    if (parsed.exit_now) return *parsed.exit_now;
    if (parsed.error) {
        std::fprintf(stderr, "%s\n", parsed.error.message.c_str());
        return arina::exit_code(parsed.error.reason);
    }
    const auto& options = parsed.options;

    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    arina::transfer::Runtime runtime(arina::net::EngineOptions{0, options.limit_rate});
    arina::cli::ProgressPrinter printer(options.progress, options.quiet, options.verbose);
    int exit_status = 0;
    for (const auto& url : options.urls) {
        if (g_interrupted) break;
        auto job = options.job;
        job.url = url;
        const auto started = std::chrono::steady_clock::now();
        const auto result = run_one(runtime, std::move(job), printer);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        printer.finished(url, result, seconds);
        if (result.error && exit_status == 0) exit_status = arina::exit_code(result.error.reason);
    }
    if (g_interrupted) return arina::exit_code(arina::FailReason::Cancelled);
    return exit_status;
}
