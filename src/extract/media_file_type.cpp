#include "extract/media_file_type.hpp"

#include <array>
#include <utility>

#include "extract/url_name.hpp"
#include "media/manifest_detect.hpp"
#include "net/media_type.hpp"

namespace arina::extract {
namespace {

struct Known {
    std::string_view ext;
    bool audio;
};

constexpr std::array<Known, 12> kExtensions{{
    {"mp4", false},
    {"m4v", false},
    {"webm", false},
    {"mkv", false},
    {"mov", false},
    {"ts", false},
    {"m4a", true},
    {"mp3", true},
    {"aac", true},
    {"ogg", true},
    {"opus", true},
    {"flac", true},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kTypes{{
    {"video/mp4", "mp4"},
    {"video/x-m4v", "m4v"},
    {"video/webm", "webm"},
    {"video/x-matroska", "mkv"},
    {"video/quicktime", "mov"},
    {"video/mp2t", "ts"},
    {"video/ogg", "ogv"},
    {"video/3gpp", "3gp"},
    {"audio/mp4", "m4a"},
    {"audio/x-m4a", "m4a"},
    {"audio/mpeg", "mp3"},
    {"audio/aac", "aac"},
    {"audio/ogg", "ogg"},
    {"audio/opus", "opus"},
    {"audio/flac", "flac"},
    {"audio/x-flac", "flac"},
    {"audio/webm", "webm"},
}};

bool is_short_alphanumeric(std::string_view text) {
    if (text.empty() || text.size() > 5) return false;
    for (char c : text)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

}  // namespace

std::optional<MediaFileType> media_file_type_of_url(std::string_view url) {
    const std::string ext = url_path_extension(url);
    for (const Known& known : kExtensions)
        if (known.ext == ext) return MediaFileType{ext, known.audio};
    return std::nullopt;
}

std::optional<MediaFileType> media_file_type_of_content_type(std::string_view content_type,
                                                             std::string_view url) {
    const std::string type = net::media_type_of(content_type);
    const bool audio = type.starts_with("audio/");
    if ((!audio && !type.starts_with("video/")) || media::manifest_kind_of_type(type)) return std::nullopt;
    for (const auto& [name, ext] : kTypes)
        if (name == type) return MediaFileType{std::string(ext), audio};
    if (auto by_url = media_file_type_of_url(url)) return MediaFileType{by_url->ext, audio};
    std::string_view subtype = std::string_view(type).substr(type.find('/') + 1);
    if (subtype.starts_with("x-")) subtype.remove_prefix(2);
    return MediaFileType{is_short_alphanumeric(subtype) ? std::string(subtype) : std::string("bin"), audio};
}

}  // namespace arina::extract
