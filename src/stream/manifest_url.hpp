#pragma once
// Telling a manifest from a plain file before and after asking the server: the CLI and the task
// manager use these to decide between a FileDownload and a StreamDownload. Pure functions.

#include <optional>
#include <string_view>

#include "media/presentation.hpp"

namespace arina::stream {

/// True when the URL's path (query and fragment ignored, case-insensitive) ends in ".m3u8",
/// ".m3u" or ".mpd".
bool is_manifest_url(std::string_view url);

/// True for the media types of HLS playlists (application/vnd.apple.mpegurl,
/// application/x-mpegurl, audio/mpegurl, audio/x-mpegurl) and DASH MPDs (application/dash+xml).
/// Parameters (";charset=...") and case are ignored.
bool is_manifest_content_type(std::string_view content_type);

/// Which manifest family a downloaded text is, by its content: "#EXTM3U" at the start (after an
/// optional UTF-8 BOM and white space) is HLS, an <MPD element is DASH; nullopt otherwise.
std::optional<media::ManifestKind> sniff_manifest(std::string_view text);

}  // namespace arina::stream
