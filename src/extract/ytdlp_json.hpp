#pragma once
// yt-dlp's `--dump-single-json` output -> Extraction. Pure: no I/O, no process; fuzzed
// (fuzz/fuzz_ytdlp_json.cpp).
//
// The JSON comes from a program that scrapes hostile web pages, so every field is optional and
// type-checked: null is "not known", a field of the wrong type is ignored with a warning (in
// Extraction::warnings), never a crash. Only http(s) URLs are taken (a file:// URL in a format
// would make the downloader read local files), header lines with CR/LF are refused.
//
// How formats become Streams (keyed by format_id, see extraction.hpp):
//   protocol https/http               one Stream, StreamExtras::file_url = url (a plain file)
//   protocol m3u8_native/m3u8         Stream::playlist_url = url (that format's media playlist)
//   protocol http_dash_segments[_native] with fragments
//                                     Stream::fragments, each url or fragment_base_url + path;
//                                     a first fragment without duration before timed ones is
//                                     the init section
//   protocol http_dash_segments without fragments but with manifest_url (a live MPD)
//                                     left out; when no stream is left, Extraction::manifest_url
//                                     is that MPD: download it as a manifest
//   rtmp, f4m, ism, mhtml (storyboards), has_drm, anything else
//                                     left out, with a warning naming them
// The presentation's kind: Dash when a format has fragments, else Hls when one is an HLS
// playlist (is_master: those streams need their playlist fetched), else Dash (plain files). When
// every format is m3u8 from one manifest_url, Extraction::manifest_url is that master playlist
// (fetching it again refreshes expired URLs).
//
// A playlist (`_type` playlist or multi_video, or an `entries` array) gives
// Extraction::entries instead of streams: flat entries' `url`, full entries' `webpage_url`.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "extract/extraction.hpp"

namespace arina::extract {

/// yt-dlp printed something that is not JSON.
struct JsonSyntaxError {
    std::size_t byte_offset = 0;  ///< where the parser gave up (1-based, as nlohmann counts; 0: not known)
    std::string detail;           ///< the parser's own words
};

/// Parses yt-dlp's stdout and maps it (map_ytdlp_json). `ytdlp_version`, when given, receives
/// the version yt-dlp wrote into its JSON (`_version.version`, "" when absent).
std::variant<Extraction, JsonSyntaxError> parse_ytdlp_json(std::string_view text,
                                                           std::string* ytdlp_version = nullptr);

/// Maps a parsed document. A document that is not an object gives an empty Extraction with a
/// warning. kind is always ExtractorKind::YtDlp.
Extraction map_ytdlp_json(const nlohmann::json& root);

}  // namespace arina::extract
