#include "media/sidx.hpp"

#include <string>

namespace arina::media {
namespace {

/// Big-endian reads with bounds checking; a read past the end sets `truncated` and yields 0, so a
/// parse runs to its next check instead of branching after every field.
class BoxReader {
  public:
    explicit BoxReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    std::uint64_t read(std::size_t width) {
        if (width > bytes_.size() - position_) {
            truncated_ = true;
            position_ = bytes_.size();
            return 0;
        }
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < width; ++i) value = (value << 8U) | bytes_[position_ + i];
        position_ += width;
        return value;
    }
    void skip(std::size_t width) { read(width); }
    bool truncated() const { return truncated_; }

  private:
    std::span<const std::uint8_t> bytes_;
    std::size_t position_ = 0;
    bool truncated_ = false;
};

Error sidx_error(const std::string& what) {
    return bad_manifest("sidx: " + what);
}

constexpr std::uint32_t fourcc(const char (&code)[5]) {
    return (std::uint32_t(std::uint8_t(code[0])) << 24U) | (std::uint32_t(std::uint8_t(code[1])) << 16U) |
           (std::uint32_t(std::uint8_t(code[2])) << 8U) | std::uint32_t(std::uint8_t(code[3]));
}

/// The body of a sidx box (after size and type); `anchor` is the file offset of the byte after it.
Result<std::vector<SidxReference>> parse_sidx_body(std::span<const std::uint8_t> body, std::int64_t anchor) {
    BoxReader reader(body);
    const auto version = reader.read(1);
    reader.skip(3);  // flags
    reader.skip(4);  // reference_ID
    const auto timescale = reader.read(4);
    const std::size_t wide = version == 0 ? 4 : 8;
    const auto earliest_presentation_time = reader.read(wide);
    const auto first_offset = reader.read(wide);
    reader.skip(2);  // reserved
    const auto reference_count = reader.read(2);
    if (reader.truncated()) return sidx_error("box is truncated before its references");
    if (version > 1) return sidx_error("unsupported version " + std::to_string(version));
    if (timescale == 0) return sidx_error("timescale is 0");
    std::int64_t offset = 0;
    if (first_offset > static_cast<std::uint64_t>(INT64_MAX) ||
        __builtin_add_overflow(anchor, static_cast<std::int64_t>(first_offset), &offset)) {
        return sidx_error("first_offset is out of range");
    }

    const double seconds_per_tick = 1.0 / static_cast<double>(timescale);
    std::vector<SidxReference> references;
    references.reserve(reference_count);
    std::uint64_t elapsed = 0;  // ticks since earliest_presentation_time; < 2^16 * 2^32, no overflow
    for (std::uint64_t i = 0; i < reference_count; ++i) {
        const auto type_and_size = reader.read(4);
        const auto duration = reader.read(4);
        reader.skip(4);  // starts_with_SAP, SAP_type, SAP_delta_time
        if (reader.truncated()) {
            return sidx_error("box is truncated: " + std::to_string(reference_count) +
                              " references declared, " + std::to_string(i) + " present");
        }
        if (type_and_size >> 31U) {
            return sidx_error(
                "reference " + std::to_string(i + 1) +
                " points to another sidx (reference_type 1); hierarchical indexes are not supported");
        }
        const auto size = static_cast<std::int64_t>(type_and_size & 0x7fffffffU);
        if (size == 0) return sidx_error("reference " + std::to_string(i + 1) + " has size 0");
        SidxReference reference;
        std::int64_t end = 0;
        if (__builtin_add_overflow(offset, size, &end)) return sidx_error("byte offsets overflow");
        reference.range = ByteRange{offset, end};
        reference.start = (static_cast<double>(earliest_presentation_time) + static_cast<double>(elapsed)) *
                          seconds_per_tick;
        reference.duration = static_cast<double>(duration) * seconds_per_tick;
        references.push_back(reference);
        offset = end;
        elapsed += duration;
    }
    return references;
}

}  // namespace

Result<std::vector<SidxReference>> parse_sidx(std::span<const std::uint8_t> bytes,
                                              std::int64_t bytes_offset) {
    std::size_t position = 0;
    while (bytes.size() - position >= 8) {
        BoxReader header(bytes.subspan(position));
        std::uint64_t box_size = header.read(4);
        const auto type = static_cast<std::uint32_t>(header.read(4));
        std::uint64_t header_size = 8;
        if (box_size == 1) {
            box_size = header.read(8);  // 64-bit largesize follows the type
            header_size = 16;
            if (header.truncated()) break;
        } else if (box_size == 0) {
            box_size = bytes.size() - position;  // the box extends to the end
        }
        const std::uint64_t available = bytes.size() - position;
        if (box_size < header_size) {
            return sidx_error("box at byte " + std::to_string(position) + " has an invalid size " +
                              std::to_string(box_size));
        }
        if (type == fourcc("sidx")) {
            if (box_size > available) {
                return sidx_error("box is truncated: " + std::to_string(box_size) + " bytes declared, " +
                                  std::to_string(available) + " present");
            }
            std::int64_t anchor = 0;
            if (__builtin_add_overflow(bytes_offset, static_cast<std::int64_t>(position + box_size),
                                       &anchor)) {
                return sidx_error("anchor offset overflows");
            }
            return parse_sidx_body(bytes.subspan(position + header_size, box_size - header_size), anchor);
        }
        if (box_size > available) break;
        position += box_size;
    }
    return sidx_error("no sidx box in the " + std::to_string(bytes.size()) + " bytes of the index range");
}

Result<std::vector<Fragment>> fragments_from_index(const SegmentIndexRequest& request,
                                                   std::span<const std::uint8_t> index_bytes) {
    auto parsed = parse_sidx(index_bytes, request.index_range.begin);
    if (auto* error = std::get_if<Error>(&parsed)) return std::move(*error);
    const auto& references = std::get<std::vector<SidxReference>>(parsed);
    std::vector<Fragment> fragments;
    fragments.reserve(references.size());
    for (std::size_t i = 0; i < references.size(); ++i) {
        Fragment fragment;
        fragment.url = request.url;
        fragment.byte_range = references[i].range;
        fragment.start = request.start_offset + references[i].start;
        fragment.duration = references[i].duration;
        fragment.sequence = static_cast<std::int64_t>(i) + 1;
        fragment.discontinuity = request.discontinuity;
        fragments.push_back(std::move(fragment));
    }
    return fragments;
}

}  // namespace arina::media
