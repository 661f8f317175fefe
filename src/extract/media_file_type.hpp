#pragma once
// Which URLs and media types are playable media files, and what extension a file of that type
// gets. Shared by the direct-media extractor (a URL that is the file) and the HTML page scanner
// (files a page names). Manifest types are not media files here: see media/manifest_detect.hpp.

#include <optional>
#include <string>
#include <string_view>

namespace arina::extract {

struct MediaFileType {
    std::string ext;     ///< "mp4", "webm", "m4a" ... (the format's extension, never the page's)
    bool audio = false;  ///< audio only (m4a, mp3, aac, ogg, opus, flac, audio/*)
};

/// By the URL path's extension: .mp4 .m4v .webm .mkv .mov .ts (video) and .m4a .mp3 .aac .ogg
/// .opus .flac (audio). Query and fragment are ignored; so is case.
std::optional<MediaFileType> media_file_type_of_url(std::string_view url);

/// By a media type (parameters and case ignored): any video/* or audio/* except the HLS playlist
/// types (audio/mpegurl, audio/x-mpegurl). The extension comes from a table of common types
/// ("video/mp4" -> "mp4", "audio/mpeg" -> "mp3"), else from `url`'s extension when it is a
/// media one, else from the subtype when it is short and alphanumeric ("video/x-flv" -> "flv"),
/// else "bin".
std::optional<MediaFileType> media_file_type_of_content_type(std::string_view content_type,
                                                             std::string_view url);

}  // namespace arina::extract
