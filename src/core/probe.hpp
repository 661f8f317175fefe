#pragma once
// What a URL offers, without downloading it: the formats, title, duration and subtitles of a web
// page, a site's video (through yt-dlp), an HLS/DASH manifest or a plain file - what `arina -F`
// prints and what the desktop app's format picker shows. One call, asynchronous and cancellable:
//
//   auto probe = arina::start_probe(url, config);
//   ... probe->result().wait_for(...) / probe->cancel() ...
//   arina::ProbeResult r = probe->result().get();
//
// The probe runs on a thread of its own with its own network loop; the URL is asked the way a
// download would ask it (same extractors, same settings), so what it lists is what a download
// chooses from.

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "util/fail_reason.hpp"

namespace arina {

/// One format a URL offers (an HLS variant or rendition, a DASH representation, a site's format).
struct FormatInfo {
    std::string id;    ///< what `-f` (DownloadTask::format) takes
    std::string type;  ///< "video+audio", "video", "audio" or "subtitle"
    std::optional<int> width;
    std::optional<int> height;
    std::optional<double> fps;
    std::int64_t bandwidth = 0;  ///< bits/s (average when known, else peak); 0 = unknown
    std::string codecs;
    std::string language;
    std::string ext;       ///< the format's own extension when the source says ("mp4", "webm")
    std::string protocol;  ///< "https", "m3u8_native", "hls", "dash", ...
    std::string note;      ///< the source's label ("1080p", "medium", an HLS NAME)
    std::optional<std::int64_t> filesize;  ///< bytes, when the source states it
};

struct SubtitleInfo {
    std::string language;
    std::string ext;
    std::string name;
    bool automatic = false;  ///< auto-generated captions
};

/// One entry of a playlist or channel.
struct PlaylistItem {
    std::string url;
    std::string title;
    int index = 0;
};

struct ProbeResult {
    Error error;      ///< reason None on success
    std::string url;  ///< as asked
    /// What answered: "file" (a plain file: one format, itself), "manifest", "html", "direct" or
    /// "yt-dlp".
    std::string extractor;
    std::string site;  ///< yt-dlp's extractor name ("Youtube", "generic"); empty for native ones
    std::string id;
    std::string title;
    std::string uploader;
    std::string upload_date;  ///< YYYYMMDD
    std::string thumbnail_url;
    std::optional<double> duration;  ///< seconds
    bool is_live = false;
    std::vector<FormatInfo> formats;
    std::vector<SubtitleInfo> subtitles;
    /// A playlist or channel: its entries (a download queues each as a task); no formats.
    std::vector<PlaylistItem> entries;
    std::string playlist_title;
    std::vector<std::string> warnings;
    /// The formats as the `-F` table (one line per format, a header first); empty for a plain file
    /// or a playlist.
    std::string format_table;
};

/// A probe in flight. Destroying it cancels the probe and waits for its thread.
class ProbeJob {
  public:
    virtual ~ProbeJob() = default;
    /// Ready once the probe ends (successfully, with an error, or cancelled).
    virtual std::shared_future<ProbeResult> result() const = 0;
    /// Stops it soon (a page request abandoned, a yt-dlp child killed); the result is then an
    /// error with FailReason::Cancelled. Any thread.
    virtual void cancel() = 0;
};

/// Starts probing `url` with the settings a download of it would use.
std::unique_ptr<ProbeJob> start_probe(std::string url, const Config& config);

}  // namespace arina
