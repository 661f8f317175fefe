#pragma once
// The Range request header (RFC 9110 14.2), resolved against a representation's size.

#include <cstdint>
#include <string_view>

namespace arina::testing {

/// Inclusive byte positions, as written in Content-Range.
struct ByteRange {
    std::int64_t first = 0;
    std::int64_t last = -1;
    std::int64_t length() const { return last - first + 1; }
};

enum class RangeKind {
    absent,         ///< no Range field: answer 200
    ignored,        ///< a unit or syntax we do not understand: RFC 9110 says ignore it, answer 200
    multiple,       ///< several satisfiable ranges: we answer 200 with the whole body (allowed)
    unsatisfiable,  ///< answer 416 with Content-Range: bytes */SIZE
    single,         ///< answer 206 with `range`
};

struct RangeRequest {
    RangeKind kind = RangeKind::absent;
    ByteRange range;  ///< when kind == single, clipped to the size
};

/// Understands "bytes=a-b", "bytes=a-" and "bytes=-n", and lists of them.
RangeRequest parse_range(std::string_view header, std::int64_t size);

}  // namespace arina::testing
