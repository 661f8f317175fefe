// Text tracks of HLS and DASH presentations found through a page, through the `arina` command:
// --write-subs saves them next to the video (NAME.LANG.vtt, NAME.LANG.ttml), --embed-subs muxes
// them into the output as a subtitle stream with its language; what cannot be had or embedded is
// said in a warning naming the track, never dropped in silence.

#include <gmock/gmock.h>

#include <cmath>
#include <sstream>

#include "download_fixture.hpp"
#include "fixtures/stream_media.hpp"
#include "util/sha256.hpp"

namespace arina::test {
namespace {

namespace media_fx = stream_media;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class TextTrackTest : public DownloadTest {
  protected:
    void page(const std::string& path, const std::string& title, const std::string& media) {
        server.serve_bytes(path,
                           "<html><head><meta property=\"og:title\" content=\"" + title +
                               "\"><meta property=\"og:video\" content=\"" + media +
                               "\"></head><body></body></html>",
                           {.content_type = "text/html; charset=utf-8"});
    }
    // ffprobe's "codec_type,codec_name,language" lines of a file, one per stream.
    std::string streams_of(const fs::path& file) {
        const auto probe = run_program({media_fx::find_program("ffprobe"), "-v", "error", "-show_entries",
                                        "stream=codec_type,codec_name:stream_tags=language", "-of", "csv=p=0",
                                        file.string()});
        EXPECT_EQ(probe.exit_code, 0) << probe.output;
        return probe.output;
    }
    // An HLS master (video variant, audio rendition) with an English WebVTT subtitle rendition of
    // two segments, served at /hls; returns the joined .vtt expected. `header_line` (e.g. an
    // X-TIMESTAMP-MAP) goes under each segment's WEBVTT line.
    std::string hls_with_subtitles(const std::string& header_line = "") {
        const std::string header = header_line.empty() ? "" : header_line + "\n";
        const fs::path hls = dir / "www/hls";
        EXPECT_TRUE(media_fx::hls_master_with_audio(hls));
        std::string master = read_file(hls / "master.m3u8");
        const auto variant = master.find("#EXT-X-STREAM-INF:");
        EXPECT_NE(variant, std::string::npos) << master;
        master.insert(master.find('\n', variant), ",SUBTITLES=\"subs\"");
        master.insert(variant,
                      "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",NAME=\"English\",LANGUAGE=\"en\","
                      "AUTOSELECT=YES,URI=\"subs/en.m3u8\"\n");
        write_file(hls / "master.m3u8", master);
        write_file(hls / "subs/en.m3u8",
                   "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:4.0,\nen0.vtt\n"
                   "#EXTINF:4.0,\nen1.vtt\n#EXT-X-ENDLIST\n");
        write_file(hls / "subs/en0.vtt",
                   "WEBVTT\n" + header + "\n00:00:00.500 --> 00:00:02.000\nHello from the council\n\n");
        write_file(hls / "subs/en1.vtt",
                   "WEBVTT\r\n" + header + "\r\n00:00:02.500 --> 00:00:03.500\r\nThe meeting is open\r\n");
        server.serve_directory("/hls", hls);
        return "WEBVTT\n" + header +
               "\n00:00:00.500 --> 00:00:02.000\nHello from the council\n\n"
               "00:00:02.500 --> 00:00:03.500\nThe meeting is open\n";
    }
    // DASH (video and audio by SegmentTemplate, 8 s) with `text_sets` added to its Period,
    // served at /dash.
    void dash_with(const std::string& text_sets) {
        const fs::path dash = dir / "www/dash";
        ASSERT_TRUE(media_fx::dash_template(dash, false));
        std::string mpd = read_file(dash / "manifest.mpd");
        const auto period_end = mpd.rfind("</Period>");
        ASSERT_NE(period_end, std::string::npos) << mpd;
        mpd.insert(period_end, text_sets);
        write_file(dash / "manifest.mpd", mpd);
        server.serve_directory("/dash", dash);
    }
    // When each cue of a file's subtitle stream starts, in seconds of the output.
    std::vector<double> subtitle_times(const fs::path& file) {
        const auto probe =
            run_program({media_fx::find_program("ffprobe"), "-v", "error", "-select_streams", "s",
                         "-show_entries", "packet=pts_time,size", "-of", "csv=p=0", file.string()});
        EXPECT_EQ(probe.exit_code, 0) << probe.output;
        std::vector<double> times;
        std::istringstream lines(probe.output);
        // "pts,size": MP4 fills the gaps between cues with empty samples (2 bytes: a zero text length).
        for (std::string line; std::getline(lines, line);) {
            const auto comma = line.find(',');
            if (comma != std::string::npos && std::stoi(line.substr(comma + 1)) > 2)
                times.push_back(std::stod(line.substr(0, comma)));
        }
        return times;
    }
    // The first timestamp of a media segment, in seconds of its own clock.
    double start_of(const fs::path& segment) {
        const auto probe = run_program({media_fx::find_program("ffprobe"), "-v", "error", "-show_entries",
                                        "format=start_time", "-of", "csv=p=0", segment.string()});
        EXPECT_EQ(probe.exit_code, 0) << probe.output;
        return std::stod(probe.output);
    }
    void write_www(const std::string& path, const std::string& bytes) {
        write_file(dir / "www" / path, bytes);
    }
};

// An HLS subtitle rendition is listed by -F; with --embed-subs the joined WebVTT becomes a
// subtitle stream tagged English in the muxed MP4, next to its video and audio, and the .vtt
// fetched only to be embedded is not left beside it. With --write-subs too, the .vtt stays, byte
// for byte.
TEST_F(TextTrackTest, HlsSubtitleRenditionIsEmbeddedWithItsLanguage) {
    const std::string vtt = hls_with_subtitles();
    page("/show/council-9", "Council", "/hls/master.m3u8");
    const auto listed = arina({"-F", server.url("/show/council-9")});
    ASSERT_EQ(listed.exit_code, 0) << listed.output;
    EXPECT_THAT(listed.output, HasSubstr("\nsubtitles: en (vtt)\n")) << listed.output;

    const auto r = arina({"--embed-subs", "--sub-langs", "en", server.url("/show/council-9")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Council [council-9].mp4"})) << r.output;
    const fs::path mp4 = dir / "Council [council-9].mp4";
    EXPECT_EQ(streams_of(mp4), "h264,video,und\naac,audio,und\nmov_text,subtitle,eng\n");
    const auto s = media_fx::summarize(mp4);
    EXPECT_NEAR(s.duration, media_fx::kClipSeconds, 0.5);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    EXPECT_EQ(server.requests_for("/hls/subs/en1.vtt").size(), 1u);

    fs::remove(mp4);
    const auto both =
        arina({"--write-subs", "--embed-subs", "--sub-langs", "en", server.url("/show/council-9")});
    ASSERT_EQ(both.exit_code, 0) << both.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Council [council-9].en.vtt", "Council [council-9].mp4"}))
        << both.output;
    EXPECT_EQ(read_file(dir / "Council [council-9].en.vtt"), vtt);
    EXPECT_EQ(sha256_file_hex(dir / "Council [council-9].en.vtt"),
              "7d8a205fe983786ac88a8b099fdebf2ec01556e8f85eed3dff5d8cf130a7b095");
    EXPECT_EQ(streams_of(mp4), "h264,video,und\naac,audio,und\nmov_text,subtitle,eng\n");
    EXPECT_NEAR(media_fx::summarize(mp4).duration, media_fx::kClipSeconds, 0.5);
}

// An HLS rendition's X-TIMESTAMP-MAP says where its cue times are in the media's clock (RFC 8216,
// 3.5); the media's first timestamp is not 0 (ffmpeg starts TS at ~1.4 s). Embedded, each cue is
// where the map puts it against the pictures: here 2 s after the first one, so the cue written at
// 0.5 s shows at 2.5 s of the output. Without a map, cue times count from the output's start.
TEST_F(TextTrackTest, EmbeddedHlsCuesArePlacedByTheirTimestampMap) {
    hls_with_subtitles();  // makes the media, to read its first timestamp
    const fs::path hls = dir / "www/hls";
    const double origin = std::min(start_of(hls / "s0_0.ts"), start_of(hls / "s1_0.ts"));
    const auto mpegts = static_cast<std::int64_t>(std::llround((origin + 2.0) * 90000));
    hls_with_subtitles("X-TIMESTAMP-MAP=MPEGTS:" + std::to_string(mpegts) + ",LOCAL:00:00:00.000");
    page("/show/council-10", "Council", "/hls/master.m3u8");

    const auto r = arina({"--embed-subs", "--sub-langs", "en", server.url("/show/council-10")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto times = subtitle_times(dir / "Council [council-10].mp4");
    ASSERT_GE(times.size(), 2u) << r.output;
    EXPECT_NEAR(times.front(), 2.5, 0.02);
    EXPECT_NEAR(times.back(), 4.5, 0.02);

    hls_with_subtitles();  // no map
    page("/show/council-11", "Council", "/hls/master.m3u8");
    const auto plain = arina({"--embed-subs", "--sub-langs", "en", server.url("/show/council-11")});
    ASSERT_EQ(plain.exit_code, 0) << plain.output;
    const auto unmapped = subtitle_times(dir / "Council [council-11].mp4");
    ASSERT_GE(unmapped.size(), 2u);
    EXPECT_NEAR(unmapped.front(), 0.5, 0.02);
    EXPECT_NEAR(unmapped.back(), 2.5, 0.02);
}

// A DASH text AdaptationSet of one WebVTT file, --embed-subs: a subtitle stream tagged French in the
// MP4, the .vtt not left beside it.
TEST_F(TextTrackTest, DashWebVttFileIsEmbeddedWithItsLanguage) {
    dash_with(
        "<AdaptationSet contentType=\"text\" mimeType=\"text/vtt\" lang=\"fr\">"
        "<Representation id=\"sub-fr\" bandwidth=\"256\"><BaseURL>subs/fr.vtt</BaseURL>"
        "</Representation></AdaptationSet>\n");
    write_www("dash/subs/fr.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nBonsoir\n");
    page("/show/soir-3", "Soir", "/dash/manifest.mpd");
    const auto r = arina({"--embed-subs", "--sub-langs", "fr", server.url("/show/soir-3")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Soir [soir-3].mp4"})) << r.output;
    const fs::path mp4 = dir / "Soir [soir-3].mp4";
    EXPECT_EQ(streams_of(mp4), "h264,video,und\naac,audio,und\nmov_text,subtitle,fra\n");
    EXPECT_NEAR(media_fx::summarize(mp4).duration, media_fx::kClipSeconds, 0.5);
    EXPECT_THAT(r.output, Not(HasSubstr("warning"))) << r.output;
}

// DASH WebVTT in segments (SegmentTemplate $Number$, 4 s each): the segments are fetched and joined
// under one header like an HLS rendition's, written with --write-subs and embedded with
// --embed-subs.
TEST_F(TextTrackTest, DashSegmentedWebVttIsJoinedIntoOneFile) {
    dash_with(
        "<AdaptationSet contentType=\"text\" mimeType=\"text/vtt\" lang=\"de\">"
        "<SegmentTemplate media=\"subs/de-$Number$.vtt\" startNumber=\"1\" duration=\"4\" "
        "timescale=\"1\"/><Representation id=\"sub-de\" bandwidth=\"256\"/></AdaptationSet>\n");
    write_www("dash/subs/de-1.vtt", "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nGuten Abend\n\n");
    write_www("dash/subs/de-2.vtt",
              "\xEF\xBB\xBFWEBVTT\r\n\r\n00:00:04.500 --> 00:00:06.000\r\nDie Nachrichten\r\n");
    page("/show/abend-1", "Abend", "/dash/manifest.mpd");

    const auto listed = arina({"-F", server.url("/show/abend-1")});
    ASSERT_EQ(listed.exit_code, 0) << listed.output;
    EXPECT_THAT(listed.output, HasSubstr("\nsubtitles: de (vtt)\n")) << listed.output;

    const auto r = arina({"--write-subs", "--embed-subs", "--sub-langs", "de", server.url("/show/abend-1")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Abend [abend-1].de.vtt", "Abend [abend-1].mp4"}))
        << r.output;
    EXPECT_EQ(read_file(dir / "Abend [abend-1].de.vtt"),
              "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nGuten Abend\n\n"
              "00:00:04.500 --> 00:00:06.000\nDie Nachrichten\n");
    EXPECT_EQ(sha256_file_hex(dir / "Abend [abend-1].de.vtt"),
              "6385c0099970cc6c999a5a09b6a9dfadae555c5d43232868e6ffda5106b378da");
    EXPECT_EQ(server.requests_for("/dash/subs/de-2.vtt").size(), 1u);
    const fs::path mp4 = dir / "Abend [abend-1].mp4";
    EXPECT_EQ(streams_of(mp4), "h264,video,und\naac,audio,und\nmov_text,subtitle,deu\n");
    EXPECT_NEAR(media_fx::summarize(mp4).duration, media_fx::kClipSeconds, 0.5);
}

// One TTML file (application/ttml+xml): --write-subs saves it as NAME.LANG.ttml, byte for byte (as
// yt-dlp does); --embed-subs says it cannot embed TTML, and without --write-subs nothing is
// fetched for it.
TEST_F(TextTrackTest, DashTtmlIsWrittenAsTtmlAndNotEmbedded) {
    dash_with(
        "<AdaptationSet contentType=\"text\" mimeType=\"application/ttml+xml\" lang=\"es\">"
        "<Representation id=\"sub-es\" bandwidth=\"256\"><BaseURL>subs/es.ttml</BaseURL>"
        "</Representation></AdaptationSet>\n");
    const std::string ttml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tt xmlns=\"http://www.w3.org/ns/ttml\" "
        "xml:lang=\"es\"><body><div><p begin=\"00:00:01.000\" end=\"00:00:03.000\">Buenas noches</p>"
        "</div></body></tt>\n";
    write_www("dash/subs/es.ttml", ttml);
    page("/show/noche-2", "Noche", "/dash/manifest.mpd");
    const std::string warning =
        "arina: warning: subtitle es not embedded: TTML subtitles cannot be embedded, only WebVTT and "
        "SubRip\n";

    const auto written = arina({"--write-subs", "--sub-langs", "es", server.url("/show/noche-2")});
    ASSERT_EQ(written.exit_code, 0) << written.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Noche [noche-2].es.ttml", "Noche [noche-2].mp4"}))
        << written.output;
    EXPECT_EQ(sha256_file_hex(dir / "Noche [noche-2].es.ttml"), sha256_hex(ttml));
    EXPECT_THAT(written.output, Not(HasSubstr("warning"))) << written.output;
    fs::remove(dir / "Noche [noche-2].es.ttml");
    fs::remove(dir / "Noche [noche-2].mp4");

    const auto both =
        arina({"--write-subs", "--embed-subs", "--sub-langs", "es", server.url("/show/noche-2")});
    ASSERT_EQ(both.exit_code, 0) << both.output;
    EXPECT_THAT(both.output, HasSubstr(warning)) << both.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Noche [noche-2].es.ttml", "Noche [noche-2].mp4"}))
        << both.output;
    EXPECT_EQ(sha256_file_hex(dir / "Noche [noche-2].es.ttml"), sha256_hex(ttml));
    EXPECT_EQ(streams_of(dir / "Noche [noche-2].mp4"), "h264,video,und\naac,audio,und\n");
    fs::remove(dir / "Noche [noche-2].es.ttml");
    fs::remove(dir / "Noche [noche-2].mp4");

    const auto embed_only = arina({"--embed-subs", "--sub-langs", "es", server.url("/show/noche-2")});
    ASSERT_EQ(embed_only.exit_code, 0) << embed_only.output;
    EXPECT_THAT(embed_only.output, HasSubstr(warning)) << embed_only.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Noche [noche-2].mp4"})) << embed_only.output;
    EXPECT_EQ(server.requests_for("/dash/subs/es.ttml").size(), 2u);  // the two --write-subs runs
    EXPECT_NEAR(media_fx::summarize(dir / "Noche [noche-2].mp4").duration, media_fx::kClipSeconds, 0.5);
}

// Text in MP4 segments (stpp) cannot be had as a file: a language asked for that only such a track
// offers is named in a warning; the video is downloaded all the same.
TEST_F(TextTrackTest, DashTextInMp4SegmentsIsNamedInAWarning) {
    dash_with(
        "<AdaptationSet contentType=\"text\" mimeType=\"application/mp4\" codecs=\"stpp\" lang=\"en\">"
        "<SegmentTemplate initialization=\"subs/en-init.mp4\" media=\"subs/en-$Number$.m4s\" "
        "startNumber=\"1\" duration=\"4\" timescale=\"1\"/>"
        "<Representation id=\"sub-en\" bandwidth=\"256\"/></AdaptationSet>\n");
    page("/show/late-4", "Late", "/dash/manifest.mpd");
    const auto r = arina({"--write-subs", "--embed-subs", "--sub-langs", "en", server.url("/show/late-4")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_THAT(
        r.output,
        HasSubstr("arina: warning: subtitle en left out: text in MP4 segments (stpp) is not supported\n"))
        << r.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Late [late-4].mp4"})) << r.output;
    EXPECT_EQ(streams_of(dir / "Late [late-4].mp4"), "h264,video,und\naac,audio,und\n");
    // Not asked for (another language): no warning.
    fs::remove(dir / "Late [late-4].mp4");
    const auto other = arina({"--write-subs", "--sub-langs", "fr", server.url("/show/late-4")});
    ASSERT_EQ(other.exit_code, 0) << other.output;
    EXPECT_THAT(other.output, Not(HasSubstr("warning"))) << other.output;
}

}  // namespace
}  // namespace arina::test
