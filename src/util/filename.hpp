#pragma once
// Turning untrusted names (URL paths, Content-Disposition, video titles) into safe
// file names: one path component, no traversal, no control characters.

#include <string>
#include <string_view>

namespace arina {

/// Returns a name that is safe to create inside the output directory:
/// no '/' or '\\' (directory parts are dropped), no control characters, not "." or "..",
/// no leading '-' or '.', valid UTF-8, at most 255 bytes (the extension is kept when cut).
/// Returns an empty string when nothing usable remains.
std::string sanitize_filename(std::string_view name);

/// The file name a URL points at: the last path segment, percent-decoded, without
/// query or fragment, sanitised. Empty when the URL ends in '/'.
std::string filename_from_url(std::string_view url);

/// The file name in a Content-Disposition header value, preferring RFC 6266/5987
/// `filename*=UTF-8''...` over `filename="..."`, sanitised. Empty when absent.
std::string filename_from_content_disposition(std::string_view header_value);

/// Percent-decodes %XX sequences; invalid sequences are kept as they are.
std::string percent_decode(std::string_view text);

}  // namespace arina
