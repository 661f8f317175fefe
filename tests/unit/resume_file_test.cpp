#include "store/resume_file.hpp"

#include <gtest/gtest.h>

#include "stream/stream_sidecar.hpp"
#include "support/test_support.hpp"
#include "util/sealed_json.hpp"

namespace arina::store {
namespace {

ResumeState sample() {
    ResumeState s;
    s.url = "http://example.com/a.bin";
    s.size = 1000;
    s.etag = "\"abc\"";
    s.last_modified = "Wed, 21 Oct 2015 07:28:00 GMT";
    s.done.add({0, 100});
    s.done.add({500, 700});
    return s;
}

TEST(ResumeFile, RoundTrips) {
    test::TempDir dir;
    const auto path = dir / "a.bin.part.arina";
    ASSERT_FALSE(save_resume_state(path, sample()));
    auto loaded = load_resume_state(path);
    ASSERT_TRUE(std::holds_alternative<ResumeState>(loaded));
    EXPECT_EQ(std::get<ResumeState>(loaded), sample());
}

TEST(ResumeFile, MissingFileIsNotAnError) {
    test::TempDir dir;
    EXPECT_TRUE(std::holds_alternative<std::monostate>(load_resume_state(dir / "none.arina")));
}

TEST(ResumeFile, TruncatedFileIsDetected) {
    const std::string text = encode_resume_state(sample());
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, text.size() / 2, text.size() - 3}) {
        auto decoded = decode_resume_state(text.substr(0, cut));
        ASSERT_TRUE(std::holds_alternative<Error>(decoded)) << cut;
        EXPECT_NE(std::get<Error>(decoded).message.find("corrupt resume file"), std::string::npos);
    }
}

TEST(ResumeFile, EditedContentFailsTheChecksum) {
    std::string text = encode_resume_state(sample());
    const auto pos = text.find("700");
    ASSERT_NE(pos, std::string::npos);
    text.replace(pos, 3, "900");
    auto decoded = decode_resume_state(text);
    ASSERT_TRUE(std::holds_alternative<Error>(decoded));
    EXPECT_EQ(std::get<Error>(decoded).message, "corrupt resume file: checksum mismatch");
}

TEST(ResumeFile, GarbageIsDetected) {
    auto decoded = decode_resume_state(std::string("\x00\xff garbage", 10));
    ASSERT_TRUE(std::holds_alternative<Error>(decoded));
    EXPECT_EQ(std::get<Error>(decoded).message, "corrupt resume file: not JSON");
}

// A sidecar of the first format version (no spilled fragments) is still read and resumed from.
TEST(StreamSidecar, AVersionOneSidecarIsStillRead) {
    const std::string v1 = seal_json(nlohmann::json{{"format", "arina-stream-resume"},
                                                    {"version", 1},
                                                    {"url", "http://h/index.m3u8"},
                                                    {"container", "mp4"},
                                                    {"live", false},
                                                    {"tracks",
                                                     {{{"format_id", "hls-media"},
                                                       {"file", "index.mp4.av.part"},
                                                       {"fragments_done", 3},
                                                       {"bytes", 4096},
                                                       {"next_sequence", 3},
                                                       {"fragments_total", 8},
                                                       {"init_id", ""},
                                                       {"init_sha256", ""},
                                                       {"skipped", nlohmann::json::array()}}}}});
    auto decoded = stream::decode_stream_resume(v1);
    ASSERT_TRUE(std::holds_alternative<stream::StreamResumeState>(decoded));
    const auto& state = std::get<stream::StreamResumeState>(decoded);
    ASSERT_EQ(state.tracks.size(), 1u);
    EXPECT_EQ(state.tracks[0].fragments_done, 3);
    EXPECT_TRUE(state.tracks[0].ahead.empty());
    // Written back, it is version 2 and round-trips.
    auto again = stream::decode_stream_resume(stream::encode_stream_resume(state));
    ASSERT_TRUE(std::holds_alternative<stream::StreamResumeState>(again));
    EXPECT_EQ(std::get<stream::StreamResumeState>(again), state);
    EXPECT_NE(stream::encode_stream_resume(state).find("\"version\":2"), std::string::npos);
}

TEST(StreamSidecar, SpilledFragmentsRoundTripAndBadNamesAreRefused) {
    stream::StreamResumeState state;
    state.url = "http://h/index.m3u8";
    state.container = "mkv";
    stream::TrackResume t;
    t.format_id = "v1";
    t.file = "index.mkv.video.part";
    t.fragments_done = 4;
    t.bytes = 1000;
    t.ahead = {{6, 106, "video-6", 500}, {7, 107, "video-7", 400}};
    state.tracks.push_back(t);
    auto decoded = stream::decode_stream_resume(stream::encode_stream_resume(state));
    ASSERT_TRUE(std::holds_alternative<stream::StreamResumeState>(decoded));
    EXPECT_EQ(std::get<stream::StreamResumeState>(decoded), state);

    state.tracks[0].ahead[1].file = "../escape";
    decoded = stream::decode_stream_resume(stream::encode_stream_resume(state));
    ASSERT_TRUE(std::holds_alternative<Error>(decoded));
    EXPECT_EQ(std::get<Error>(decoded).message, "corrupt stream resume file: bad spilled fragment file name");
}

}  // namespace
}  // namespace arina::store
