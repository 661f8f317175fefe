#pragma once
// HLS subtitle renditions (#EXT-X-MEDIA:TYPE=SUBTITLES) are media playlists of WebVTT segments, each
// a complete WebVTT file with its own "WEBVTT" header. Saved as one NAME.LANG.vtt next to the video,
// they must become one file with one header. Pure functions.

#include <string>
#include <string_view>
#include <vector>

namespace arina::media {

/// True when `text` is a WebVTT file: "WEBVTT" at the start (after an optional UTF-8 BOM), then the
/// end, a space, a tab or a line break.
bool is_webvtt(std::string_view text);

/// The WebVTT segments of one subtitle playlist joined into one file, in order: the first segment's
/// header block (its "WEBVTT" line and what follows up to the first blank line, e.g.
/// X-TIMESTAMP-MAP) is kept; every later segment's header block is dropped and its cues, notes and
/// styles follow. Line breaks become "\n"; BOMs are dropped. Segments with no cues (the empty
/// segments a live packager writes) add nothing. A first segment that is not WebVTT still gets
/// "WEBVTT" at the top.
std::string join_webvtt_segments(const std::vector<std::string>& segments);

}  // namespace arina::media
