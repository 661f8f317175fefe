// Feeds arbitrary bytes to the sidx parser, as the index range fetched for a SegmentBase stream.
// The first byte scales the file offset of the index so large anchors are explored too.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <variant>
#include <vector>

#include "invariants.hpp"
#include "media/sidx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace arina::media;
    if (size == 0) return 0;
    SegmentIndexRequest request;
    request.url = "https://cdn.example.com/v.mp4";
    const std::span<const std::uint8_t> bytes(data + 1, size - 1);
    // 0xff puts the index just below the largest offset, where anchors and ranges could overflow.
    request.index_range.begin =
        data[0] == 0xff ? INT64_MAX - static_cast<std::int64_t>(size) - 64 : std::int64_t{data[0]} * 1000;
    request.index_range.end = request.index_range.begin + static_cast<std::int64_t>(bytes.size());
    const auto result = fragments_from_index(request, bytes);
    if (const auto* fragments = std::get_if<std::vector<Fragment>>(&result)) {
        std::int64_t previous_end = -1;
        for (const Fragment& f : *fragments) {
            fuzz::check_fragment(f);
            // Subsegments are consecutive, after the index.
            ARINA_FUZZ_REQUIRE(f.byte_range && f.byte_range->begin >= request.index_range.begin);
            ARINA_FUZZ_REQUIRE(previous_end < 0 || f.byte_range->begin == previous_end);
            previous_end = f.byte_range->end;
        }
    }
    return 0;
}
