#pragma once
// Internal to the HLS parser: the playlist as numbered lines and tags, and the pieces both the
// master and the media playlist parsers share.

#include <string>
#include <string_view>
#include <vector>

#include "media/hls_parser.hpp"

namespace arina::media::hls {

/// One non-blank line, trimmed, with its 1-based number in the original text.
struct Line {
    int number = 0;
    std::string_view text;

    bool is_tag() const { return text.starts_with("#EXT"); }
    bool is_comment() const { return text.starts_with('#') && !is_tag(); }
    bool is_uri() const { return !text.starts_with('#'); }
    /// "#EXTINF:10.0," -> "EXTINF"; only meaningful for tags.
    std::string_view tag_name() const;
    /// "#EXTINF:10.0," -> "10.0,"; empty when the tag has no ':'.
    std::string_view tag_value() const;
};

/// Splits on LF (dropping a CR before it), skips a UTF-8 byte order mark and blank lines.
std::vector<Line> split_lines(std::string_view text);

/// "HLS playlist line 12: " + what.
Error line_error(int line, std::string_view what);

/// Resolves a URI from a playlist fetched from `base_url`, honouring carry_query_to_segments.
std::string resolve_uri(std::string_view base_url, std::string_view uri, const HlsOptions& options);

Result<Presentation> parse_master(const std::vector<Line>& lines, std::string_view base_url,
                                  const HlsOptions& options);
Result<Presentation> parse_media(const std::vector<Line>& lines, std::string_view base_url,
                                 const HlsOptions& options);

}  // namespace arina::media::hls
