#pragma once
// What a stream (HLS/DASH) download is asked to do. As with transfer::FileJob, the struct a
// download starts with is the one it resumes with; the fields shared with FileJob have the same
// names and meanings.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "media/presentation.hpp"
#include "mux/mux.hpp"
#include "net/http_options.hpp"
#include "net/retry_policy.hpp"

namespace arina::stream {

/// A fresh presentation of a download's source with the fragments of its streams filled in (HLS
/// media playlists resolved), or why there is none.
using RefreshResult = std::variant<media::Presentation, Error>;
/// "Refresh the source": asked on the engine thread when fragment URLs stop working (signed URLs that
/// expired); must call `done` exactly once, on the engine thread, now or later. Streams are matched
/// to the download's by format id, fragments by position.
using SourceRefresh = std::function<void(std::function<void(RefreshResult)> done)>;

struct StreamJob {
    std::string url;  ///< the .m3u8 (master or media playlist) or .mpd; a page when `source` is set
    /// The presentation, already found (a page extractor, yt-dlp): no manifest is fetched. Its
    /// streams are complete (fragments filled) or name an HLS media playlist (playlist_url) that
    /// is fetched as for a master's variant. `url` still names the download (sidecar, messages).
    std::optional<media::Presentation> source;
    /// Tags, subtitle files and a cover picture added to the output when it is muxed (mux/extras.hpp).
    mux::Extras extras;
    std::filesystem::path output_dir = ".";
    /// -o: file name relative to output_dir (or absolute). A name ending in .mp4 or .mkv is used as
    /// it is (and decides the container); any other name gets the merge format's extension. Empty:
    /// the manifest URL's file name without its extension ("index.m3u8" -> "index.mp4").
    std::string output_name;
    std::string format;  ///< -f: format selection, see format_selector.hpp ("" = best)
    /// -F: fetch and parse the manifest only, fill StreamDownload::format_listing(), download nothing.
    bool list_formats = false;
    mux::Container merge_format = mux::Container::Mp4;  ///< --merge-output-format mp4|mkv
    int connections = 4;        ///< -N: fragments in flight for the whole download (all streams)
    int retries = 10;           ///< manifest, playlist, key and index requests
    int fragment_retries = 10;  ///< failures of one fragment (or init section) before giving up
    net::RetryTiming retry_timing;
    bool continue_partial = true;  ///< false: --no-continue, ignore part files and start over
    bool overwrite = false;        ///< download again even if the output file exists
    net::HttpOptions http;
    /// Leave out fragments that fail after all retries instead of failing the download; the result's
    /// notices name each one. Off by default: a file with holes is never produced silently.
    bool skip_unavailable_fragments = false;
    /// How a fresh presentation is had when fragment URLs die (see SourceRefresh). Unset: the manifest
    /// URL (and the chosen HLS media playlists) are fetched again. A page extractor supplies its own
    /// (extracting the page again). At most one refresh per fragment URL that dies.
    SourceRefresh refresh_source;

    // --- live streams (HLS playlists without EXT-X-ENDLIST) ---
    /// Stop recording once this many seconds of media have been taken; 0 = until the stream ends
    /// (EXT-X-ENDLIST) or cancel(), which finalises what was recorded.
    double live_duration = 0;
    /// How long a live playlist may keep failing (server errors, timeouts) before the recording is
    /// ended and finalised; refreshes back off up to 10 s meanwhile.
    double live_outage_seconds = 120;

    /// Bytes of finished fragments that may wait in memory for an earlier one, per stream; further
    /// fragments are not started while it is full. 0 = connections x 8 MiB.
    std::int64_t reorder_window_bytes = 0;
};

}  // namespace arina::stream
