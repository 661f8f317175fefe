// DASH stream downloads in-process: SegmentTemplate with $Number$, SegmentTimeline, and
// SegmentBase with a sidx index fetched first.

#include "fixtures/stream_test_fixture.hpp"

namespace arina::test {
namespace {

namespace media_fx = stream_media;

constexpr double kClip = media_fx::kClipSeconds;

void expect_av_clip(const std::filesystem::path& file) {
    const auto s = media_fx::summarize(file);
    EXPECT_NEAR(s.duration, kClip, 0.5);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    EXPECT_EQ(s.codecs, "h264,aac");
}

TEST_F(StreamTest, DashSegmentTemplateWithNumber) {
    ASSERT_TRUE(media_fx::dash_template(dir / "www/num", /*timeline=*/false));
    ASSERT_EQ(read_file(dir / "www/num/manifest.mpd").find("SegmentTimeline"), std::string::npos);
    server.serve_directory("/num", dir / "www/num");
    const auto r = run(job_for("/num/manifest.mpd"));
    EXPECT_STREAM_OK(r);
    EXPECT_EQ(r.file, out() / "manifest.mp4");
    expect_av_clip(r.file);
    EXPECT_EQ(server.requests_for("/num/init-stream0.m4s").size(), 1u);
    EXPECT_EQ(server.requests_for("/num/init-stream1.m4s").size(), 1u);
    EXPECT_GE(requests_like("/num/chunk-stream0-", ".m4s").size(), static_cast<std::size_t>(kClip));
}

TEST_F(StreamTest, DashSegmentTimeline) {
    ASSERT_TRUE(media_fx::dash_template(dir / "www/tl", /*timeline=*/true));
    ASSERT_NE(read_file(dir / "www/tl/manifest.mpd").find("SegmentTimeline"), std::string::npos);
    server.serve_directory("/tl", dir / "www/tl");
    const auto r = run(job_for("/tl/manifest.mpd"));
    EXPECT_STREAM_OK(r);
    expect_av_clip(r.file);
}

TEST_F(StreamTest, DashSegmentBaseFetchesTheIndexFirst) {
    ASSERT_TRUE(media_fx::dash_segment_base(dir / "www/sb"));
    server.serve_directory("/sb", dir / "www/sb");
    const auto r = run(job_for("/sb/manifest.mpd"));
    EXPECT_STREAM_OK(r);
    expect_av_clip(r.file);
    for (const std::string name : {"/sb/video.mp4", "/sb/audio.mp4"}) {
        const auto requests = server.requests_for(name);
        // index, init section, then one range per subsegment: never the whole file.
        ASSERT_GE(requests.size(), 3u) << name;
        std::int64_t bytes = 0;
        for (const auto& q : requests) {
            EXPECT_FALSE(q.range_header.empty()) << name;
            bytes += q.body_bytes_sent;
        }
        // ftyp+moov (init), sidx, then every moof+mdat once; the trailing mfra is not media.
        std::int64_t media = 0;
        for (const auto& b : media_fx::top_level_boxes(dir / ("www" + name)))
            media += b.type == "mfra" ? 0 : b.size;
        EXPECT_EQ(bytes, media) << name;
    }
}

}  // namespace
}  // namespace arina::test
