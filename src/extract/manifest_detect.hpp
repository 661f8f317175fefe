#pragma once
// Telling an HLS or DASH manifest by its URL, its media type or its first bytes.
//
// stream/manifest_url.hpp answers the same questions for the downloader, but extract may not
// include stream (src/layers.txt); these follow the extractor chain's rules (only .m3u8 and .mpd
// count as manifest URLs: a bare .m3u is as often a list of MP3 files).

#include <optional>
#include <string_view>

#include "media/presentation.hpp"

namespace arina::extract {

/// ".m3u8" -> HLS, ".mpd" -> DASH (the path's extension, any case; query ignored).
std::optional<media::ManifestKind> manifest_kind_of_url(std::string_view url);

/// application/vnd.apple.mpegurl, application/x-mpegurl, audio/mpegurl, audio/x-mpegurl -> HLS;
/// application/dash+xml -> DASH. Parameters and case are ignored.
std::optional<media::ManifestKind> manifest_kind_of_type(std::string_view content_type);

/// "#EXTM3U" at the start (after an optional UTF-8 BOM and white space) -> HLS; text starting
/// with '<' (an XML prolog or comment) that has "<MPD" within its first KiB -> DASH.
std::optional<media::ManifestKind> sniff_manifest(std::string_view body);

}  // namespace arina::extract
