#include "extract/json_ld.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "media/iso8601.hpp"

namespace arina::extract {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxDepth = 32;
constexpr std::size_t kMaxVisited = 20000;

bool is_video_object(const json& object) {
    const auto type = object.find("@type");
    if (type == object.end()) return false;
    if (type->is_string()) return type->get_ref<const std::string&>() == "VideoObject";
    if (type->is_array())
        for (const json& item : *type)
            if (item.is_string() && item.get_ref<const std::string&>() == "VideoObject") return true;
    return false;
}

// A text property: a string, or the first string of a list.
std::string text_of(const json& object, const char* key) {
    const auto value = object.find(key);
    if (value == object.end()) return {};
    if (value->is_string()) return value->get<std::string>();
    if (value->is_array() && !value->empty() && value->front().is_string())
        return value->front().get<std::string>();
    return {};
}

// thumbnailUrl / thumbnail: a URL, a list of them, or an ImageObject (or a list of those).
std::string image_url_of(const json& object, const char* key) {
    const auto value = object.find(key);
    if (value == object.end()) return {};
    const json& first = value->is_array() && !value->empty() ? value->front() : *value;
    if (first.is_string()) return first.get<std::string>();
    if (first.is_object()) {
        if (std::string url = text_of(first, "url"); !url.empty()) return url;
        return text_of(first, "contentUrl");
    }
    return {};
}

// "2024-03-01", "2024-03-01T12:00:00+01:00" -> "20240301".
std::string date_of(std::string_view text) {
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') return {};
    std::string out;
    for (std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U}) {
        if (text[i] < '0' || text[i] > '9') return {};
        out += text[i];
    }
    return out;
}

std::optional<int> height_of(const json& object) {
    const auto value = object.find("height");
    if (value == object.end()) return std::nullopt;
    const json& number = value->is_object() && value->contains("value") ? (*value)["value"] : *value;
    double height = 0;
    if (number.is_number()) {
        height = number.get<double>();
    } else if (number.is_string()) {
        const std::string& text = number.get_ref<const std::string&>();
        height = 0;
        for (char c : text) {
            if (c < '0' || c > '9') break;
            height = height * 10 + (c - '0');
            if (height > 100000) break;
        }
    }
    if (height >= 1 && height <= 100000) return static_cast<int>(height);
    return std::nullopt;
}

JsonLdVideo video_of(const json& object) {
    JsonLdVideo video;
    video.content_url = text_of(object, "contentUrl");
    video.name = text_of(object, "name");
    video.description = text_of(object, "description");
    video.upload_date = date_of(text_of(object, "uploadDate"));
    video.thumbnail_url = image_url_of(object, "thumbnailUrl");
    if (video.thumbnail_url.empty()) video.thumbnail_url = image_url_of(object, "thumbnail");
    if (const std::string duration = text_of(object, "duration"); !duration.empty())
        video.duration = media::parse_iso8601_duration(duration);
    video.height = height_of(object);
    return video;
}

}  // namespace

std::vector<JsonLdVideo> video_objects_in_json_ld(std::string_view json_text, std::size_t max_videos) {
    std::vector<JsonLdVideo> videos;
    if (json_text.size() > kMaxJsonLdBytes) return videos;
    // No exceptions: a malformed block is "discarded".
    const json document = json::parse(json_text, nullptr, false);
    if (document.is_discarded()) return videos;

    // Depth-first in document order, with an explicit stack (hostile nesting cannot overflow it).
    std::vector<std::pair<const json*, std::size_t>> stack{{&document, 0}};
    std::size_t visited = 0;
    while (!stack.empty() && videos.size() < max_videos && visited++ < kMaxVisited) {
        const auto [node, depth] = stack.back();
        stack.pop_back();
        if (node->is_object() && is_video_object(*node)) videos.push_back(video_of(*node));
        if (depth >= kMaxDepth || !node->is_structured()) continue;
        const std::size_t first = stack.size();
        for (const json& child : *node)
            if (child.is_structured()) stack.emplace_back(&child, depth + 1);
        std::reverse(stack.begin() + static_cast<std::ptrdiff_t>(first), stack.end());
    }
    return videos;
}

}  // namespace arina::extract
