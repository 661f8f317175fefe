#include "stream/manifest_url.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace arina::stream {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

}  // namespace

bool is_manifest_url(std::string_view url) {
    url = url.substr(0, url.find_first_of("?#"));
    const std::string path = lower(url);
    for (std::string_view ext : {".m3u8", ".m3u", ".mpd"})
        if (path.ends_with(ext)) return true;
    return false;
}

bool is_manifest_content_type(std::string_view content_type) {
    const std::string type = lower(trim(content_type.substr(0, content_type.find(';'))));
    constexpr std::array<std::string_view, 5> kTypes{"application/vnd.apple.mpegurl", "application/x-mpegurl",
                                                     "audio/mpegurl", "audio/x-mpegurl",
                                                     "application/dash+xml"};
    return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

std::optional<media::ManifestKind> sniff_manifest(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    text = trim(text);
    if (text.starts_with("#EXTM3U")) return media::ManifestKind::Hls;
    // An MPD starts with an XML declaration or comments; look for the root element early on.
    const std::string_view head = text.substr(0, 4096);
    if (text.starts_with("<") && head.find("<MPD") != std::string_view::npos)
        return media::ManifestKind::Dash;
    return std::nullopt;
}

}  // namespace arina::stream
