// Subtitle files from MuxOptions::extras: WebVTT and SubRip copied into Matroska and converted to
// mov_text for MP4, read back with the ffmpeg program; a file that cannot be used is a warning.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "media_fixtures.hpp"
#include "mux/language_codes.hpp"
#include "mux/mux.hpp"
#include "support/test_support.hpp"

namespace arina::mux {
namespace {

namespace fs = std::filesystem;
using test::media::fixture;

constexpr const char* kWebVtt =
    "WEBVTT\n"
    "\n"
    "00:00:00.500 --> 00:00:01.200\n"
    "First cue\n"
    "\n"
    "00:00:01.500 --> 00:00:02.300\n"
    "Second cue, ünïcode\n"
    "\n"
    "00:00:02.600 --> 00:00:03.400\n"
    "Third cue\n";

constexpr const char* kSubRip =
    "1\n"
    "00:00:00,400 --> 00:00:01,000\n"
    "Erster\n"
    "\n"
    "2\n"
    "00:00:01,800 --> 00:00:02,500\n"
    "Zweiter\n";

struct Cue {
    std::string timing;  // "00:00.500 --> 00:01.200", as the ffmpeg program writes it
    std::string text;
    bool operator==(const Cue&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Cue& cue) {
    return out << cue.timing << " " << cue.text;
}

// The cues of subtitle stream `n` of `file`, as the ffmpeg program writes them in WebVTT.
std::vector<Cue> cues_of(const fs::path& file, int n = 0) {
    const std::string vtt = test::media::ffmpeg_output(
        {"-i", file.string(), "-map", "0:s:" + std::to_string(n), "-f", "webvtt", "-"});
    std::vector<Cue> cues;
    std::istringstream lines(vtt);
    for (std::string line; std::getline(lines, line);) {
        if (line.find(" --> ") == std::string::npos) continue;
        Cue cue{line, ""};
        for (std::string text; std::getline(lines, text) && !text.empty();)
            cue.text += (cue.text.empty() ? "" : "\n") + text;
        cues.push_back(cue);
    }
    return cues;
}

const std::vector<Cue> kWebVttCues = {{"00:00.500 --> 00:01.200", "First cue"},
                                      {"00:01.500 --> 00:02.300", "Second cue, ünïcode"},
                                      {"00:02.600 --> 00:03.400", "Third cue"}};

std::vector<nlohmann::json> subtitle_streams(const fs::path& file) {
    std::vector<nlohmann::json> found;
    for (const auto& stream : test::media::ffprobe(file).value("streams", nlohmann::json::array()))
        if (stream.value("codec_type", "") == "subtitle") found.push_back(stream);
    return found;
}

std::string stream_tag(const nlohmann::json& stream, const std::string& key) {
    if (!stream.contains("tags") || !stream["tags"].contains(key)) return "<absent>";
    return stream["tags"][key].get<std::string>();
}

MuxReport mux_with(const std::vector<ExternalSubtitle>& subtitles, const fs::path& output,
                   Container container) {
    MuxOptions options;
    options.container = container;
    options.extras.subtitles = subtitles;
    auto result = mux({{fixture("av.ts")}}, output, options);
    if (auto* error = std::get_if<Error>(&result)) {
        ADD_FAILURE() << "mux failed: " << error->message;
        return {};
    }
    return std::get<MuxReport>(result);
}

TEST(MuxLanguage, CommonCodesBecomeWhatTheContainerWants) {
    EXPECT_EQ(container_language("en", Container::Mp4), "eng");
    EXPECT_EQ(container_language("EN-us", Container::Mkv), "eng");
    EXPECT_EQ(container_language("en-orig", Container::Mp4), "eng");
    EXPECT_EQ(container_language("de", Container::Mp4), "deu");
    EXPECT_EQ(container_language("de", Container::Mkv), "ger");
    EXPECT_EQ(container_language("ger", Container::Mp4), "deu");
    EXPECT_EQ(container_language("zh-Hans", Container::Mkv), "chi");
    EXPECT_EQ(container_language("pt_BR", Container::Mp4), "por");
    EXPECT_EQ(container_language("fil", Container::Mp4), "fil");  // not in the table: as given
    EXPECT_EQ(container_language("", Container::Mp4), "");
    EXPECT_EQ(container_language("en\n; rm", Container::Mp4), "");  // not a language tag
    EXPECT_EQ(container_language(std::string(40, 'a'), Container::Mp4), "");
}

TEST(MuxSubtitles, WebVttIntoMp4BecomesMovText) {
    const fs::path dir = test::media::scratch_dir();
    test::write_file(dir / "en.vtt", kWebVtt);
    const fs::path output = dir / "movie.mp4";
    const MuxReport report = mux_with({{dir / "en.vtt", "en", "English"}}, output, Container::Mp4);
    EXPECT_TRUE(report.warnings.empty()) << report.warnings.front();
    EXPECT_EQ(report.subtitle_streams, 1);

    const auto streams = subtitle_streams(output);
    ASSERT_EQ(streams.size(), 1u);
    EXPECT_EQ(streams[0].value("codec_name", ""), "mov_text");
    EXPECT_EQ(stream_tag(streams[0], "language"), "eng");
    EXPECT_EQ(stream_tag(streams[0], "handler_name"), "English");
    EXPECT_EQ(cues_of(output), kWebVttCues);
    EXPECT_EQ(test::media::decode_errors(output), "");
}

TEST(MuxSubtitles, WebVttIntoMatroskaIsCopied) {
    const fs::path dir = test::media::scratch_dir();
    test::write_file(dir / "en.vtt", kWebVtt);
    const fs::path output = dir / "movie.mkv";
    const MuxReport report = mux_with({{dir / "en.vtt", "en-US", "English"}}, output, Container::Mkv);
    EXPECT_TRUE(report.warnings.empty());
    const auto streams = subtitle_streams(output);
    ASSERT_EQ(streams.size(), 1u);
    EXPECT_EQ(streams[0].value("codec_name", ""), "webvtt");
    EXPECT_EQ(stream_tag(streams[0], "language"), "eng");
    EXPECT_EQ(stream_tag(streams[0], "title"), "English");
    EXPECT_EQ(cues_of(output), kWebVttCues);
}

TEST(MuxSubtitles, SubRipIntoMatroskaIsCopiedAndIntoMp4Converted) {
    const fs::path dir = test::media::scratch_dir();
    test::write_file(dir / "de.srt", kSubRip);
    const std::vector<Cue> expected = {{"00:00.400 --> 00:01.000", "Erster"},
                                       {"00:01.800 --> 00:02.500", "Zweiter"}};

    const MuxReport mkv = mux_with({{dir / "de.srt", "de", ""}}, dir / "movie.mkv", Container::Mkv);
    EXPECT_TRUE(mkv.warnings.empty());
    auto streams = subtitle_streams(dir / "movie.mkv");
    ASSERT_EQ(streams.size(), 1u);
    EXPECT_EQ(streams[0].value("codec_name", ""), "subrip");
    EXPECT_EQ(stream_tag(streams[0], "language"), "ger");
    EXPECT_EQ(cues_of(dir / "movie.mkv"), expected);

    mux_with({{dir / "de.srt", "de", ""}}, dir / "movie.mp4", Container::Mp4);
    streams = subtitle_streams(dir / "movie.mp4");
    ASSERT_EQ(streams.size(), 1u);
    EXPECT_EQ(streams[0].value("codec_name", ""), "mov_text");
    EXPECT_EQ(stream_tag(streams[0], "language"), "deu");
    EXPECT_EQ(cues_of(dir / "movie.mp4"), expected);
}

TEST(MuxSubtitles, SeveralFilesKeepTheirOrderAndLanguages) {
    const fs::path dir = test::media::scratch_dir();
    test::write_file(dir / "en.vtt", kWebVtt);
    test::write_file(dir / "de.srt", kSubRip);
    const fs::path output = dir / "movie.mp4";
    const MuxReport report =
        mux_with({{dir / "en.vtt", "en", ""}, {dir / "de.srt", "de", ""}}, output, Container::Mp4);
    EXPECT_EQ(report.subtitle_streams, 2);
    const auto streams = subtitle_streams(output);
    ASSERT_EQ(streams.size(), 2u);
    EXPECT_EQ(stream_tag(streams[0], "language"), "eng");
    EXPECT_EQ(stream_tag(streams[1], "language"), "deu");
    EXPECT_EQ(cues_of(output, 0), kWebVttCues);
    EXPECT_EQ(cues_of(output, 1).size(), 2u);
}

// The video is never thrown away for a subtitle: the output is made without it, and the warning
// names the file and what was wrong.
TEST(MuxSubtitles, UnusableFilesAreWarningsNamingTheFile) {
    const fs::path dir = test::media::scratch_dir();
    test::write_file(dir / "garbage.vtt", test::random_bytes(4096, 7));
    test::write_file(dir / "empty.vtt", "WEBVTT\n\n");
    test::write_file(dir / "captions.ttml",
                     "<?xml version=\"1.0\"?>\n<tt xmlns=\"http://www.w3.org/ns/ttml\"><body/></tt>\n");
    test::write_file(dir / "en.vtt", kWebVtt);
    for (Container container : {Container::Mp4, Container::Mkv}) {
        const fs::path output = dir / (std::string("movie.") + std::string(extension(container)));
        const MuxReport report = mux_with({{dir / "garbage.vtt", "en", ""},
                                           {dir / "missing.srt", "fr", ""},
                                           {dir / "empty.vtt", "en", ""},
                                           {dir / "captions.ttml", "en", ""},
                                           {dir / "en.vtt", "en", ""}},
                                          output, container);
        ASSERT_EQ(report.warnings.size(), 4u);
        EXPECT_EQ(
            report.warnings[0].rfind(
                "subtitle " + (dir / "garbage.vtt").string() + " left out: not a WebVTT or SubRip file", 0),
            0u)
            << report.warnings[0];
        EXPECT_EQ(report.warnings[1],
                  "subtitle " + (dir / "missing.srt").string() + " left out: the file does not exist");
        EXPECT_EQ(report.warnings[2],
                  "subtitle " + (dir / "empty.vtt").string() + " left out: it has no cues");
        EXPECT_EQ(report.warnings[3],
                  "subtitle " + (dir / "captions.ttml").string() +
                      " left out: TTML (XML) subtitles cannot be read; WebVTT or SubRip only");
        EXPECT_EQ(report.video_streams, 1);
        EXPECT_EQ(report.audio_streams, 1);
        EXPECT_EQ(report.subtitle_streams, 1);
        EXPECT_EQ(subtitle_streams(output).size(), 1u);
        EXPECT_EQ(cues_of(output), kWebVttCues);
        EXPECT_EQ(test::media::decode_errors(output), "");
    }
}

// A subtitle file for a longer cut: cues after the end of the 4 s video would stretch the output.
TEST(MuxSubtitles, CuesAfterTheVideoEndsAreLeftOut) {
    const fs::path dir = test::media::scratch_dir();
    test::write_file(dir / "long.vtt", std::string(kWebVtt) +
                                           "\n00:10:00.000 --> 00:10:02.000\nMuch later\n\n" +
                                           "01:00:00.000 --> 01:00:01.000\nAn hour in\n");
    for (Container container : {Container::Mp4, Container::Mkv}) {
        const fs::path output = dir / (std::string("movie.") + std::string(extension(container)));
        const MuxReport report = mux_with({{dir / "long.vtt", "en", ""}}, output, container);
        ASSERT_EQ(report.warnings.size(), 1u);
        EXPECT_EQ(report.warnings[0], "subtitle " + (dir / "long.vtt").string() +
                                          ": 2 of its cues start after the video ends and were left out");
        EXPECT_NEAR(report.duration_seconds, 4.0, 0.1);
        const auto probe = test::media::ffprobe(output);
        EXPECT_NEAR(std::stod(probe["format"]["duration"].get<std::string>()), 4.0, 0.1);
        EXPECT_EQ(cues_of(output), kWebVttCues);
    }
}

// Legacy SubRip files are often Latin-1; libavcodec converts only UTF-8 to mov_text.
TEST(MuxSubtitles, Latin1SubRipIsReadAsLatin1) {
    const fs::path dir = test::media::scratch_dir();
    test::write_file(dir / "old.srt",
                     "1\n00:00:00,400 --> 00:00:01,000\nGr\xFC\xDF"
                     "e, Fran\xE7ois\n\n");
    for (Container container : {Container::Mp4, Container::Mkv}) {
        const fs::path output = dir / (std::string("movie.") + std::string(extension(container)));
        const MuxReport report = mux_with({{dir / "old.srt", "de", ""}}, output, container);
        ASSERT_EQ(report.warnings.size(), 1u);
        EXPECT_EQ(report.warnings[0], "subtitle " + (dir / "old.srt").string() +
                                          ": 1 of its cues were not UTF-8 and were read as Latin-1");
        EXPECT_EQ(cues_of(output), (std::vector<Cue>{{"00:00.400 --> 00:01.000", "Grüße, François"}}));
    }
}

// Damage inside files that look right: whatever becomes of the subtitle, the mux succeeds with the
// video and nothing crashes (the sanitizers watch the decoding and mov_text encoding).
TEST(MuxSubtitles, DamagedFilesNeverFailTheMux) {
    const fs::path dir = test::media::scratch_dir();
    std::string long_cue = "WEBVTT\n\n00:00:00.100 --> 00:00:00.900\n" + std::string(200'000, 'x') + "\n";
    test::write_file(dir / "long.vtt", long_cue);
    for (unsigned seed = 1; seed <= 4; ++seed) {
        std::string vtt = kWebVtt;
        vtt.replace(vtt.size() / 2, 20, test::random_bytes(20, seed));
        test::write_file(dir / ("damaged" + std::to_string(seed) + ".vtt"), vtt);
        std::string srt = kSubRip;
        srt.replace(srt.size() * 2 / 3, 10, test::random_bytes(10, seed));
        test::write_file(dir / ("damaged" + std::to_string(seed) + ".srt"), srt);
    }
    for (Container container : {Container::Mp4, Container::Mkv}) {
        std::vector<ExternalSubtitle> files{{dir / "long.vtt", "en", ""}};
        for (unsigned seed = 1; seed <= 4; ++seed) {
            files.push_back({dir / ("damaged" + std::to_string(seed) + ".vtt"), "en", ""});
            files.push_back({dir / ("damaged" + std::to_string(seed) + ".srt"), "de", ""});
        }
        const fs::path output = dir / (std::string("movie.") + std::string(extension(container)));
        const MuxReport report = mux_with(files, output, container);
        for (const std::string& warning : report.warnings) std::cout << "[ warning  ] " << warning << "\n";
        EXPECT_EQ(report.video_streams, 1);
        const auto left_out =
            std::count_if(report.warnings.begin(), report.warnings.end(),
                          [](const std::string& w) { return w.find(" left out: ") != std::string::npos; });
        EXPECT_EQ(report.subtitle_streams + static_cast<int>(left_out), 9)
            << "each file is either a stream or left out";
        EXPECT_EQ(static_cast<int>(subtitle_streams(output).size()), report.subtitle_streams);
        EXPECT_EQ(test::media::decode_errors(output), "");
    }
}

}  // namespace
}  // namespace arina::mux
