// mux() on the kinds of files the fragment downloader produces, checked with ffprobe and a full decode.

#include "mux/mux.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <set>

#include "media_fixtures.hpp"
#include "support/test_support.hpp"

namespace arina::mux {
namespace {

namespace fs = std::filesystem;
using test::media::fixture;

MuxReport mux_ok(const std::vector<fs::path>& paths, const fs::path& output, MuxOptions options = {}) {
    std::vector<MuxInput> inputs;
    for (const auto& path : paths) inputs.push_back({path});
    const auto started = std::chrono::steady_clock::now();
    auto result = mux(inputs, output, options);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    if (auto* error = std::get_if<Error>(&result)) {
        ADD_FAILURE() << "mux failed: " << error->message;
        return {};
    }
    const MuxReport report = std::get<MuxReport>(result);
    std::cout << "[ mux      ] " << output.filename().string() << ": " << report.packets << " packets, "
              << report.duration_seconds << " s of media in " << took.count() << " s\n";
    EXPECT_TRUE(fs::exists(output));
    EXPECT_FALSE(fs::exists(output.string() + ".tmp"));
    return report;
}

double format_duration(const nlohmann::json& probe) {
    if (!probe.contains("format") || !probe["format"].contains("duration")) return -1;
    return std::stod(probe["format"]["duration"].get<std::string>());
}

std::multiset<std::string> codecs(const nlohmann::json& probe) {
    std::multiset<std::string> names;
    if (!probe.contains("streams")) return names;
    for (const auto& stream : probe["streams"]) names.insert(stream.value("codec_name", "?"));
    return names;
}

std::string format_name(const nlohmann::json& probe) {
    return probe.contains("format") ? probe["format"].value("format_name", "?") : "?";
}

// DTS only grow per stream, and no stream has a hole longer than `max_gap` seconds.
void expect_clean_timeline(const fs::path& file, double max_gap) {
    for (const auto& [stream, dts] : test::media::packet_dts(file)) {
        for (std::size_t i = 1; i < dts.size(); ++i) {
            ASSERT_GT(dts[i], dts[i - 1]) << "stream " << stream << " packet " << i << " DTS goes back";
            ASSERT_LT(dts[i] - dts[i - 1], max_gap)
                << "stream " << stream << " packet " << i << " leaves a gap";
        }
        EXPECT_LT(dts.front(), 0.1) << "stream " << stream << " should start at 0";
    }
}

TEST(MuxRemux, TransportStreamToMp4) {
    const fs::path source = fixture("av.ts");
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    const MuxReport report = mux_ok({source}, output);
    EXPECT_EQ(report.video_streams, 1);
    EXPECT_EQ(report.audio_streams, 1);
    EXPECT_EQ(report.discontinuities, 0);
    EXPECT_EQ(report.dropped_packets, 0);

    const auto probe = test::media::ffprobe(output);
    EXPECT_EQ(format_name(probe), "mov,mp4,m4a,3gp,3g2,mj2");
    EXPECT_EQ(codecs(probe), (std::multiset<std::string>{"aac", "h264"}));
    EXPECT_NEAR(format_duration(probe), format_duration(test::media::ffprobe(source)), 0.1);
    EXPECT_NEAR(report.duration_seconds, 4.0, 0.1);
    expect_clean_timeline(output, 0.1);
    EXPECT_EQ(test::media::decode_errors(output), "");
}

TEST(MuxRemux, FaststartPutsTheIndexFirst) {
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    mux_ok({fixture("av.ts")}, output);
    const std::string head = test::read_file(output).substr(0, 64);
    EXPECT_NE(head.find("moov"), std::string::npos) << "moov should follow ftyp at the start";
}

TEST(MuxRemux, SeparateFragmentedVideoAndAudioToMp4) {
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    const MuxReport report = mux_ok({fixture("video.mp4"), fixture("audio.mp4")}, output);
    EXPECT_EQ(report.video_streams, 1);
    EXPECT_EQ(report.audio_streams, 1);
    const auto probe = test::media::ffprobe(output);
    EXPECT_EQ(codecs(probe), (std::multiset<std::string>{"aac", "h264"}));
    EXPECT_NEAR(format_duration(probe), 4.0, 0.1);
    expect_clean_timeline(output, 0.1);
    EXPECT_EQ(test::media::decode_errors(output), "");
}

TEST(MuxRemux, SeparateFragmentedVideoAndAudioToMatroska) {
    const fs::path output = test::media::scratch_dir() / "movie.mkv";
    MuxOptions options;
    options.container = Container::Mkv;
    mux_ok({fixture("video.mp4"), fixture("audio.mp4")}, output, options);
    const auto probe = test::media::ffprobe(output);
    EXPECT_EQ(format_name(probe), "matroska,webm");
    EXPECT_EQ(codecs(probe), (std::multiset<std::string>{"aac", "h264"}));
    EXPECT_NEAR(format_duration(probe), 4.0, 0.1);
    EXPECT_EQ(test::media::decode_errors(output), "");
}

TEST(MuxRemux, TransportStreamToMatroska) {
    const fs::path output = test::media::scratch_dir() / "movie.mkv";
    MuxOptions options;
    options.container = Container::Mkv;
    mux_ok({fixture("av.ts")}, output, options);
    const auto probe = test::media::ffprobe(output);
    EXPECT_EQ(codecs(probe), (std::multiset<std::string>{"aac", "h264"}));
    EXPECT_NEAR(format_duration(probe), 4.0, 0.15);
    EXPECT_EQ(test::media::decode_errors(output), "");
}

// Two segments from different encodes, appended as the downloader appends HLS segments: at the seam the
// clock restarts from 1.4 s (EXT-X-DISCONTINUITY, an inserted ad).
TEST(MuxRemux, TransportStreamWithClockRestartGivesOneContinuousTimeline) {
    const fs::path joined = test::media::scratch_dir() / "joined.ts";
    test::media::concatenate({fixture("av.ts"), fixture("other.ts")}, joined);
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    const MuxReport report = mux_ok({joined}, output);
    EXPECT_EQ(report.discontinuities, 1);
    EXPECT_NEAR(format_duration(test::media::ffprobe(output)), 7.0, 0.5);
    EXPECT_NEAR(report.duration_seconds, 7.0, 0.5);
    expect_clean_timeline(output, 0.1);
    EXPECT_EQ(test::media::decode_errors(output), "");
}

TEST(MuxRemux, TransportStreamWithClockLeapForwardGivesOneContinuousTimeline) {
    const fs::path joined = test::media::scratch_dir() / "joined.ts";
    test::media::concatenate({fixture("av.ts"), fixture("late.ts")}, joined);
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    const MuxReport report = mux_ok({joined}, output);
    EXPECT_EQ(report.discontinuities, 1);
    EXPECT_NEAR(format_duration(test::media::ffprobe(output)), 7.0, 0.5);
    expect_clean_timeline(output, 0.1);
}

TEST(MuxRemux, HlsFragmentedMp4SegmentsAppendedToTheirInit) {
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    const MuxReport report = mux_ok({fixture("hls_fmp4.mp4")}, output);
    EXPECT_EQ(report.video_streams, 1);
    EXPECT_EQ(report.audio_streams, 1);
    const auto probe = test::media::ffprobe(output);
    EXPECT_EQ(codecs(probe), (std::multiset<std::string>{"aac", "h264"}));
    EXPECT_NEAR(format_duration(probe), 4.0, 0.1);
    expect_clean_timeline(output, 0.1);
    EXPECT_EQ(test::media::decode_errors(output), "");
}

TEST(MuxRemux, WebmToMatroskaKeepsVp9AndOpus) {
    const fs::path output = test::media::scratch_dir() / "movie.mkv";
    MuxOptions options;
    options.container = Container::Mkv;
    mux_ok({fixture("vp9.webm")}, output, options);
    const auto probe = test::media::ffprobe(output);
    EXPECT_EQ(codecs(probe), (std::multiset<std::string>{"opus", "vp9"}));
    EXPECT_NEAR(format_duration(probe), 2.0, 0.1);
    EXPECT_EQ(test::media::decode_errors(output), "");
}

TEST(MuxRemux, SubtitlesAreKeptInMatroska) {
    const fs::path output = test::media::scratch_dir() / "movie.mkv";
    MuxOptions options;
    options.container = Container::Mkv;
    const MuxReport report = mux_ok({fixture("pcm.mkv")}, output, options);
    EXPECT_EQ(report.subtitle_streams, 1);
    EXPECT_EQ(codecs(test::media::ffprobe(output)),
              (std::multiset<std::string>{"h264", "pcm_s16le", "subrip"}));
}

TEST(MuxRemux, ProgressIsReportedAndGrows) {
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    std::vector<double> seen;
    MuxOptions options;
    options.progress = [&seen](double seconds) { seen.push_back(seconds); };
    mux_ok({fixture("av.ts")}, output, options);
    ASSERT_FALSE(seen.empty());
    for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i], seen[i - 1]);
    EXPECT_LE(seen.back(), 4.1);
}

TEST(MuxRemux, WebmToMp4KeepsVp9AndOpus) {
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    mux_ok({fixture("vp9.webm")}, output);
    EXPECT_EQ(codecs(test::media::ffprobe(output)), (std::multiset<std::string>{"opus", "vp9"}));
    EXPECT_EQ(test::media::decode_errors(output), "");
}

TEST(MuxRemux, ContainerNames) {
    EXPECT_EQ(container_from_name("mp4"), Container::Mp4);
    EXPECT_EQ(container_from_name("mkv"), Container::Mkv);
    EXPECT_EQ(container_from_name("avi"), std::nullopt);
    EXPECT_EQ(extension(Container::Mkv), "mkv");
}

TEST(MuxRemux, ReplacesAnExistingOutput) {
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    test::write_file(output, "old content");
    mux_ok({fixture("av.ts")}, output);
    EXPECT_GT(fs::file_size(output), 1000u);
}

}  // namespace
}  // namespace arina::mux
