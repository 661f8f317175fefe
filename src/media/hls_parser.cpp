#include "media/hls_parser.hpp"

#include <algorithm>
#include <string>

#include "media/hls_lines.hpp"
#include "media/limits.hpp"
#include "media/text.hpp"
#include "media/url_resolve.hpp"

namespace arina::media {
namespace hls {

std::string_view Line::tag_name() const {
    const auto colon = text.find(':');
    return text.substr(1, colon == std::string_view::npos ? std::string_view::npos : colon - 1);
}

std::string_view Line::tag_value() const {
    const auto colon = text.find(':');
    return colon == std::string_view::npos ? std::string_view{} : text::trim(text.substr(colon + 1));
}

std::vector<Line> split_lines(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    std::vector<Line> lines;
    int number = 0;
    while (!text.empty()) {
        ++number;
        const auto newline = text.find('\n');
        const std::string_view raw = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
        const std::string_view trimmed = text::trim(raw);
        if (!trimmed.empty()) lines.push_back(Line{number, trimmed});
    }
    return lines;
}

Error line_error(int line, std::string_view what) {
    return bad_manifest("HLS playlist line " + std::to_string(line) + ": " + std::string(what));
}

std::string resolve_uri(std::string_view base_url, std::string_view uri, const HlsOptions& options) {
    std::string resolved = resolve_url(base_url, uri);
    if (!options.carry_query_to_segments) return resolved;
    const UriParts base = split_uri(base_url);
    const UriParts reference = split_uri(text::trim(uri));
    // Only references that stay on the playlist's host and bring no query of their own.
    if (!base.query || reference.scheme || reference.authority || reference.query) return resolved;
    const auto hash = resolved.find('#');
    resolved.insert(hash == std::string::npos ? resolved.size() : hash, "?" + std::string(*base.query));
    return resolved;
}

}  // namespace hls

Result<Presentation> parse_hls(std::string_view text, std::string_view base_url, const HlsOptions& options) {
    if (text.size() > kMaxManifestBytes) {
        return bad_manifest("HLS playlist is " + std::to_string(text.size()) +
                            " bytes, more than the limit of " + std::to_string(kMaxManifestBytes));
    }
    const std::vector<hls::Line> lines = hls::split_lines(text);
    if (lines.empty() || lines.front().text != "#EXTM3U") {
        const int number = lines.empty() ? 1 : lines.front().number;
        return hls::line_error(number, "not an HLS playlist: it must start with #EXTM3U");
    }
    // A master playlist lists variants, a media playlist lists segments; one must not do both.
    const hls::Line* variant = nullptr;
    const hls::Line* segment = nullptr;
    for (const auto& line : lines) {
        if (!line.is_tag()) continue;
        const auto name = line.tag_name();
        if (!variant && name == "EXT-X-STREAM-INF") variant = &line;
        if (!segment && name == "EXTINF") segment = &line;
    }
    if (variant && segment) {
        return hls::line_error(std::max(variant->number, segment->number),
                               "playlist mixes master (EXT-X-STREAM-INF) and media (EXTINF) tags");
    }
    return variant ? hls::parse_master(lines, base_url, options) : hls::parse_media(lines, base_url, options);
}

}  // namespace arina::media
