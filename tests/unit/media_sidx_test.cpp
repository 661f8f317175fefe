#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "media/sidx.hpp"

namespace arina::media {
namespace {

/// Builds ISO BMFF boxes byte by byte, big-endian, as a muxer would write them.
class Bytes {
  public:
    Bytes& u8(std::uint64_t v) { return put(v, 1); }
    Bytes& u16(std::uint64_t v) { return put(v, 2); }
    Bytes& u32(std::uint64_t v) { return put(v, 4); }
    Bytes& u64(std::uint64_t v) { return put(v, 8); }
    Bytes& type(const char* fourcc) {
        for (int i = 0; i < 4; ++i) data.push_back(static_cast<std::uint8_t>(fourcc[i]));
        return *this;
    }
    std::vector<std::uint8_t> data;

  private:
    Bytes& put(std::uint64_t v, int width) {
        for (int i = width - 1; i >= 0; --i) data.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
        return *this;
    }
};

struct Reference {
    std::uint32_t size;
    std::uint32_t duration;
    bool is_index = false;
};

std::vector<std::uint8_t> sidx_box(int version, std::uint32_t timescale, std::uint64_t earliest,
                                   std::uint64_t first_offset, const std::vector<Reference>& references) {
    const std::uint32_t size =
        8 + 4 + 4 + 4 + (version == 0 ? 8 : 16) + 4 + 12 * static_cast<std::uint32_t>(references.size());
    Bytes b;
    b.u32(size).type("sidx").u8(static_cast<std::uint64_t>(version)).u8(0).u16(0);  // version, flags
    b.u32(1).u32(timescale);                                                        // reference_ID, timescale
    if (version == 0) {
        b.u32(earliest).u32(first_offset);
    } else {
        b.u64(earliest).u64(first_offset);
    }
    b.u16(0).u16(references.size());
    for (const Reference& r : references) {
        b.u32((r.is_index ? 0x80000000U : 0U) | r.size)
            .u32(r.duration)
            .u32(0x90000000U);  // starts with SAP 1
    }
    return b.data;
}

std::string error_of(const Result<std::vector<SidxReference>>& result) {
    const auto* error = std::get_if<Error>(&result);
    if (!error) {
        ADD_FAILURE() << "expected an error";
        return {};
    }
    EXPECT_EQ(error->reason, FailReason::BadManifest);
    return error->message;
}

TEST(Sidx, Version0ReferencesFollowTheBoxEnd) {
    const auto box = sidx_box(0, 1000, 0, 0, {{5000, 4000}, {6000, 4000}, {2500, 2000}});
    ASSERT_EQ(box.size(), 68U);
    // The index range starts at byte 1012 of the file, so the anchor is 1012 + 68 = 1080.
    auto result = parse_sidx(box, 1012);
    ASSERT_TRUE(std::holds_alternative<std::vector<SidxReference>>(result)) << error_of(result);
    const auto& refs = std::get<std::vector<SidxReference>>(result);
    ASSERT_EQ(refs.size(), 3U);
    EXPECT_EQ(refs[0], (SidxReference{{1080, 6080}, 0, 4}));
    EXPECT_EQ(refs[1], (SidxReference{{6080, 12080}, 4, 4}));
    EXPECT_EQ(refs[2], (SidxReference{{12080, 14580}, 8, 2}));
}

TEST(Sidx, Version1WithFirstOffsetAndLargeTimes) {
    const std::uint64_t earliest = 90000ULL * 100000;  // 100000 s at 90 kHz: more than 32 bits
    const auto box = sidx_box(1, 90000, earliest, 100, {{1000, 180000}, {2000, 90000}});
    auto result = parse_sidx(box, 0);
    ASSERT_TRUE(std::holds_alternative<std::vector<SidxReference>>(result)) << error_of(result);
    const auto& refs = std::get<std::vector<SidxReference>>(result);
    ASSERT_EQ(refs.size(), 2U);
    const std::int64_t anchor = static_cast<std::int64_t>(box.size()) + 100;
    EXPECT_EQ(refs[0].range, (ByteRange{anchor, anchor + 1000}));
    EXPECT_EQ(refs[1].range, (ByteRange{anchor + 1000, anchor + 3000}));
    EXPECT_DOUBLE_EQ(refs[0].start, 100000);
    EXPECT_DOUBLE_EQ(refs[0].duration, 2);
    EXPECT_DOUBLE_EQ(refs[1].start, 100002);
    EXPECT_DOUBLE_EQ(refs[1].duration, 1);
}

TEST(Sidx, SkipsBoxesBeforeTheIndexAndReadsLargeSize) {
    Bytes styp;
    styp.u32(16).type("styp").type("msdh").u32(0);
    std::vector<std::uint8_t> bytes = styp.data;
    // The same sidx written with a 64-bit largesize header: 8 bytes longer.
    auto box = sidx_box(0, 1, 0, 0, {{10, 1}});
    Bytes large;
    large.u32(1).type("sidx").u64(box.size() + 8);
    large.data.insert(large.data.end(), box.begin() + 8, box.end());
    bytes.insert(bytes.end(), large.data.begin(), large.data.end());

    auto result = parse_sidx(bytes, 500);
    ASSERT_TRUE(std::holds_alternative<std::vector<SidxReference>>(result)) << error_of(result);
    const std::int64_t anchor = 500 + static_cast<std::int64_t>(bytes.size());
    EXPECT_EQ(std::get<std::vector<SidxReference>>(result).at(0).range, (ByteRange{anchor, anchor + 10}));
}

TEST(Sidx, FragmentsFromIndexCompleteASegmentBaseStream) {
    SegmentIndexRequest request;
    request.url = "https://cdn.example.com/v/video-1080.mp4";
    request.index_range = ByteRange{862, 862 + 56};
    request.start_offset = 30;
    request.discontinuity = 2;
    const auto box = sidx_box(0, 48000, 96000, 0, {{40000, 192000}, {41000, 96000}});
    ASSERT_EQ(box.size(), 56U);
    auto result = fragments_from_index(request, box);
    ASSERT_TRUE(std::holds_alternative<std::vector<Fragment>>(result));
    const auto& fragments = std::get<std::vector<Fragment>>(result);
    ASSERT_EQ(fragments.size(), 2U);
    EXPECT_EQ(fragments[0].url, "https://cdn.example.com/v/video-1080.mp4");
    EXPECT_EQ(fragments[0].byte_range, (ByteRange{918, 40918}));
    EXPECT_DOUBLE_EQ(fragments[0].start, 32);
    EXPECT_DOUBLE_EQ(fragments[0].duration, 4);
    EXPECT_EQ(fragments[0].sequence, 1);
    EXPECT_EQ(fragments[0].discontinuity, 2);
    EXPECT_FALSE(fragments[0].key);
    EXPECT_EQ(fragments[1].byte_range, (ByteRange{40918, 81918}));
    EXPECT_DOUBLE_EQ(fragments[1].start, 36);
    EXPECT_EQ(fragments[1].sequence, 2);
}

TEST(Sidx, RefusesMalformedBoxes) {
    auto box = sidx_box(0, 1000, 0, 0, {{100, 1000}, {100, 1000}});
    EXPECT_EQ(error_of(parse_sidx(std::span(box).first(box.size() - 1), 0)),
              "sidx: box is truncated: 56 bytes declared, 55 present");
    EXPECT_EQ(error_of(parse_sidx(std::span(box).first(20), 0)),
              "sidx: box is truncated: 56 bytes declared, 20 present");

    // A box whose declared reference count exceeds its own size.
    auto lying = box;
    lying[31] = 3;
    EXPECT_EQ(error_of(parse_sidx(lying, 0)), "sidx: box is truncated: 3 references declared, 2 present");

    EXPECT_EQ(error_of(parse_sidx(sidx_box(0, 0, 0, 0, {{1, 1}}), 0)), "sidx: timescale is 0");
    EXPECT_EQ(error_of(parse_sidx(sidx_box(0, 1, 0, 0, {{1, 1}, {40, 1, true}}), 0)),
              "sidx: reference 2 points to another sidx (reference_type 1); hierarchical indexes are not "
              "supported");
    EXPECT_EQ(error_of(parse_sidx(sidx_box(0, 1, 0, 0, {{0, 1}}), 0)), "sidx: reference 1 has size 0");
    EXPECT_EQ(error_of(parse_sidx(sidx_box(2, 1, 0, 0, {{1, 1}}), 0)), "sidx: unsupported version 2");

    // Found by fuzz_sidx: an index near the largest file offset overflowed a range's end.
    EXPECT_EQ(error_of(parse_sidx(sidx_box(0, 1, 0, 0, {{1000, 1}}), INT64_MAX - 500)),
              "sidx: byte offsets overflow");
    EXPECT_EQ(error_of(parse_sidx(sidx_box(1, 1, 0, 0xffffffffffffffffULL, {{1, 1}}), 0)),
              "sidx: first_offset is out of range");

    Bytes moov;
    moov.u32(8).type("moov");
    EXPECT_EQ(error_of(parse_sidx(moov.data, 0)), "sidx: no sidx box in the 8 bytes of the index range");
    Bytes tiny;
    tiny.u32(4).type("free");
    EXPECT_EQ(error_of(parse_sidx(tiny.data, 0)), "sidx: box at byte 0 has an invalid size 4");
    EXPECT_EQ(error_of(parse_sidx({}, 0)), "sidx: no sidx box in the 0 bytes of the index range");
}

}  // namespace
}  // namespace arina::media
