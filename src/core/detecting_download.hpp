#pragma once
// A URL that does not look like a manifest (no .m3u8/.mpd) may still serve one: many sites hand
// out playlists from paths like /playlist?id=42. And most URLs people paste are web pages with a
// video on them. Such a task starts as a plain FileDownload that asks the first answer's
// Content-Type; an HLS or DASH media type ends it before anything is written, and the same task
// goes on as a StreamDownload of that URL; a web page (text/html) ends it the same way, and the
// task goes on as an ExtractingDownload of the page. A page is never saved as the file.
//
// Threading as for every Download: start() and cancel() on the engine thread, progress() from
// any thread (the switch from one download to the other happens under a mutex).

#include <memory>
#include <mutex>

#include "core/extracting_download.hpp"
#include "stream/stream_job.hpp"
#include "transfer/download.hpp"
#include "transfer/runtime.hpp"

namespace arina {

class DetectingDownload final : public transfer::Download {
  public:
    /// `file_job.is_hand_off` is set here; `stream_job` is used if the URL serves a manifest.
    DetectingDownload(transfer::Runtime& runtime, transfer::FileJob file_job, stream::StreamJob stream_job,
                      ExtractingJob extracting_job, Finished finished);
    ~DetectingDownload() override;

    void start() override;
    void cancel() override;
    transfer::DownloadProgress progress() const override;

  private:
    void file_finished(const transfer::DownloadResult& result);

    transfer::Runtime& runtime_;
    stream::StreamJob stream_job_;
    ExtractingJob extracting_job_;
    Finished finished_;
    bool cancelled_ = false;
    // Both kept to the end: a download is not destroyed inside its own `finished` call.
    std::unique_ptr<transfer::Download> file_;
    std::unique_ptr<transfer::Download> stream_;
    mutable std::mutex mutex_;
    transfer::Download* current_ = nullptr;  // the one progress() reads
};

}  // namespace arina
