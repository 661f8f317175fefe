#pragma once
// schema.org VideoObjects in a page's JSON-LD (<script type="application/ld+json">): what news
// and video sites publish for search engines, often the cleanest statement of a page's video.
// Found at the top level, in arrays, in @graph and nested in other objects (an Article's "video").

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arina::extract {

struct JsonLdVideo {
    std::string
        content_url;  ///< contentUrl as written (may be relative); embedUrl is a player page, not used
    std::string name;
    std::string description;
    std::string upload_date;         ///< uploadDate as YYYYMMDD, empty when not a date
    std::string thumbnail_url;       ///< thumbnailUrl (string, first of a list, or an ImageObject's url)
    std::optional<double> duration;  ///< ISO 8601 duration in seconds
    std::optional<int> height;
};

/// Longest JSON-LD block read; larger ones are skipped.
inline constexpr std::size_t kMaxJsonLdBytes = 1024 * 1024;

/// The VideoObjects in one JSON-LD block, in document order, at most `max_videos`. Malformed JSON
/// gives none. Nesting deeper than 32 levels is not searched.
std::vector<JsonLdVideo> video_objects_in_json_ld(std::string_view json_text, std::size_t max_videos);

}  // namespace arina::extract
