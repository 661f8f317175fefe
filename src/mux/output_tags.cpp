#include "mux/output_tags.hpp"

#include <array>
#include <string_view>

#include "mux/metadata_tags.hpp"

namespace arina::mux {
namespace {

// Written by the demuxed container about itself; the output's muxer writes its own where they apply.
constexpr std::array<std::string_view, 5> kContainerOwnKeys = {"major_brand", "minor_version",
                                                               "compatible_brands", "encoder", "duration"};

bool is_container_own(const char* key) {
    std::string lower(key);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    for (std::string_view own : kContainerOwnKeys)
        if (lower == own) return true;
    return false;
}

}  // namespace

void write_tags(OutputWriter& writer, const Tags& tags, const AVDictionary* kept,
                std::vector<std::string>& warnings) {
    const AVDictionaryEntry* entry = nullptr;
    for (std::size_t count = 0; count < kMaxExtraTags; ++count) {
        entry = av_dict_get(kept, "", entry, AV_DICT_IGNORE_SUFFIX);
        if (entry == nullptr) break;
        if (is_container_own(entry->key)) continue;
        const std::string value = clean_tag_text(entry->value, kMaxLongTagBytes, /*multi_line=*/true);
        const std::string key = clean_tag_text(entry->key, kMaxTagKeyBytes);
        if (!key.empty() && !value.empty()) writer.set_tag(key, value);
    }
    for (const auto& [key, value] : container_tags(tags, warnings)) writer.set_tag(key, value);
}

}  // namespace arina::mux
