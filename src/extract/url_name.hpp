#pragma once
// Names the native extractors derive from a URL when the source gives none: the file name in
// its path, its extension, its stem. Pure string functions over RFC 3986 components.

#include <string>
#include <string_view>

namespace arina::extract {

/// The last segment of the URL's path, percent-decoded: "clip%201.mp4" for
/// "https://h/v/clip%201.mp4?x=1". Empty when the path is empty or ends in '/'.
std::string url_file_name(std::string_view url);

/// The extension of the path's last segment, lower case, without the dot: "mp4" for
/// "https://h/a.MP4?x". Empty when there is none; the host never counts ("https://h.com" has none).
std::string url_path_extension(std::string_view url);

/// `name` without its last ".extension": "clip.mp4" -> "clip", "archive.tar.gz" -> "archive.tar".
/// A leading dot is not an extension (".mp4" stays ".mp4").
std::string file_stem(std::string_view name);

/// "%41b" -> "Ab"; malformed escapes are kept as written.
std::string percent_decode(std::string_view text);

/// True when the URL is absolute with scheme http or https (any case).
bool is_http_url(std::string_view url);

}  // namespace arina::extract
