#pragma once
// A task whose URL is a web page (or a site only yt-dlp knows): the extractor chain finds its
// media on a thread of its own, then the same task goes on as a plain-file download (one media
// file) or a stream download (formats to fetch and mux), named by the output template. A
// playlist or channel downloads nothing: it ends with its entries, each of which the manager
// queues as a task of its own.
//
// Threading as for every Download: start() and cancel() on the engine thread, progress() from any
// thread. Extraction never runs on the engine thread (a yt-dlp run takes seconds); its result is
// posted back to it. Destroying the download cancels an extraction in flight and waits for its
// thread, which ends promptly (a yt-dlp child is killed, a page request abandoned).

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/side_files.hpp"
#include "extract/extractor.hpp"
#include "stream/stream_job.hpp"
#include "transfer/download.hpp"
#include "transfer/runtime.hpp"

namespace arina {

struct ExtractingJob {
    extract::ExtractRequest request;
    bool use_ytdlp = true;    ///< false: native extractors only
    bool ytdlp_only = false;  ///< a site the platform detector knows: its pages are yt-dlp's
    /// Settings of whatever the extraction becomes; url and output name are filled in then.
    transfer::FileJob file_job;
    stream::StreamJob stream_job;
    /// The output template (util/output_template.hpp) for the media found, unless the task gave a
    /// file name (then `stream_job.output_name` / `file_job.output_name` are kept).
    std::string output_template;
    bool name_given = false;
    std::string platform;    ///< for the template's %(platform)s
    int playlist_index = 0;  ///< this task's position in the playlist it came from; 0 = none
    int page_retries = 3;    ///< failures of one page request before giving up
    /// Subtitles, thumbnail and tags. A file downloaded whole stays byte for byte what the server
    /// sent unless subtitles or a thumbnail are to be embedded into it; muxed streams always get
    /// the tags (embed_metadata) as they are written anyway.
    SideFileOptions side;
};

/// The extractor chain for `job` (yt-dlp alone for a known site, the natives without it when asked).
std::vector<std::unique_ptr<extract::Extractor>> extractors_for(const ExtractingJob& job);

class ExtractingDownload final : public transfer::Download {
  public:
    ExtractingDownload(transfer::Runtime& runtime, ExtractingJob job, Finished finished);
    ~ExtractingDownload() override;

    void start() override;
    void cancel() override;
    transfer::DownloadProgress progress() const override;

    struct Plan;  // what the extraction thread decided: formats, name, side files

  private:
    void extract_and_plan();
    void planned(std::shared_ptr<Plan> plan);
    void media_finished(const std::shared_ptr<Plan>& plan, const transfer::DownloadResult& result);
    void report(transfer::DownloadResult result, const std::shared_ptr<Plan>& plan);
    /// Runs the chain again on a thread (for expired fragment URLs) and reports on the engine thread.
    void refresh(std::function<void(stream::RefreshResult)> done);
    void fail(Error error);

    transfer::Runtime& runtime_;
    ExtractingJob job_;
    Finished finished_;
    bool cancelled_ = false;
    bool ended_ = false;
    extract::CancelFlag cancel_flag_{false};
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::thread extraction_thread_;
    std::thread refresh_thread_;
    std::thread embed_thread_;  // remuxes a whole-file download with its subtitles / thumbnail
    std::unique_ptr<transfer::Download> media_;
    mutable std::mutex mutex_;
    transfer::Download* current_ = nullptr;  // the one progress() reads; null while extracting
};

}  // namespace arina
