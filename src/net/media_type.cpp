#include "net/media_type.hpp"

#include <algorithm>
#include <cctype>

namespace arina::net {

std::string media_type_of(std::string_view content_type) {
    std::string type(content_type.substr(0, content_type.find(';')));
    std::erase_if(type, [](unsigned char c) { return std::isspace(c); });
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return type;
}

bool is_page_type(std::string_view media_type) {
    return media_type == "text/html" || media_type == "application/xhtml+xml";
}

std::optional<std::string> implausible_replacement(std::string_view old_content_type, std::int64_t old_size,
                                                   std::string_view new_content_type, std::int64_t new_size) {
    const std::string before = media_type_of(old_content_type);
    const std::string after = media_type_of(new_content_type);
    const std::string what = after.empty() ? std::string("an answer") : after;
    if (!after.empty() && before != after) {
        const bool page_for_non_page = is_page_type(after) && !is_page_type(before);
        const bool text_for_binary =
            !before.empty() && after.starts_with("text/") && !before.starts_with("text/");
        if (page_for_non_page || text_for_binary)
            return what + " instead of " + (before.empty() ? std::string("the file") : before);
    }
    if (old_size > 0 && new_size >= 0 && new_size * 16 < old_size)
        return what + " of " + std::to_string(new_size) + " bytes instead of a file of " +
               std::to_string(old_size) + " bytes";
    return std::nullopt;
}

}  // namespace arina::net
