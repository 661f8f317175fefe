#pragma once
// Parsing of an HTTP/1.x request head (request line and header fields). No sockets here, so the
// parser can be tested and fuzzed alone.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace arina::testing {

/// Heads longer than this are refused with 431 (curl's and nginx's limits are of the same order).
inline constexpr std::size_t kMaxRequestHead = 64 * 1024;

struct HttpRequest {
    std::string method;
    std::string target;  ///< as sent
    std::string path;    ///< target without the query (and without scheme://host for absolute form)
    int version_minor = 1;
    std::map<std::string, std::string> headers;  ///< lower-case names; repeated fields joined
    std::int64_t content_length = 0;             ///< of a request body, to skip it
    bool chunked_body = false;                   ///< a request body we do not support
    bool keep_alive = true;                      ///< from the version and the Connection field

    /// The field's value, "" when absent.
    std::string_view header(const std::string& lower_case_name) const;
};

struct ParseResult {
    std::optional<HttpRequest> request;
    int error_status = 400;  ///< when request is empty: 400, or 505 for another HTTP major version
};

/// Length of the head at the start of `buffer`, up to and including the empty line that ends it;
/// 0 while incomplete. Bare LF line ends are accepted. Empty lines before the request line must
/// have been dropped (skip_leading_empty_lines) first.
std::size_t find_head_end(std::string_view buffer);

/// Number of CR and LF bytes at the start of `buffer` (RFC 9112 2.2: ignore empty lines received
/// before a request line, which some clients send after a body).
std::size_t leading_empty_line_bytes(std::string_view buffer);

/// Parses a complete head as returned by find_head_end.
ParseResult parse_request_head(std::string_view head);

}  // namespace arina::testing
