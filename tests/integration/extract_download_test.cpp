// Web pages through the `arina` command: a page naming its video is never saved as the file;
// its media is found (native extractors first) and downloaded under the output template's name,
// whatever the page's title holds.

#include <gmock/gmock.h>

#include "download_fixture.hpp"
#include "fixtures/stream_media.hpp"
#include "util/sha256.hpp"

namespace arina::test {
namespace {

namespace media_fx = stream_media;
namespace fs = std::filesystem;

class ExtractDownloadTest : public DownloadTest {
  protected:
    // A 2-second MP4 clip, served at /media/clip.mp4.
    std::string clip() {
        const fs::path mp4 = dir / "www/media/clip.mp4";
        fs::create_directories(mp4.parent_path());
        EXPECT_TRUE(media_fx::ffmpeg(
            media_fx::concat({media_fx::source(true, true, 2), {"-movflags", "+faststart", mp4.string()}})));
        server.serve_directory("/media", mp4.parent_path());
        return read_file(mp4);
    }
    void page(const std::string& path, const std::string& html) {
        server.serve_bytes(path, html, {.content_type = "text/html; charset=utf-8"});
    }
};

TEST_F(ExtractDownloadTest, APageWithAVideoTagGivesTheVideoNamedByTitleAndId) {
    const std::string bytes = clip();
    page("/watch/news-42",
         "<!doctype html><html><head><title>Evening News</title></head><body>"
         "<video controls><source src=\"/media/clip.mp4\" type=\"video/mp4\"></video>"
         "</body></html>");
    const auto r = arina({server.url("/watch/news-42")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Evening News [news-42].mp4"})) << r.output;
    EXPECT_EQ(sha256_file_hex(dir / "Evening News [news-42].mp4"), sha256_hex(bytes));
    // The page was asked for (and never kept), then the media.
    EXPECT_GE(server.requests_for("/watch/news-42").size(), 1u);
    EXPECT_GE(server.requests_for("/media/clip.mp4").size(), 1u);
}

// Several <video> elements are several media (as yt-dlp reads such a page): one task per video,
// each its best <source>, every file byte-exact. Each is named like yt-dlp's generic extractor
// names them: title "PAGE TITLE (N)", id "PAGEID-N" (N its 1-based playlist index), so the default
// template gives distinct names, and a template of the user's renders the same fields.
TEST_F(ExtractDownloadTest, APageWithSeveralVideosQueuesEachOfThem) {
    const std::string bytes = clip();
    for (const char* name : {"one", "two", "three"})
        fs::copy_file(dir / "www/media/clip.mp4", dir / "www/media" / (std::string(name) + ".mp4"));
    fs::copy_file(dir / "www/media/clip.mp4", dir / "www/media/one-small.mp4");
    const std::string url = server.url("/season/2");
    page("/season/2",
         "<!doctype html><html><head><title>Season 2</title></head><body>"
         "<video><source src=\"/media/one-small.mp4\" res=\"240\"><source src=\"/media/one.mp4\" "
         "res=\"720\"></video>"
         "<video src=\"/media/two.mp4\"></video><video src=\"/media/three.mp4\"></video></body></html>");
    const auto r = arina({url});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, ::testing::HasSubstr(url + ": playlist, 3 entries queued\n"));
    const std::vector<std::string> names{"Season 2 (1) [2-1].mp4", "Season 2 (2) [2-2].mp4",
                                         "Season 2 (3) [2-3].mp4"};
    ASSERT_EQ(files(), names) << r.output;
    for (const auto& name : names) EXPECT_EQ(sha256_file_hex(dir / name), sha256_hex(bytes)) << name;
    EXPECT_EQ(server.requests_for("/media/one-small.mp4").size(), 0u);  // the 720 source of the first
    for (const char* path : {"/media/one.mp4", "/media/two.mp4", "/media/three.mp4"})
        EXPECT_GE(server.requests_for(path).size(), 1u) << path;

    for (const auto& name : names) fs::remove(dir / name);
    const auto templated = arina({"-o", "%(playlist_index)s %(title)s.%(ext)s", url});
    ASSERT_EQ(templated.exit_code, 0) << templated.output;
    const std::vector<std::string> numbered{"1 Season 2 (1).mp4", "2 Season 2 (2).mp4", "3 Season 2 (3).mp4"};
    ASSERT_EQ(files(), numbered) << templated.output;
    for (const auto& name : numbered) EXPECT_EQ(sha256_file_hex(dir / name), sha256_hex(bytes)) << name;
}

// Each request the server saw for `path`, as "METHOD status range body_bytes" lines.
std::string request_log(const testing::TestServer& server, const std::string& path) {
    std::string log;
    for (const auto& r : server.requests_for(path))
        log += r.method + " " + std::to_string(r.status) + " [" + r.range_header + "] " +
               std::to_string(r.body_bytes_sent) + "\n";
    return log;
}

// Listing formats (-F) asks the server for the page once, not once to tell a page from a file and
// again for its HTML: the extractors read the first answer. A download reads the page once too
// (the native chain shares one fetch), after the plain-file request that met text/html and ended
// at the response head; that request's body cannot be handed over yet (transfer::FileDownload
// keeps nothing of an answer it hands off), so the server sees two.
TEST_F(ExtractDownloadTest, AFormatListAsksForThePageOnceAndADownloadReadsItOnce) {
    clip();
    page("/watch/once",
         "<!doctype html><html><head><title>Once</title></head><body>"
         "<video controls><source src=\"/media/clip.mp4\" type=\"video/mp4\"></video></body></html>");
    const auto listed = arina({"-F", server.url("/watch/once")});
    ASSERT_EQ(listed.exit_code, 0) << listed.output;
    EXPECT_EQ(server.requests_for("/watch/once").size(), 1u) << request_log(server, "/watch/once");
    EXPECT_TRUE(server.requests_for("/media/clip.mp4").empty()) << request_log(server, "/media/clip.mp4");

    const auto r = arina({server.url("/watch/once")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Once [once].mp4"})) << r.output;
    const auto seen = server.requests_for("/watch/once");
    ASSERT_EQ(seen.size(), 3u) << request_log(server, "/watch/once");  // -F's one, then the download's two
    for (const auto& request : seen) EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(seen[0].range_header, "");  // -F: the page, whole
    EXPECT_TRUE(seen[1].range_header.starts_with("bytes=0-"))
        << seen[1].range_header;          // a file's first range
    EXPECT_EQ(seen[2].range_header, "");  // the chain: the page, whole
}

TEST_F(ExtractDownloadTest, APagePointingAtAPlaylistIsDownloadedAsAStream) {
    ASSERT_TRUE(media_fx::hls_master_with_audio(dir / "www/hls"));
    server.serve_directory("/hls", dir / "www/hls");
    page("/show/episode-7",
         "<html><head><meta property=\"og:title\" content=\"Episode 7\">"
         "<meta property=\"og:video\" content=\"/hls/master.m3u8\"></head><body></body></html>");
    const auto r = arina({server.url("/show/episode-7")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Episode 7 [episode-7].mp4"})) << r.output;
    const auto s = media_fx::summarize(dir / "Episode 7 [episode-7].mp4");
    EXPECT_NEAR(s.duration, media_fx::kClipSeconds, 0.5);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
}

// A DASH text AdaptationSet (text/vtt, one whole file): listed by -F and saved as NAME.LANG.vtt,
// byte for byte, with --write-subs.
TEST_F(ExtractDownloadTest, DashWebVttAdaptationSetIsListedAndSaved) {
    const fs::path dash = dir / "www/dash";
    ASSERT_TRUE(media_fx::dash_template(dash, false));
    std::string mpd = read_file(dash / "manifest.mpd");
    const auto period_end = mpd.rfind("</Period>");
    ASSERT_NE(period_end, std::string::npos) << mpd;
    mpd.insert(period_end,
               "<AdaptationSet contentType=\"text\" mimeType=\"text/vtt\" lang=\"fr\">"
               "<Representation id=\"sub-fr\" bandwidth=\"256\"><BaseURL>subs/fr.vtt</BaseURL>"
               "</Representation></AdaptationSet>\n");
    write_file(dash / "manifest.mpd", mpd);
    const std::string vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nBonsoir\n";
    write_file(dash / "subs/fr.vtt", vtt);
    server.serve_directory("/dash", dash);
    page("/show/soir-3",
         "<html><head><meta property=\"og:title\" content=\"Soir\">"
         "<meta property=\"og:video\" content=\"/dash/manifest.mpd\"></head><body></body></html>");

    const auto listed = arina({"-F", server.url("/show/soir-3")});
    ASSERT_EQ(listed.exit_code, 0) << listed.output;
    EXPECT_THAT(listed.output, ::testing::HasSubstr("\nsubtitles: fr (vtt)\n")) << listed.output;

    const auto r = arina({"--write-subs", "--sub-langs", "fr", server.url("/show/soir-3")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Soir [soir-3].fr.vtt", "Soir [soir-3].mp4"})) << r.output;
    EXPECT_EQ(sha256_file_hex(dir / "Soir [soir-3].fr.vtt"), sha256_hex(vtt));
    const auto s = media_fx::summarize(dir / "Soir [soir-3].mp4");
    EXPECT_NEAR(s.duration, media_fx::kClipSeconds, 0.5);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
}

TEST_F(ExtractDownloadTest, AHostileTitleStaysOneNameInsideTheOutputDirectory) {
    const std::string bytes = clip();
    page("/v/1",
         "<html><head><title>../../etc/passwd\n-rf CON</title></head>"
         "<body><video src=\"/media/clip.mp4\"></video></body></html>");
    const auto r = arina({server.url("/v/1")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto names = files();
    ASSERT_EQ(names.size(), 1u) << r.output;
    EXPECT_EQ(names.front().find('/'), std::string::npos);
    EXPECT_NE(names.front().front(), '-');
    EXPECT_NE(names.front().front(), '.');
    EXPECT_TRUE(names.front().ends_with(" [1].mp4")) << names.front();
    EXPECT_EQ(sha256_file_hex(dir / names.front()), sha256_hex(bytes));
}

TEST_F(ExtractDownloadTest, AnExplicitNameWinsOverTheTemplateAndATemplateNameIsRendered) {
    const std::string bytes = clip();
    page("/watch/a",
         "<html><head><title>Alpha</title></head><body><video src=\"/media/clip.mp4\"></video>"
         "</body></html>");
    const auto named = arina({"-o", "mine.mp4", server.url("/watch/a")});
    ASSERT_EQ(named.exit_code, 0) << named.output;
    EXPECT_EQ(sha256_file_hex(dir / "mine.mp4"), sha256_hex(bytes));
    const auto templated = arina({"-o", "%(id)s-%(title)s.%(ext)s", server.url("/watch/a")});
    ASSERT_EQ(templated.exit_code, 0) << templated.output;
    EXPECT_EQ(sha256_file_hex(dir / "a-Alpha.mp4"), sha256_hex(bytes));
}

TEST_F(ExtractDownloadTest, SubtitlesOfThePageAreWrittenAndEmbeddedIntoAWholeFile) {
    clip();
    server.serve_bytes("/subs/en.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nHello there\n",
                       {.content_type = "text/vtt"});
    page("/watch/talk",
         "<html><head><title>Talk</title></head><body><video src=\"/media/clip.mp4\">"
         "<track kind=\"subtitles\" src=\"/subs/en.vtt\" srclang=\"en\" label=\"English\">"
         "</video></body></html>");
    const auto r = arina({"--write-subs", "--embed-subs", "--sub-langs", "en", server.url("/watch/talk")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Talk [talk].en.vtt", "Talk [talk].mp4"})) << r.output;
    EXPECT_EQ(read_file(dir / "Talk [talk].en.vtt"), "WEBVTT\n\n00:00.000 --> 00:01.000\nHello there\n");
    // The whole file was remuxed once, with a mov_text track in English next to its video and audio.
    const auto probe = run_program({media_fx::find_program("ffprobe"), "-v", "error", "-show_entries",
                                    "stream=codec_type,codec_name:stream_tags=language", "-of", "csv=p=0",
                                    (dir / "Talk [talk].mp4").string()});
    EXPECT_NE(probe.output.find("mov_text,subtitle,eng"), std::string::npos) << probe.output;
    const auto s = media_fx::summarize(dir / "Talk [talk].mp4");
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    EXPECT_NEAR(s.duration, 2, 0.2);

    // Embedded only: the subtitle file is not left behind.
    fs::remove(dir / "Talk [talk].mp4");
    fs::remove(dir / "Talk [talk].en.vtt");
    const auto embedded = arina({"--embed-subs", server.url("/watch/talk")});
    ASSERT_EQ(embedded.exit_code, 0) << embedded.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Talk [talk].mp4"})) << embedded.output;
}

TEST_F(ExtractDownloadTest, APageOfferingNothingEndsAsUnsupportedWithoutAFile) {
    page("/empty", "<html><head><title>Nothing</title></head><body><p>no video</p></body></html>");
    const auto r = arina({"--yt-dlp", "/nonexistent/yt-dlp", server.url("/empty")});
    EXPECT_EQ(r.exit_code, 13) << r.output;  // yt-dlp was the last resort, and it is missing
    EXPECT_NE(r.output.find("/nonexistent/yt-dlp"), std::string::npos) << r.output;
    EXPECT_TRUE(files().empty()) << r.output;
}

TEST_F(ExtractDownloadTest, AnErrorPageEndsWithTheStatusAndNoFile) {
    server.serve_bytes("/gone", "<html><title>Not here</title></html>",
                       {.error_status = 404, .content_type = "text/html"});
    const auto r = arina({server.url("/gone")});
    EXPECT_EQ(r.exit_code, 5) << r.output;
    EXPECT_TRUE(files().empty()) << r.output;
}

}  // namespace
}  // namespace arina::test
