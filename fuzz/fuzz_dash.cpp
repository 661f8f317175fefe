// Feeds arbitrary text to the MPD parser. The first byte decides whether a clock is given (live
// templates and r=-1 need one) and how far past the availability start it is.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "invariants.hpp"
#include "media/dash_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace arina::media;
    if (size == 0) return 0;
    DashOptions options;
    if (data[0] & 1U) options.now = 1709294400.0 + 37.5 * (data[0] >> 1U);
    // Small limits keep each run fast; the limit checks are exercised all the more.
    options.max_fragments_per_stream = 5'000;
    options.max_fragments_total = 20'000;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto result = parse_dash(text, "https://cdn.example.com/dash/title/manifest.mpd?sig=1", options);
    if (const auto* presentation = std::get_if<Presentation>(&result)) fuzz::check_invariants(*presentation);
    return 0;
}
