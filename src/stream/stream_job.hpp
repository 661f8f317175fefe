#pragma once
// What a stream (HLS/DASH) download is asked to do. As with transfer::FileJob, the struct a
// download starts with is the one it resumes with; the fields shared with FileJob have the same
// names and meanings.

#include <cstdint>
#include <filesystem>
#include <string>

#include "mux/mux.hpp"
#include "net/http_options.hpp"
#include "net/retry_policy.hpp"

namespace arina::stream {

struct StreamJob {
    std::string url;  ///< the .m3u8 (master or media playlist) or .mpd
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
