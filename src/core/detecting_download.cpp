#include "core/detecting_download.hpp"

#include "media/manifest_detect.hpp"
#include "net/media_type.hpp"
#include "stream/stream_download.hpp"
#include "transfer/file_download.hpp"

namespace arina {

DetectingDownload::DetectingDownload(transfer::Runtime& runtime, transfer::FileJob file_job,
                                     stream::StreamJob stream_job, ExtractingJob extracting_job,
                                     Finished finished)
    : runtime_(runtime),
      stream_job_(std::move(stream_job)),
      extracting_job_(std::move(extracting_job)),
      finished_(std::move(finished)) {
    file_job.is_hand_off = [](std::string_view content_type) {
        return media::manifest_kind_of_type(content_type) ||
               net::is_page_type(net::media_type_of(content_type));
    };
    file_ = std::make_unique<transfer::FileDownload>(
        runtime_.engine, runtime_.disk, std::move(file_job),
        [this](const transfer::DownloadResult& r) { file_finished(r); });
    current_ = file_.get();
}

DetectingDownload::~DetectingDownload() = default;

void DetectingDownload::start() {
    file_->start();
}

void DetectingDownload::cancel() {
    cancelled_ = true;
    if (stream_)
        stream_->cancel();
    else
        file_->cancel();
}

transfer::DownloadProgress DetectingDownload::progress() const {
    std::lock_guard lock(mutex_);
    return current_->progress();
}

void DetectingDownload::file_finished(const transfer::DownloadResult& result) {
    if (result.handed_off_url.empty()) return finished_(result);
    if (cancelled_) {
        transfer::DownloadResult r;
        r.error = {FailReason::Cancelled, "cancelled: " + stream_job_.url};
        return finished_(r);
    }
    std::unique_ptr<transfer::Download> stream;
    auto report = [this](const transfer::DownloadResult& r) { finished_(r); };
    if (net::is_page_type(result.content_type)) {
        // The page's own URL, as redirects left it: relative media URLs resolve against it.
        extracting_job_.request.url = result.handed_off_url;
        stream = std::make_unique<ExtractingDownload>(runtime_, extracting_job_, report);
    } else {
        stream =
            std::make_unique<stream::StreamDownload>(runtime_.engine, runtime_.disk, stream_job_, report);
    }
    {
        std::lock_guard lock(mutex_);
        stream_ = std::move(stream);
        current_ = stream_.get();
    }
    stream_->start();
}

}  // namespace arina
