// remux_with_extras(): a file downloaded whole gets its extras by being rewritten, every packet
// kept, and a failure leaves the file exactly as it was.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "media_fixtures.hpp"
#include "mux/mux.hpp"
#include "support/test_support.hpp"
#include "util/sha256.hpp"

namespace arina::mux {
namespace {

namespace fs = std::filesystem;
using test::media::fixture;

// A plain MP4 as a site serves it whole: made by muxing a fixture once, no tags of ours.
fs::path finished_mp4(const fs::path& dir) {
    const fs::path file = dir / "download.mp4";
    auto made = mux({{fixture("av.ts")}}, file);
    EXPECT_TRUE(std::holds_alternative<MuxReport>(made));
    return file;
}

std::map<int, std::size_t> packet_counts(const fs::path& file) {
    std::map<int, std::size_t> counts;
    for (const auto& [stream, dts] : test::media::packet_dts(file)) counts[stream] = dts.size();
    return counts;
}

std::map<int, double> stream_durations(const fs::path& file) {
    std::map<int, double> durations;
    const auto probe = test::media::ffprobe(file);
    for (const auto& stream : probe.value("streams", nlohmann::json::array()))
        if (stream.contains("duration"))
            durations[stream["index"].get<int>()] = std::stod(stream["duration"].get<std::string>());
    return durations;
}

std::string format_tag(const fs::path& file, const std::string& key) {
    const auto probe = test::media::ffprobe(file);
    if (!probe.contains("format") || !probe["format"].contains("tags")) return "<absent>";
    const auto& tags = probe["format"]["tags"];
    return tags.contains(key) ? tags[key].get<std::string>() : "<absent>";
}

TEST(MuxRemuxExtras, FinishedMp4RewrittenInPlaceKeepsEveryPacket) {
    const fs::path dir = test::media::scratch_dir();
    const fs::path file = finished_mp4(dir);
    const auto packets_before = packet_counts(file);
    const auto durations_before = stream_durations(file);
    ASSERT_EQ(packets_before.size(), 2u);
    test::write_file(dir / "en.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n");

    MuxOptions options;
    options.extras.tags.title = "Rewritten";
    options.extras.tags.date = "20231224";
    options.extras.subtitles = {{dir / "en.vtt", "en", "English"}};
    options.extras.thumbnail = fixture("cover.jpg");
    auto result = remux_with_extras(file, file, options);
    ASSERT_TRUE(std::holds_alternative<MuxReport>(result)) << std::get<Error>(result).message;
    const MuxReport& report = std::get<MuxReport>(result);
    EXPECT_TRUE(report.warnings.empty());
    EXPECT_EQ(report.subtitle_streams, 1);
    EXPECT_TRUE(report.cover_attached);
    EXPECT_FALSE(fs::exists(file.string() + ".tmp"));

    EXPECT_EQ(format_tag(file, "title"), "Rewritten");
    EXPECT_EQ(format_tag(file, "date"), "2023-12-24");
    // Streams 0 and 1 are the file's own video and audio, every packet of them.
    auto packets_after = packet_counts(file);
    for (const auto& [stream, count] : packets_before)
        EXPECT_EQ(packets_after[stream], count) << "stream " << stream;
    const auto durations_after = stream_durations(file);
    for (const auto& [stream, seconds] : durations_before)
        EXPECT_NEAR(durations_after.at(stream), seconds, 0.001) << "stream " << stream;
    // Then the subtitle and the cover.
    const auto streams = test::media::ffprobe(file)["streams"];
    ASSERT_EQ(streams.size(), 4u);
    EXPECT_EQ(streams[2].value("codec_name", ""), "mov_text");
    EXPECT_EQ(streams[3].value("codec_name", ""), "mjpeg");
    EXPECT_EQ(streams[3]["disposition"].value("attached_pic", 0), 1);
    EXPECT_EQ(test::media::decode_errors(file), "");
}

TEST(MuxRemuxExtras, TheFilesOwnTagsAreKeptAndOursWin) {
    const fs::path dir = test::media::scratch_dir();
    const fs::path file = finished_mp4(dir);
    MuxOptions first;
    first.extras.tags.title = "Old title";
    first.extras.tags.artist = "The Uploader";
    ASSERT_TRUE(std::holds_alternative<MuxReport>(remux_with_extras(file, dir / "tagged.mp4", first)));

    MuxOptions second;
    second.extras.tags.title = "New title";
    ASSERT_TRUE(
        std::holds_alternative<MuxReport>(remux_with_extras(dir / "tagged.mp4", dir / "retagged.mkv", [&] {
            MuxOptions options = second;
            options.container = Container::Mkv;
            return options;
        }())));
    EXPECT_EQ(format_tag(dir / "retagged.mkv", "title"), "New title");
    EXPECT_EQ(format_tag(dir / "retagged.mkv", "ARTIST"), "The Uploader");
    // The MP4's own bookkeeping does not travel into Matroska.
    EXPECT_EQ(format_tag(dir / "retagged.mkv", "MAJOR_BRAND"), "<absent>");
}

// A full disk while rewriting (the temporary path leads to /dev/full): the original stays as it was.
TEST(MuxRemuxExtras, FailureLeavesTheInputUntouched) {
    if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
    const fs::path dir = test::media::scratch_dir();
    const fs::path file = finished_mp4(dir);
    const auto before = sha256_file_hex(file);
    ASSERT_TRUE(before.has_value());

    MuxOptions options;
    options.extras.tags.title = "Never written";
    options.temp_path = dir / "download.mp4.part";
    fs::create_symlink("/dev/full", options.temp_path);
    auto result = remux_with_extras(file, file, options);
    ASSERT_TRUE(std::holds_alternative<Error>(result));
    EXPECT_EQ(std::get<Error>(result).reason, FailReason::DiskFull);
    EXPECT_EQ(sha256_file_hex(file), before);

    MuxOptions cancelled;
    cancelled.cancelled = [] { return true; };
    result = remux_with_extras(file, file, cancelled);
    ASSERT_TRUE(std::holds_alternative<Error>(result));
    EXPECT_EQ(std::get<Error>(result).reason, FailReason::Cancelled);
    EXPECT_EQ(sha256_file_hex(file), before);
    EXPECT_FALSE(fs::exists(file.string() + ".tmp"));
}

}  // namespace
}  // namespace arina::mux
