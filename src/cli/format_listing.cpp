#include "cli/format_listing.hpp"

#include <cstdio>
#include <future>
#include <memory>
#include <random>
#include <variant>

#include "core/download_factory.hpp"
#include "stream/manifest_url.hpp"
#include "stream/memory_fetch.hpp"
#include "stream/stream_download.hpp"
#include "transfer/runtime.hpp"

namespace arina::cli {
namespace {

// Whether a URL without a manifest extension serves one, by its Content-Type, as a download
// decides (core/detecting_download.hpp). Asks for one byte.
std::variant<bool, Error> serves_manifest(transfer::Runtime& runtime, const stream::StreamJob& job) {
    stream::FetchSpec spec;
    spec.url = job.url;
    spec.range = ByteRange{0, 1};
    spec.max_bytes = 1;
    spec.retries = job.retries;
    spec.what = "URL";
    std::mt19937 rng(std::random_device{}());
    std::promise<stream::FetchResult> answered;
    std::unique_ptr<stream::MemoryFetch> fetch;
    runtime.engine.post([&] {
        fetch = std::make_unique<stream::MemoryFetch>(
            runtime.engine, job.http, job.retry_timing, rng, transfer::next_download_key(), spec,
            [&answered](stream::FetchResult r) { answered.set_value(std::move(r)); });
        fetch->start();
    });
    const stream::FetchResult result = answered.get_future().get();
    std::promise<void> released;  // the fetch belongs to the engine thread
    runtime.engine.post([&] {
        fetch.reset();
        released.set_value();
    });
    released.get_future().wait();
    if (result.error) return result.error;
    return stream::is_manifest_content_type(result.content_type);
}

}  // namespace

int list_formats(const CliOptions& options) {
    transfer::Runtime runtime;
    int status = 0;
    for (const auto& url : options.urls) {
        DownloadTask task = options.task;
        task.url = url;
        auto job = stream_job_for(task, options.config);
        if (!stream::is_manifest_url(url)) {
            auto manifest = serves_manifest(runtime, job);
            if (auto* error = std::get_if<Error>(&manifest)) {
                std::fprintf(stderr, "arina: error: %s\n", error->message.c_str());
                if (status == 0) status = exit_code(error->reason);
                continue;
            }
            if (!std::get<bool>(manifest)) {
                std::printf("%s: a plain file; it has one format\n", url.c_str());
                continue;
            }
        }
        job.list_formats = true;
        std::promise<transfer::DownloadResult> done;
        stream::StreamDownload download(runtime.engine, runtime.disk, std::move(job),
                                        [&done](const transfer::DownloadResult& r) { done.set_value(r); });
        runtime.engine.post([&download] { download.start(); });
        const auto result = done.get_future().get();
        if (result.error) {
            std::fprintf(stderr, "arina: error: %s\n", result.error.message.c_str());
            if (status == 0) status = exit_code(result.error.reason);
            continue;
        }
        std::printf("%s", download.format_listing().c_str());
    }
    return status;
}

}  // namespace arina::cli
