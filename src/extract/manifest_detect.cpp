#include "extract/manifest_detect.hpp"

#include <string>

#include "extract/url_name.hpp"
#include "net/media_type.hpp"

namespace arina::extract {

std::optional<media::ManifestKind> manifest_kind_of_url(std::string_view url) {
    const std::string ext = url_path_extension(url);
    if (ext == "m3u8") return media::ManifestKind::Hls;
    if (ext == "mpd") return media::ManifestKind::Dash;
    return std::nullopt;
}

std::optional<media::ManifestKind> manifest_kind_of_type(std::string_view content_type) {
    const std::string type = net::media_type_of(content_type);
    if (type == "application/vnd.apple.mpegurl" || type == "application/x-mpegurl" ||
        type == "audio/mpegurl" || type == "audio/x-mpegurl")
        return media::ManifestKind::Hls;
    if (type == "application/dash+xml") return media::ManifestKind::Dash;
    return std::nullopt;
}

std::optional<media::ManifestKind> sniff_manifest(std::string_view body) {
    constexpr std::size_t kDashWindow = 1024;
    if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
    // Only leading white space matters; trimming the end of a large body would be wasted work.
    while (!body.empty() &&
           (body.front() == ' ' || body.front() == '\t' || body.front() == '\r' || body.front() == '\n'))
        body.remove_prefix(1);
    if (body.starts_with("#EXTM3U")) return media::ManifestKind::Hls;
    if (body.starts_with("<") && body.substr(0, kDashWindow).find("<MPD") != std::string_view::npos)
        return media::ManifestKind::Dash;
    return std::nullopt;
}

}  // namespace arina::extract
