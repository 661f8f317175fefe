#pragma once
// HLS playlists (RFC 8216) -> Presentation. One entry point for both playlist kinds: a master
// playlist yields variants and renditions to fetch, a media playlist yields fragments.

#include <string_view>

#include "media/presentation.hpp"
#include "media/result.hpp"

namespace arina::media {

struct HlsOptions {
    /// Carry the playlist URL's query string to every URI in it that is relative, same-host and
    /// has no query of its own (segments, EXT-X-MAP, keys, variant and rendition playlists).
    /// CDNs that sign URLs (token in "?...") often sign only the playlist and expect the token on
    /// everything fetched relative to it; RFC 3986 resolution drops it. Off by default because it
    /// changes the URLs a standards-following player would fetch.
    bool carry_query_to_segments = false;
};

/// Parses the text of an HLS playlist fetched from `base_url` (the URL after redirects; relative
/// URIs resolve against it). Distinguishes master playlists (EXT-X-STREAM-INF) from media
/// playlists (EXTINF); see presentation.hpp for what each yields.
///
/// Accepts CRLF line ends, a UTF-8 BOM, blank lines, comments and unknown tags. Refuses (with
/// FailReason::BadManifest and the line number) text not starting with #EXTM3U, text larger
/// than kMaxManifestBytes, malformed attribute lists and numbers, EXTINF without a URI, a URI
/// without EXTINF, EXT-X-BYTERANGE without offset where none can be inferred, and SAMPLE-AES or
/// other non-AES-128 encryption.
Result<Presentation> parse_hls(std::string_view text, std::string_view base_url,
                               const HlsOptions& options = {});

}  // namespace arina::media
