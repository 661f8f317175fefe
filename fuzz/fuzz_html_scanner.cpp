// Feeds arbitrary bytes to the HTML page scanner (gumbo, JSON-LD, script literals, the parse
// budget). The first byte picks the page URL and whether the two small readers are also fed the
// bytes directly. Nothing may crash or hang, and what the scanner returns must hold: absolute
// http(s) URLs, no duplicates, manifests before files, the caps, titles trimmed, collapsed, within
// their length and valid UTF-8 (they become file names).

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "extract/html_budget.hpp"
#include "extract/html_scanner.hpp"
#include "extract/json_ld.hpp"
#include "extract/script_urls.hpp"
#include "extract/url_name.hpp"
#include "invariants.hpp"

namespace {

using arina::media::fuzz::require;

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80         ? 1
                                : (c >> 5) == 6  ? 2
                                : (c >> 4) == 14 ? 3
                                : (c >> 3) == 30 ? 4
                                                 : 0;
        if (len == 0 || i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += len;
    }
    return true;
}

void check_text(const std::string& text, std::size_t limit) {
    ARINA_FUZZ_REQUIRE(text.size() <= limit);
    ARINA_FUZZ_REQUIRE(valid_utf8(text));
    ARINA_FUZZ_REQUIRE(text.empty() || (text.front() != ' ' && text.back() != ' '));
    ARINA_FUZZ_REQUIRE(text.find("  ") == std::string::npos);
    ARINA_FUZZ_REQUIRE(text.find_first_of("\t\n\r") == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace arina::extract;
    if (size == 0) return 0;
    static constexpr std::string_view kPages[] = {
        "https://news.example/2024/03/article.html",
        "http://h/",
        "https://cdn.example.com/a/b/c?x=1#frag",
        "https://user:pw@example.com:8443/p/",
    };
    const std::string_view page_url = kPages[data[0] % 4];
    const std::string_view html(reinterpret_cast<const char*>(data + 1), size - 1);

    if ((data[0] & 4U) != 0) {
        for (const std::string& url : media_urls_in_script(html, 16)) {
            ARINA_FUZZ_REQUIRE(!url.empty() && url.size() <= kMaxScriptUrlBytes + 4);
        }
        ARINA_FUZZ_REQUIRE(video_objects_in_json_ld(html, 4).size() <= 4);
    }
    const std::size_t prefix = parseable_prefix(html);
    ARINA_FUZZ_REQUIRE(prefix <= html.size());
    ARINA_FUZZ_REQUIRE(prefix == html.size() || html[prefix] == '<');

    const PageScan scan = scan_html(html, page_url);
    ARINA_FUZZ_REQUIRE(scan.candidates.size() <= kMaxCandidates);
    ARINA_FUZZ_REQUIRE(scan.subtitles.size() <= kMaxSubtitles);
    std::set<std::string> urls;
    bool seen_file = false;
    for (const MediaCandidate& candidate : scan.candidates) {
        ARINA_FUZZ_REQUIRE(is_http_url(candidate.url));
        ARINA_FUZZ_REQUIRE(urls.insert(candidate.url).second);
        if (candidate.format == CandidateFormat::File)
            seen_file = true;
        else
            ARINA_FUZZ_REQUIRE(!seen_file);
        if (candidate.height) ARINA_FUZZ_REQUIRE(*candidate.height >= 1 && *candidate.height <= 100000);
    }
    for (const auto& subtitle : scan.subtitles) {
        ARINA_FUZZ_REQUIRE(is_http_url(subtitle.url));
        ARINA_FUZZ_REQUIRE(!subtitle.ext.empty() && subtitle.ext.size() <= 5);
    }
    check_text(scan.title, 1024);
    check_text(scan.description, 16 * 1024);
    ARINA_FUZZ_REQUIRE(scan.thumbnail_url.empty() || is_http_url(scan.thumbnail_url));
    ARINA_FUZZ_REQUIRE(scan.upload_date.empty() || scan.upload_date.size() == 8);
    if (scan.duration) ARINA_FUZZ_REQUIRE(*scan.duration >= 0);
    return 0;
}
