#include "core/download_factory.hpp"

#include <algorithm>

#include "core/detecting_download.hpp"
#include "core/profile_settings.hpp"
#include "extract/platform.hpp"
#include "media/manifest_detect.hpp"
#include "stream/stream_download.hpp"
#include "transfer/file_download.hpp"

namespace arina {
namespace {

bool is_video_site(const std::string& platform) {
    return platform != "generic" && extract::find_builtin_platform(platform) != nullptr;
}

class DefaultFactory final : public DownloadFactory {
  public:
    std::unique_ptr<transfer::Download> create(const DownloadTask& given, const Config& manager_config,
                                               transfer::Runtime& runtime,
                                               transfer::Download::Finished finished) override {
        // The URL's platform profile (connections, quality, age gate cookies); a plain file or
        // manifest on an unknown host keeps the configured settings (UrlKind::Direct).
        const ProfiledTask profiled = apply_platform_profile(given, manager_config, UrlKind::Direct);
        const DownloadTask& task = profiled.task;
        const Config& config = profiled.config;
        // A video site Arina knows (youtube, pornhub, xvideos) is a page for yt-dlp from the start:
        // its HTML is the site's player, never the media (and an og:video there names another
        // page). Platforms a user adds are hosts with settings, whatever they serve.
        if (is_video_site(platform_of(manager_config, given.url))) {
            ExtractingJob job = extracting_job_for(given, manager_config);
            job.file_job.host_memory = runtime.host_memory;
            job.ytdlp_only = true;
            return std::make_unique<ExtractingDownload>(runtime, std::move(job), std::move(finished));
        }
        // A manifest URL is a stream; anything else starts as a plain file until its server's first
        // answer says otherwise: a manifest (Content-Type) goes on as a stream, a web page as an
        // extraction.
        if (media::manifest_kind_of_url(task.url, media::M3u::WithM3u))
            return std::make_unique<stream::StreamDownload>(
                runtime.engine, runtime.disk, stream_job_for(task, config), std::move(finished));
        transfer::FileJob file_job = file_job_for(task, config);
        file_job.host_memory = runtime.host_memory;
        ExtractingJob extracting = extracting_job_for(given, manager_config);
        extracting.file_job.host_memory = runtime.host_memory;
        return std::make_unique<DetectingDownload>(runtime, std::move(file_job), stream_job_for(task, config),
                                                   std::move(extracting), std::move(finished));
    }
};

}  // namespace

transfer::FileJob file_job_for(const DownloadTask& task, const Config& config) {
    transfer::FileJob job;
    job.url = task.url;
    job.output_dir = task.output_dir.empty() ? config.output_dir : task.output_dir;
    job.output_name = task.output_name;
    const int connections = task.concurrent_fragments.value_or(config.concurrent_fragments);
    job.auto_connections = connections == kAutoConnections;
    job.connections = job.auto_connections ? auto_connection_budget(config) : connections;
    job.chunk_size = config.http_chunk_size;
    job.retries = config.retries;
    job.fragment_retries = config.fragment_retries;
    job.retry_timing.base_seconds = config.retry_sleep;
    job.retry_timing.max_seconds = config.retry_sleep_max;
    job.continue_partial = config.continue_partial;
    job.overwrite = config.overwrite;
    job.http = config.http;
    job.http.socket_timeout = config.socket_timeout;
    for (const auto& h : task.headers) job.http.headers.push_back(h);
    return job;
}

stream::StreamJob stream_job_for(const DownloadTask& task, const Config& config) {
    const transfer::FileJob common = file_job_for(task, config);
    stream::StreamJob job;
    job.url = common.url;
    job.output_dir = common.output_dir;
    job.output_name = common.output_name;
    job.connections = common.auto_connections ? kAutoStreamFragments : common.connections;
    job.retries = common.retries;
    job.fragment_retries = common.fragment_retries;
    job.retry_timing = common.retry_timing;
    job.continue_partial = common.continue_partial;
    job.overwrite = common.overwrite;
    job.http = common.http;
    job.skip_unavailable_fragments = config.skip_unavailable_fragments;
    job.live_duration = config.live_duration;
    // The seed's quality preference is a list of alternatives: the first available wins.
    job.format = task.format;
    if (job.format.empty()) {
        for (const auto& q : task.quality_preference) job.format += (job.format.empty() ? "" : ",") + q;
    }
    if (task.merge_output_format == "mkv") job.merge_format = mux::Container::Mkv;
    return job;
}

ExtractingJob extracting_job_for(const DownloadTask& given, const Config& manager_config) {
    // A page gets its platform's profile, the generic one included (3 connections, as the seed has it).
    const ProfiledTask profiled = apply_platform_profile(given, manager_config, UrlKind::Page);
    const DownloadTask& task = profiled.task;
    const Config& config = profiled.config;
    ExtractingJob job;
    job.file_job = file_job_for(task, config);
    job.stream_job = stream_job_for(task, config);
    job.request = extract_request_for(profiled);
    job.request.url = task.url;
    job.request.http = job.file_job.http;
    job.platform = platform_of(manager_config, task.url);
    job.page_retries = std::min(config.retries, 3);
    job.side.write_subs = config.write_subs;
    job.side.embed_subs = config.embed_subs;
    job.side.sub_langs = config.sub_langs;
    job.side.embed_metadata = config.embed_metadata;
    job.side.embed_thumbnail = config.embed_thumbnail;
    job.playlist_index = task.playlist_index;
    // A name with template fields is a template; any other name is the file name, used as it is.
    const bool name_is_template = task.output_name.find("%(") != std::string::npos;
    job.name_given = !task.output_name.empty() && !name_is_template;
    job.output_template = name_is_template ? task.output_name : config.output_template;
    if (name_is_template) {
        job.file_job.output_name.clear();
        job.stream_job.output_name.clear();
    }
    return job;
}

std::vector<std::filesystem::path> task_files(const std::filesystem::path& final_path) {
    // A task without a manifest URL starts as a plain file and may become a stream
    // (DetectingDownload), so both kinds are asked.
    auto files = transfer::FileDownload::files_for(final_path);
    for (auto& f : stream::StreamDownload::files_for(final_path))
        if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(std::move(f));
    return files;
}

std::unique_ptr<DownloadFactory> make_default_download_factory() {
    return std::make_unique<DefaultFactory>();
}

}  // namespace arina
