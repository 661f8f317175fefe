#include "cli/format_listing.hpp"

#include <cstdio>
#include <future>

#include "core/download_factory.hpp"
#include "stream/manifest_url.hpp"
#include "stream/stream_download.hpp"
#include "transfer/runtime.hpp"

namespace arina::cli {

int list_formats(const CliOptions& options) {
    transfer::Runtime runtime;
    int status = 0;
    for (const auto& url : options.urls) {
        if (!stream::is_manifest_url(url)) {
            std::printf("%s: a plain file; it has one format\n", url.c_str());
            continue;
        }
        DownloadTask task = options.task;
        task.url = url;
        auto job = stream_job_for(task, options.config);
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
