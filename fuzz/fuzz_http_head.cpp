// Feeds arbitrary bytes to the parsers of what a server says about a response: header
// lines (split where the input has newlines, as libcurl hands them over one by one),
// Content-Range and Retry-After. Nothing may crash, and what parses must be consistent.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "invariants.hpp"
#include "net/response_head.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace arina::net;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    ResponseHead head;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        const auto line =
            text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos + 1);
        add_header_line(head, line);
        pos += line.size();
    }
    ARINA_FUZZ_REQUIRE(head.status >= 0 && head.status <= 999);
    for (const auto& [name, value] : head.fields)
        for (char c : name) ARINA_FUZZ_REQUIRE(!(c >= 'A' && c <= 'Z'));
    if (auto len = head.content_length()) ARINA_FUZZ_REQUIRE(*len >= 0);
    if (auto cr = parse_content_range(head.get("content-range"))) {
        if (cr->first >= 0) {
            ARINA_FUZZ_REQUIRE(cr->last >= cr->first);
            ARINA_FUZZ_REQUIRE(cr->total < 0 || cr->last < cr->total);
        } else {
            ARINA_FUZZ_REQUIRE(cr->total >= 0);
        }
    }
    if (auto cr = parse_content_range(text)) ARINA_FUZZ_REQUIRE(cr->first < 0 || cr->last >= cr->first);
    if (auto secs = parse_retry_after(text, 1'700'000'000)) ARINA_FUZZ_REQUIRE(*secs >= 0);
    return 0;
}
