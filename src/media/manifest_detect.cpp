#include "media/manifest_detect.hpp"

#include <string>

#include "media/text.hpp"
#include "media/url_resolve.hpp"

namespace arina::media {

std::optional<ManifestKind> manifest_kind_of_url(std::string_view url, M3u m3u) {
    // The path's last segment only: "https://h.m3u8/" has no extension.
    const std::string_view path = split_uri(text::trim(url)).path;
    const auto slash = path.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return std::nullopt;
    const std::string ext = text::to_lower(name.substr(dot + 1));
    if (ext == "m3u8" || (ext == "m3u" && m3u == M3u::WithM3u)) return ManifestKind::Hls;
    if (ext == "mpd") return ManifestKind::Dash;
    return std::nullopt;
}

std::optional<ManifestKind> manifest_kind_of_type(std::string_view content_type) {
    const std::string type = text::to_lower(text::trim(content_type.substr(0, content_type.find(';'))));
    if (type == "application/vnd.apple.mpegurl" || type == "application/x-mpegurl" ||
        type == "audio/mpegurl" || type == "audio/x-mpegurl")
        return ManifestKind::Hls;
    if (type == "application/dash+xml") return ManifestKind::Dash;
    return std::nullopt;
}

std::optional<ManifestKind> sniff_manifest(std::string_view body) {
    constexpr std::size_t kDashWindow = 4096;
    if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
    // Only leading white space matters; trimming the end of a large body would be wasted work.
    while (!body.empty() &&
           (body.front() == ' ' || body.front() == '\t' || body.front() == '\r' || body.front() == '\n'))
        body.remove_prefix(1);
    if (body.starts_with("#EXTM3U")) return ManifestKind::Hls;
    if (body.starts_with("<") && body.substr(0, kDashWindow).find("<MPD") != std::string_view::npos)
        return ManifestKind::Dash;
    return std::nullopt;
}

}  // namespace arina::media
