// Text tracks of HLS and DASH presentations found through a page, through the `arina` command:
// --write-subs saves them next to the video (NAME.LANG.vtt, NAME.LANG.ttml), --embed-subs muxes
// them into the output as a subtitle stream with its language; what cannot be had or embedded is
// said in a warning naming the track, never dropped in silence.

#include <gmock/gmock.h>

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
    std::vector<std::string> files() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(dir.path()))
            if (e.path().filename() != "www") names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }
    // ffprobe's "codec_type,codec_name,language" lines of a file, one per stream.
    std::string streams_of(const fs::path& file) {
        const auto probe = run_program({media_fx::find_program("ffprobe"), "-v", "error", "-show_entries",
                                        "stream=codec_type,codec_name:stream_tags=language", "-of",
                                        "csv=p=0", file.string()});
        EXPECT_EQ(probe.exit_code, 0) << probe.output;
        return probe.output;
    }
    // An HLS master (video variant, audio rendition) with an English WebVTT subtitle rendition of
    // two segments, served at /hls; returns the joined .vtt expected.
    std::string hls_with_subtitles() {
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
                   "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nHello from the council\n\n");
        write_file(hls / "subs/en1.vtt", "WEBVTT\r\n\r\n00:00:02.500 --> 00:00:03.500\r\nThe meeting is open\r\n");
        server.serve_directory("/hls", hls);
        return "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nHello from the council\n\n"
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
    void write_www(const std::string& path, const std::string& bytes) { write_file(dir / "www" / path, bytes); }
};

// --embed-subs with an HLS subtitle rendition: the joined WebVTT becomes a subtitle stream tagged
// English in the muxed MP4, next to its video and audio; the .vtt fetched only to be embedded is
// not left beside it. With --write-subs too, the .vtt stays, byte for byte.
TEST_F(TextTrackTest, HlsSubtitleRenditionIsEmbeddedWithItsLanguage) {
    const std::string vtt = hls_with_subtitles();
    page("/show/council-9", "Council", "/hls/master.m3u8");

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
    const auto both = arina({"--write-subs", "--embed-subs", "--sub-langs", "en", server.url("/show/council-9")});
    ASSERT_EQ(both.exit_code, 0) << both.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Council [council-9].en.vtt", "Council [council-9].mp4"}))
        << both.output;
    EXPECT_EQ(read_file(dir / "Council [council-9].en.vtt"), vtt);
    EXPECT_EQ(sha256_file_hex(dir / "Council [council-9].en.vtt"),
              "7d8a205fe983786ac88a8b099fdebf2ec01556e8f85eed3dff5d8cf130a7b095");
    EXPECT_EQ(streams_of(mp4), "h264,video,und\naac,audio,und\nmov_text,subtitle,eng\n");
    EXPECT_NEAR(media_fx::summarize(mp4).duration, media_fx::kClipSeconds, 0.5);
}

}  // namespace
}  // namespace arina::test
