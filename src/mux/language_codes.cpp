#include "mux/language_codes.hpp"

#include <algorithm>
#include <array>

namespace arina::mux {
namespace {

struct Language {
    std::string_view two;            // ISO 639-1
    std::string_view terminology;    // ISO 639-2/T (MP4)
    std::string_view bibliographic;  // ISO 639-2/B (Matroska); the same for most languages
};

// The languages sites most often offer subtitles in.
constexpr std::array<Language, 44> kLanguages{{
    {"ar", "ara", "ara"}, {"bg", "bul", "bul"}, {"bn", "ben", "ben"}, {"ca", "cat", "cat"},
    {"cs", "ces", "cze"}, {"da", "dan", "dan"}, {"de", "deu", "ger"}, {"el", "ell", "gre"},
    {"en", "eng", "eng"}, {"es", "spa", "spa"}, {"et", "est", "est"}, {"eu", "eus", "baq"},
    {"fa", "fas", "per"}, {"fi", "fin", "fin"}, {"fr", "fra", "fre"}, {"he", "heb", "heb"},
    {"hi", "hin", "hin"}, {"hr", "hrv", "hrv"}, {"hu", "hun", "hun"}, {"id", "ind", "ind"},
    {"is", "isl", "ice"}, {"it", "ita", "ita"}, {"ja", "jpn", "jpn"}, {"ko", "kor", "kor"},
    {"lt", "lit", "lit"}, {"lv", "lav", "lav"}, {"ms", "msa", "may"}, {"nl", "nld", "dut"},
    {"no", "nor", "nor"}, {"pl", "pol", "pol"}, {"pt", "por", "por"}, {"ro", "ron", "rum"},
    {"ru", "rus", "rus"}, {"sk", "slk", "slo"}, {"sl", "slv", "slv"}, {"sr", "srp", "srp"},
    {"sv", "swe", "swe"}, {"ta", "tam", "tam"}, {"th", "tha", "tha"}, {"tl", "tgl", "tgl"},
    {"tr", "tur", "tur"}, {"uk", "ukr", "ukr"}, {"vi", "vie", "vie"}, {"zh", "zho", "chi"},
}};

constexpr std::size_t kMaxTagLength = 35;  // the longest BCP 47 tag registries allow

bool plausible(std::string_view tag) {
    return !tag.empty() && tag.size() <= kMaxTagLength && std::all_of(tag.begin(), tag.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '_';
    });
}

}  // namespace

std::string container_language(std::string_view tag, Container container) {
    if (!plausible(tag)) return {};
    std::string lower(tag);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    // The primary subtag decides: "en-US", "pt_BR", "zh-Hans", "en-orig" (yt-dlp) are all
    // stored as their language.
    const std::string_view primary = std::string_view(lower).substr(0, lower.find_first_of("-_"));
    for (const Language& language : kLanguages) {
        if (primary == language.two || primary == language.terminology || primary == language.bibliographic)
            return std::string(container == Container::Mp4 ? language.terminology : language.bibliographic);
    }
    return lower;
}

}  // namespace arina::mux
