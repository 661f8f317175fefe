#include "extract/url_name.hpp"

#include "media/text.hpp"
#include "media/url_resolve.hpp"

namespace arina::extract {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string_view last_segment(std::string_view url) {
    std::string_view path = media::split_uri(url).path;
    const auto slash = path.rfind('/');
    if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
    return path;
}

}  // namespace

std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

std::string url_file_name(std::string_view url) {
    return percent_decode(last_segment(url));
}

std::string url_path_extension(std::string_view url) {
    const std::string_view name = last_segment(url);
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return {};
    return media::text::to_lower(name.substr(dot + 1));
}

std::string file_stem(std::string_view name) {
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return std::string(name);
    return std::string(name.substr(0, dot));
}

bool is_http_url(std::string_view url) {
    const auto parts = media::split_uri(media::text::trim(url));
    if (!parts.scheme || !parts.authority || parts.authority->empty()) return false;
    const std::string scheme = media::text::to_lower(*parts.scheme);
    return scheme == "http" || scheme == "https";
}

}  // namespace arina::extract
