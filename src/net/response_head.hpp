#pragma once
// The parts of an HTTP response head that the downloaders check, parsed from raw
// header lines. Pure functions: unit-tested and fuzzed.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace arina::net {

struct ResponseHead {
    int status = 0;
    std::string effective_url;                       ///< URL after redirects
    std::multimap<std::string, std::string> fields;  ///< lower-case names, trimmed values

    /// First value of a field, or empty.
    std::string get(std::string_view name) const;
    bool has(std::string_view name) const { return fields.count(std::string(name)) > 0; }
    /// Content-Length when present and well-formed.
    std::optional<std::int64_t> content_length() const;
};

/// `Content-Range: bytes FIRST-LAST/TOTAL` (TOTAL may be `*`, then total = -1),
/// or `bytes */TOTAL` for 416 answers (then first = last = -1).
struct ContentRange {
    std::int64_t first = -1;
    std::int64_t last = -1;
    std::int64_t total = -1;
    friend bool operator==(const ContentRange&, const ContentRange&) = default;
};
std::optional<ContentRange> parse_content_range(std::string_view value);

/// Retry-After as seconds: delta-seconds, or an HTTP-date relative to `now_unix`.
std::optional<double> parse_retry_after(std::string_view value, std::int64_t now_unix);

/// Adds one raw header line ("Name: value\r\n") to `head`; a status line resets it
/// (each redirect or 1xx response starts a new head). Returns true when the line is
/// the blank line that ends a head.
bool add_header_line(ResponseHead& head, std::string_view line);

/// Framing that breaks HTTP/1.1 (RFC 9112 6.3) or answers a range request without saying which bytes
/// it carries: two different Content-Lengths, one that is not a number or is negative, Content-Length
/// together with Transfer-Encoding, 206 without Content-Range (unless multipart). Returns what the
/// server did, for messages ("sent two different Content-Lengths (5 and 7)"), or nullopt when the head
/// is sound. Such an answer is never used: its length, and so its body, cannot be trusted.
std::optional<std::string> framing_problem(const ResponseHead& head, bool range_requested);

/// Whether an ETag is strong (not W/...) and so usable in If-Range.
bool is_strong_etag(std::string_view etag);

}  // namespace arina::net
