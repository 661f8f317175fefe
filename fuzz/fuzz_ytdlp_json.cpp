// Feeds arbitrary text to the yt-dlp JSON mapping (what yt-dlp prints comes from scraped, hostile
// pages). Besides not crashing, a mapped Extraction must keep the promises of ytdlp_json.hpp:
// only http(s) URLs to fetch, header lines that cannot split a request, unique stream ids with
// extras only for streams that exist, bounded warnings, and the media model's own invariants.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "extract/ytdlp_json.hpp"
#include "invariants.hpp"

namespace {

/// An absolute http(s) URL: the scheme before "://", in any case.
bool http_url(const std::string& url) {
    const auto colon = url.find("://");
    if (colon == std::string::npos) return false;
    std::string scheme = url.substr(0, colon);
    for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return scheme == "http" || scheme == "https";
}

void check(const arina::extract::Extraction& e) {
    using arina::media::fuzz::require;
    arina::media::fuzz::check_invariants(e.presentation);
    std::set<std::string> ids;
    for (const auto& s : e.presentation.streams) {
        ARINA_FUZZ_REQUIRE(ids.insert(s.id).second);
        if (!s.playlist_url.empty()) ARINA_FUZZ_REQUIRE(http_url(s.playlist_url));
        for (const auto& f : s.fragments) ARINA_FUZZ_REQUIRE(http_url(f.url));
        if (s.init) ARINA_FUZZ_REQUIRE(http_url(s.init->url));
        ARINA_FUZZ_REQUIRE(s.bandwidth >= 0);
    }
    for (const auto& [id, extras] : e.extras) {
        ARINA_FUZZ_REQUIRE(ids.count(id) == 1);
        if (!extras.file_url.empty()) ARINA_FUZZ_REQUIRE(http_url(extras.file_url));
        for (const auto& line : extras.http_headers)
            ARINA_FUZZ_REQUIRE(line.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
        if (extras.filesize) ARINA_FUZZ_REQUIRE(*extras.filesize > 0);
    }
    for (const auto& entry : e.entries) ARINA_FUZZ_REQUIRE(http_url(entry.url) && entry.index > 0);
    for (const auto& sub : e.subtitles) ARINA_FUZZ_REQUIRE(http_url(sub.url));
    if (!e.info.thumbnail_url.empty()) ARINA_FUZZ_REQUIRE(http_url(e.info.thumbnail_url));
    ARINA_FUZZ_REQUIRE(e.warnings.size() <= 41);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto result = arina::extract::parse_ytdlp_json(text);
    if (const auto* extraction = std::get_if<arina::extract::Extraction>(&result)) check(*extraction);
    return 0;
}
