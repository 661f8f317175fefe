#pragma once
// Telling an error page from the resource that was asked for, by the answer's Content-Type and size.
// Pure functions: a downloader asks before it takes an answer for "the file changed, start over"
// or writes a stream fragment.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace arina::net {

/// "text/html; charset=utf-8" -> "text/html": lower case, parameters and spaces dropped.
std::string media_type_of(std::string_view content_type);

/// Whether a media type is a page for people (text/html, application/xhtml+xml): what servers send
/// as "session expired", captive-portal and login-wall answers, never a file or media segment.
bool is_page_type(std::string_view media_type);

/// Whether an answer of `new_content_type` and `new_size` (-1: unknown) may be the resource that was
/// answering as `old_content_type` with `old_size` (empty / -1: unknown), changed on the server, so
/// that starting over from it makes sense. Not when a page answers for something that was not a
/// page, when text answers for binary data, or when it is absurdly smaller (under 1/16). Returns why
/// not, for messages ("text/html instead of application/octet-stream"), or nullopt when plausible.
std::optional<std::string> implausible_replacement(std::string_view old_content_type, std::int64_t old_size,
                                                   std::string_view new_content_type, std::int64_t new_size);

}  // namespace arina::net
