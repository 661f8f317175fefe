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

}  // namespace
}  // namespace arina::media
