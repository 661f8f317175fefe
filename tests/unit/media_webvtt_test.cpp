// media/webvtt.hpp: an HLS subtitle playlist's WebVTT segments joined into one file.

#include <gtest/gtest.h>

#include "media/webvtt.hpp"

namespace arina::media {
namespace {

TEST(MediaWebVtt, RecognizesTheSignature) {
    EXPECT_TRUE(is_webvtt("WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n"));
    EXPECT_TRUE(is_webvtt("\xEF\xBB\xBFWEBVTT - a title\r\n"));
    EXPECT_TRUE(is_webvtt("WEBVTT"));
    EXPECT_FALSE(is_webvtt("WEBVTTX\n"));
    EXPECT_FALSE(is_webvtt("1\n00:00:00,000 --> 00:00:01,000\nhi\n"));  // SubRip
    EXPECT_FALSE(is_webvtt(""));
}

TEST(MediaWebVtt, SegmentsJoinUnderTheFirstHeader) {
    const std::vector<std::string> segments{
        "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\n00:00:00.000 --> "
        "00:00:02.000\nFirst\n\n",
        "\xEF\xBB\xBFWEBVTT\r\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\r\n\r\n"
        "00:00:04.000 --> 00:00:06.000 align:start\r\nSecond\r\n",
        "WEBVTT\n\n",  // an empty segment: nothing to add
        "WEBVTT\n\nNOTE a note\n\n3\n00:00:08.000 --> 00:00:09.500\nThird\nline two\n",
    };
    EXPECT_EQ(join_webvtt_segments(segments),
              "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\n"
              "00:00:00.000 --> 00:00:02.000\nFirst\n\n"
              "00:00:04.000 --> 00:00:06.000 align:start\nSecond\n\n"
              "NOTE a note\n\n3\n00:00:08.000 --> 00:00:09.500\nThird\nline two\n");
}

TEST(MediaWebVtt, OneHeaderWhateverTheSegmentsLookLike) {
    // A first segment without the signature still makes a WebVTT file; a lone CR is a line break.
    EXPECT_EQ(join_webvtt_segments({"00:00.000 --> 00:01.000\rA\r", "WEBVTT\n\n00:01.000 --> 00:02.000\nB"}),
              "WEBVTT\n\n00:00.000 --> 00:01.000\nA\n\n00:01.000 --> 00:02.000\nB\n");
    EXPECT_EQ(join_webvtt_segments({}), "WEBVTT\n");
    EXPECT_EQ(join_webvtt_segments({"WEBVTT", "WEBVTT\n"}), "WEBVTT\n");
}

TEST(MediaWebVtt, ReadsTimestampsAndTheTimestampMap) {
    EXPECT_EQ(parse_webvtt_time("00:00:01.500"), 1500);
    EXPECT_EQ(parse_webvtt_time("01:02.003"), 62003);
    EXPECT_EQ(parse_webvtt_time("123:00:00.000"), std::int64_t{123} * 3600 * 1000);
    for (const char* bad :
         {"", "1:02.003", "00:60.000", "00:00:01,500", "00:00:01.5", "aa:00.000", "00:00:-1.000"})
        EXPECT_EQ(parse_webvtt_time(bad), std::nullopt) << bad;

    EXPECT_EQ(webvtt_timestamp_map(
                  "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\n00:01.000 --> 00:02.000\nA\n"),
              (WebVttTimestampMap{900000, 0}));
    EXPECT_EQ(
        webvtt_timestamp_map("\xEF\xBB\xBFWEBVTT\r\nX-TIMESTAMP-MAP=LOCAL:00:00:10.000, MPEGTS:181083\r\n"),
        (WebVttTimestampMap{181083, 10000}));
    EXPECT_EQ((WebVttTimestampMap{900000, 2000}.offset_us()), 8'000'000);
    // Only in the header block; both fields needed.
    EXPECT_EQ(webvtt_timestamp_map("WEBVTT\n\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n"),
              std::nullopt);
    EXPECT_EQ(webvtt_timestamp_map("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000\n"), std::nullopt);
    EXPECT_EQ(webvtt_timestamp_map("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:x,LOCAL:00:00.000\n"), std::nullopt);
    EXPECT_EQ(webvtt_timestamp_map("WEBVTT\n\n00:01.000 --> 00:02.000\nA\n"), std::nullopt);
}

// Packagers that write each segment's cues from the segment's own start say so with a map per
// segment: under the first segment's header the later cues move by the difference.
TEST(MediaWebVtt, LaterSegmentsWithAnotherMapAreMovedIntoTheFirstOnesClock) {
    const std::vector<std::string> segments{
        "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\n00:00:01.000 --> 00:00:02.000\nFirst\n",
        // 4 s later in the media clock, cues from 0 again.
        "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:1260000,LOCAL:00:00:00.000\n\n"
        "00:00:00.500 --> 00:00:01.250 line:90%\nSecond\n",
        // The same clock as the first segment: cues as they are.
        "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\n00:09.000 --> 00:10.000\nThird\n",
        // LOCAL moved instead of MPEGTS: cues written 100 s ahead of the media clock.
        "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:01:40.000\n\n00:01:52.000 --> 00:01:53.000\nFourth\n",
    };
    EXPECT_EQ(join_webvtt_segments(segments),
              "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\n"
              "00:00:01.000 --> 00:00:02.000\nFirst\n\n"
              "00:00:04.500 --> 00:00:05.250 line:90%\nSecond\n\n"
              "00:09.000 --> 00:10.000\nThird\n\n"
              "00:00:12.000 --> 00:00:13.000\nFourth\n");
}

TEST(MediaWebVtt, TheMpegClockWrappingBetweenSegmentsIsNoJumpBack) {
    constexpr std::int64_t kWrap = std::int64_t{1} << 33;
    const std::string first = "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:" + std::to_string(kWrap - 90000) +
                              ",LOCAL:00:00:00.000\n\n00:00:00.000 --> 00:00:00.500\nA\n";
    // 2 s later: past the wrap, the clock reads 90000.
    const std::string second =
        "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:90000,LOCAL:00:00:00.000\n\n00:00:00.000 --> 00:00:01.000\nB\n";
    EXPECT_EQ(
        join_webvtt_segments({first, second}),
        "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:" + std::to_string(kWrap - 90000) +
            ",LOCAL:00:00:00.000\n\n00:00:00.000 --> 00:00:00.500\nA\n\n00:00:02.000 --> 00:00:03.000\nB\n");
}

}  // namespace
}  // namespace arina::media
