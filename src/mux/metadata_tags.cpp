#include "mux/metadata_tags.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "mux/utf8.hpp"

namespace arina::mux {
namespace {

bool is_control(char32_t c, bool multi_line) {
    if (multi_line && (c == '\n' || c == '\t')) return false;
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\t';
}

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Keys the fields of Tags own, and keys the containers keep for their own bookkeeping: a free key
// must not overwrite either.
constexpr std::array<std::string_view, 15> kReservedKeys = {
    "title",         "artist",        "date",        "description",   "comment",
    "purl",          "encoder",       "major_brand", "minor_version", "compatible_brands",
    "creation_time", "encoding_tool", "duration",    "filename",      "mimetype"};

}  // namespace

std::string clean_tag_text(std::string_view text, std::size_t max_bytes, bool multi_line) {
    std::string clean;
    clean.reserve(std::min(text.size(), max_bytes));
    for (std::size_t i = 0; i < text.size();) {
        char32_t c = 0;
        const std::size_t length = utf8_sequence(text, i, c);
        if (length == 0) {  // not UTF-8: drop the byte, resynchronise on the next
            ++i;
            continue;
        }
        if (!multi_line && (c == '\n' || c == '\t')) {
            // A line break in a one-line field separates words: keep the gap, lose the break.
            if (clean.size() + 1 > max_bytes) break;
            clean.push_back(' ');
        } else if (!is_control(c, multi_line)) {
            if (clean.size() + length > max_bytes) break;
            clean.append(text.substr(i, length));
        }
        i += length;
    }
    const auto first = std::find_if_not(clean.begin(), clean.end(), is_space);
    const auto last = std::find_if_not(clean.rbegin(), clean.rend(), is_space).base();
    return first < last ? std::string(first, last) : std::string();
}

std::optional<std::string> iso_date(std::string_view date) {
    std::string_view year, month, day;
    if (date.size() == 8 && all_digits(date)) {
        year = date.substr(0, 4);
        month = date.substr(4, 2);
        day = date.substr(6, 2);
    } else if (date.size() == 10 && date[4] == '-' && date[7] == '-') {
        year = date.substr(0, 4);
        month = date.substr(5, 2);
        day = date.substr(8, 2);
        if (!all_digits(year) || !all_digits(month) || !all_digits(day)) return std::nullopt;
    } else {
        return std::nullopt;
    }
    const int m = (month[0] - '0') * 10 + (month[1] - '0');
    const int d = (day[0] - '0') * 10 + (day[1] - '0');
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    return std::string(year) + "-" + std::string(month) + "-" + std::string(day);
}

std::string clean_tag_key(std::string_view key) {
    std::string clean;
    for (char c : key.substr(0, kMaxTagKeyBytes)) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        clean.push_back(keep ? c : '_');
    }
    if (clean.empty() || (clean[0] >= '0' && clean[0] <= '9')) return {};
    if (std::all_of(clean.begin(), clean.end(), [](char c) { return c == '_'; })) return {};
    return clean;
}

TagList container_tags(const Tags& tags, std::vector<std::string>& warnings) {
    TagList list;
    const auto add = [&list](const char* key, std::string value) {
        if (!value.empty()) list.emplace_back(key, std::move(value));
    };
    add("title", clean_tag_text(tags.title, kMaxTagBytes));
    add("artist", clean_tag_text(tags.artist, kMaxTagBytes));
    if (!tags.date.empty()) {
        if (auto date = iso_date(clean_tag_text(tags.date, kMaxTagBytes)))
            add("date", *date);
        else
            warnings.push_back("the date \"" + clean_tag_text(tags.date, 64) +
                               "\" is not YYYYMMDD or YYYY-MM-DD; not written");
    }
    add("description", clean_tag_text(tags.description, kMaxLongTagBytes, /*multi_line=*/true));
    std::string comment = clean_tag_text(tags.comment, kMaxLongTagBytes, /*multi_line=*/true);
    const std::string url = clean_tag_text(tags.webpage_url, kMaxTagBytes);
    // MP4 has no field for a URL; yt-dlp puts it in the comment too, and players show that.
    if (comment.empty()) comment = url;
    add("comment", std::move(comment));
    add("purl", url);

    std::size_t extras = 0;
    for (const auto& [raw_key, raw_value] : tags.extra) {
        const std::string key = clean_tag_key(raw_key);
        const std::string shown_key = clean_tag_text(raw_key, 64);
        if (key.empty()) {
            warnings.push_back("the tag key \"" + shown_key + "\" has no usable characters; not written");
            continue;
        }
        if (std::find(kReservedKeys.begin(), kReservedKeys.end(), key) != kReservedKeys.end()) {
            warnings.push_back("the tag key \"" + key + "\" is reserved; not written");
            continue;
        }
        std::string value = clean_tag_text(raw_value, kMaxTagBytes, /*multi_line=*/true);
        if (value.empty()) continue;
        if (++extras > kMaxExtraTags) {
            warnings.push_back("more than " + std::to_string(kMaxExtraTags) +
                               " extra tags; the rest are not written");
            break;
        }
        // A repeated key: the last value wins, as with libav's own dictionaries.
        const auto same =
            std::find_if(list.begin(), list.end(), [&](const auto& kv) { return kv.first == key; });
        if (same != list.end())
            same->second = std::move(value);
        else
            list.emplace_back(key, std::move(value));
    }
    return list;
}

}  // namespace arina::mux
