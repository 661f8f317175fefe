// probe(): what the downloader learns about a file before and after muxing.

#include <gtest/gtest.h>

#include "media_fixtures.hpp"
#include "mux/probe.hpp"
#include "support/test_support.hpp"

namespace arina::mux {
namespace {

TEST(MuxProbe, DescribesATransportStream) {
    auto result = probe(test::media::fixture("av.ts"));
    ASSERT_TRUE(std::holds_alternative<ProbeInfo>(result)) << std::get<Error>(result).message;
    const ProbeInfo& info = std::get<ProbeInfo>(result);
    EXPECT_EQ(info.format, "mpegts");
    EXPECT_NEAR(info.duration_seconds, 4.0, 0.1);
    ASSERT_EQ(info.streams.size(), 2u);
    const StreamInfo& video = info.streams[0].kind == StreamKind::Video ? info.streams[0] : info.streams[1];
    const StreamInfo& audio = info.streams[0].kind == StreamKind::Video ? info.streams[1] : info.streams[0];
    EXPECT_EQ(video.kind, StreamKind::Video);
    EXPECT_EQ(video.codec, "h264");
    EXPECT_EQ(video.width, 320);
    EXPECT_EQ(video.height, 240);
    EXPECT_EQ(audio.kind, StreamKind::Audio);
    EXPECT_EQ(audio.codec, "aac");
    EXPECT_EQ(audio.sample_rate, 44100);
    EXPECT_EQ(audio.channels, 1);
    EXPECT_EQ(to_string(audio.kind), "audio");
}

TEST(MuxProbe, DescribesFragmentedMp4) {
    auto result = probe(test::media::fixture("audio.mp4"));
    ASSERT_TRUE(std::holds_alternative<ProbeInfo>(result)) << std::get<Error>(result).message;
    const ProbeInfo& info = std::get<ProbeInfo>(result);
    ASSERT_EQ(info.streams.size(), 1u);
    EXPECT_EQ(info.streams[0].codec, "aac");
}

TEST(MuxProbe, RefusesGarbageByName) {
    const auto path = test::media::scratch_dir() / "noise.bin";
    test::write_file(path, test::random_bytes(100000, 7));
    auto result = probe(path);
    ASSERT_TRUE(std::holds_alternative<Error>(result));
    EXPECT_EQ(std::get<Error>(result).reason, FailReason::Unsupported);
    EXPECT_NE(std::get<Error>(result).message.find(path.string()), std::string::npos);
}

}  // namespace
}  // namespace arina::mux
