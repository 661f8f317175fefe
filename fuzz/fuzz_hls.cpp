// Feeds arbitrary text to the HLS playlist parser. The first byte picks the options and the
// base URL, so URL resolution and the query-carrying path are explored too.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "invariants.hpp"
#include "media/hls_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace arina::media;
    if (size == 0) return 0;
    static constexpr std::string_view kBases[] = {
        "https://cdn.example.com/live/hls/master.m3u8?token=abc&exp=1",
        "http://h/a.m3u8",
        "https://example.com",
        "relative/base.m3u8",
    };
    HlsOptions options;
    options.carry_query_to_segments = (data[0] & 1U) != 0;
    const std::string_view base = kBases[(data[0] >> 1U) % 4];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto result = parse_hls(text, base, options);
    if (const auto* presentation = std::get_if<Presentation>(&result)) fuzz::check_invariants(*presentation);
    return 0;
}
