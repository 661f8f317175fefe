#pragma once
// Telling an HLS or DASH manifest by its URL, its media type or its first bytes. Pure functions,
// shared by the extractor chain (extract) and the downloader's choice between a file and a stream
// (core, stream): one answer to "is this a manifest" everywhere.

#include <optional>
#include <string_view>

#include "media/presentation.hpp"

namespace arina::media {

/// Whether a bare ".m3u" counts as HLS when only the URL is known. A link on a page ending in .m3u
/// is as often a list of MP3 files as a playlist, so the extractors leave it out (M3u::Strict);
/// a URL the user gives to download is tried as HLS (WithM3u): the stream download then says
/// clearly if it is not.
enum class M3u { Strict, WithM3u };

/// ".m3u8" -> HLS, ".mpd" -> DASH, and ".m3u" -> HLS with M3u::WithM3u (the path's extension,
/// any case; the query, the fragment and the host never count).
std::optional<ManifestKind> manifest_kind_of_url(std::string_view url, M3u m3u = M3u::Strict);

/// application/vnd.apple.mpegurl, application/x-mpegurl, audio/mpegurl, audio/x-mpegurl -> HLS;
/// application/dash+xml -> DASH. Parameters (";charset=...") and case are ignored.
std::optional<ManifestKind> manifest_kind_of_type(std::string_view content_type);

/// "#EXTM3U" at the start (after an optional UTF-8 BOM and white space) -> HLS; text starting
/// with '<' (an XML prolog or comment) that has "<MPD" within its first 4 KiB -> DASH.
std::optional<ManifestKind> sniff_manifest(std::string_view body);

}  // namespace arina::media
