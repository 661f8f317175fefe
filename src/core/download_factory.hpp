#pragma once
// Turns a task into the right kind of Download (plain file, HLS/DASH stream). The
// manager only knows this interface, so tests can give it downloads that need no
// network.

#include <filesystem>
#include <memory>
#include <vector>

#include "core/config.hpp"
#include "core/extracting_download.hpp"
#include "core/task.hpp"
#include "stream/stream_job.hpp"
#include "transfer/download.hpp"
#include "transfer/runtime.hpp"

namespace arina {

class DownloadFactory {
  public:
    virtual ~DownloadFactory() = default;
    /// Engine thread. The returned download has not been started.
    virtual std::unique_ptr<transfer::Download> create(const DownloadTask& task, const Config& config,
                                                       transfer::Runtime& runtime,
                                                       transfer::Download::Finished finished) = 0;
};

/// Every file a task whose output is `final_path` may have left, whichever kind of download
/// it turned out to be (each kind lists its own; remove with delete_files removes them all).
std::vector<std::filesystem::path> task_files(const std::filesystem::path& final_path);

/// Plain files over HTTP(S), HLS/DASH manifests, and web pages (their media found by the
/// extractors, yt-dlp among them).
std::unique_ptr<DownloadFactory> make_default_download_factory();

/// The plain-file job a task and a configuration describe.
transfer::FileJob file_job_for(const DownloadTask& task, const Config& config);
/// The stream (HLS/DASH) job a task and a configuration describe.
stream::StreamJob stream_job_for(const DownloadTask& task, const Config& config);
/// The extraction (web page, site) job a task and a configuration describe.
ExtractingJob extracting_job_for(const DownloadTask& task, const Config& config);

}  // namespace arina
