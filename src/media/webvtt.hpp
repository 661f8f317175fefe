#pragma once
// HLS subtitle renditions (#EXT-X-MEDIA:TYPE=SUBTITLES) are media playlists of WebVTT segments, each
// a complete WebVTT file with its own "WEBVTT" header. Saved as one NAME.LANG.vtt next to the video,
// they must become one file with one header. Pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arina::media {

/// An HLS WebVTT header's X-TIMESTAMP-MAP (RFC 8216, 3.5): the cue time `local_ms` is the media
/// time `mpegts` (a 90 kHz MPEG-2 timestamp, the clock of the video and audio segments).
struct WebVttTimestampMap {
    std::int64_t mpegts = 0;
    std::int64_t local_ms = 0;

    /// Microseconds to add to a cue time to get its time in the media's clock.
    std::int64_t offset_us() const { return mpegts * 100 / 9 - local_ms * 1000; }
    bool operator==(const WebVttTimestampMap&) const = default;
};

/// The X-TIMESTAMP-MAP in the header block of a WebVTT file or segment (both fields required, in
/// either order); nullopt when there is none or it cannot be read.
std::optional<WebVttTimestampMap> webvtt_timestamp_map(std::string_view text);

/// A WebVTT timestamp ("hh:mm:ss.ttt", hours of two digits or more, or "mm:ss.ttt") in
/// milliseconds; nullopt when it is not one.
std::optional<std::int64_t> parse_webvtt_time(std::string_view text);

/// True when `text` is a WebVTT file: "WEBVTT" at the start (after an optional UTF-8 BOM), then the
/// end, a space, a tab or a line break.
bool is_webvtt(std::string_view text);

/// The WebVTT segments of one subtitle playlist joined into one file, in order: the first segment's
/// header block (its "WEBVTT" line and what follows up to the first blank line, e.g.
/// X-TIMESTAMP-MAP) is kept; every later segment's header block is dropped and its cues, notes and
/// styles follow. A later segment whose X-TIMESTAMP-MAP differs from the first one's has its cue
/// times moved by the difference, so that every cue keeps its place in the media's clock under the
/// first header (packagers that write each segment's cues from its own start do this); the 33-bit
/// MPEG-2 clock wrapping between segments is taken into account. `offsets_ms`, when given (one per
/// segment), moves each segment's cues by that much more: multi-Period DASH, whose cue times count
/// from their Period's start. Line breaks become "\n"; BOMs are dropped. Segments with no cues (the
/// empty segments a live packager writes) add nothing. A first segment that is not WebVTT still
/// gets "WEBVTT" at the top.
std::string join_webvtt_segments(const std::vector<std::string>& segments,
                                 const std::vector<std::int64_t>& offsets_ms = {});

}  // namespace arina::media
