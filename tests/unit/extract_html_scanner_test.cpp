// The HTML scanner against pages shaped like real ones (tests/fixtures/pages) and hostile markup.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "extract/html_scanner.hpp"
#include "extract_fake_fetcher.hpp"

namespace arina::extract {
namespace {

using test::read_page_fixture;

TEST(ExtractHtmlScanner, NewsPageVideoSourcesAndTracks) {
    const PageScan scan =
        scan_html(read_page_fixture("news_article.html"), "https://news.example/2024/03/flood-defences.html");
    ASSERT_EQ(scan.candidates.size(), 2U);
    EXPECT_EQ(scan.candidates[0].url, "https://news.example/2024/03/media/flood-barrier-720.mp4");
    EXPECT_EQ(scan.candidates[0].format, CandidateFormat::File);
    EXPECT_EQ(scan.candidates[0].source, CandidateSource::SourceTag);
    EXPECT_EQ(scan.candidates[0].mime_type, "video/mp4");
    EXPECT_EQ(scan.candidates[0].height, 720);
    EXPECT_EQ(scan.candidates[0].label, "HD");
    EXPECT_FALSE(scan.candidates[0].audio_only);
    EXPECT_EQ(scan.candidates[1].url, "https://news.example/2024/03/media/flood-barrier-360.webm");
    EXPECT_EQ(scan.candidates[1].mime_type, "video/webm");
    EXPECT_EQ(scan.candidates[1].height, 360);

    // Captions and subtitles, not chapters.
    ASSERT_EQ(scan.subtitles.size(), 2U);
    EXPECT_EQ(scan.subtitles[0].url, "https://news.example/2024/03/media/flood-barrier.en.vtt");
    EXPECT_EQ(scan.subtitles[0].language, "en");
    EXPECT_EQ(scan.subtitles[0].name, "English");
    EXPECT_EQ(scan.subtitles[0].ext, "vtt");
    EXPECT_EQ(scan.subtitles[1].url, "https://news.example/2024/03/media/flood-barrier.cy.vtt");
    EXPECT_EQ(scan.subtitles[1].language, "cy");

    EXPECT_EQ(scan.title, "Flood defences hold as river peaks");
    EXPECT_EQ(scan.description, "Barriers built after 2019 kept the town centre dry overnight.");
    EXPECT_EQ(scan.thumbnail_url, "https://news.example/images/2024/flood-barrier.jpg");
    EXPECT_EQ(scan.upload_date, "");
    EXPECT_FALSE(scan.duration.has_value());
}

TEST(ExtractHtmlScanner, OpenGraphVideoPrefersSecureUrlAndSkipsEmbeds) {
    const PageScan scan =
        scan_html(read_page_fixture("og_video.html"), "https://www.clipshare.example/v/8842");
    ASSERT_EQ(scan.candidates.size(), 2U);
    EXPECT_EQ(scan.candidates[0].url, "https://media.clipshare.example/v/8842/sunset-1080.mp4");
    EXPECT_EQ(scan.candidates[0].source, CandidateSource::OpenGraph);
    EXPECT_EQ(scan.candidates[0].mime_type, "video/mp4");
    EXPECT_EQ(scan.candidates[0].height, 1080);
    EXPECT_EQ(scan.candidates[1].url, "https://media.clipshare.example/v/8842/sunset-480.mp4");
    EXPECT_EQ(scan.candidates[1].source, CandidateSource::TwitterStream);
    EXPECT_EQ(scan.title, "Sunset timelapse over the harbour");
    EXPECT_EQ(scan.thumbnail_url, "https://img.clipshare.example/t/8842/large.jpg");
}

TEST(ExtractHtmlScanner, BlankSecureUrlKeepsTheOpenGraphUrl) {
    // An empty secure_url must not resolve to the page itself.
    const PageScan scan = scan_html(
        "<meta property='og:video' content='/v/clip.mp4'><meta property='og:video:secure_url' content='  '>"
        "<meta property='og:video:type' content='video/mp4'>",
        "https://h.example/watch.html");
    ASSERT_EQ(scan.candidates.size(), 1U);
    EXPECT_EQ(scan.candidates[0].url, "https://h.example/v/clip.mp4");
}

TEST(ExtractHtmlScanner, JsonLdVideoObjectInGraph) {
    const PageScan scan = scan_html(read_page_fixture("json_ld_graph.html"),
                                    "https://coastline.example/videos/lighthouse-keeper/");
    ASSERT_EQ(scan.candidates.size(), 1U);
    EXPECT_EQ(scan.candidates[0].url, "https://coastline.example/files/lighthouse-keeper-1080p.mp4");
    EXPECT_EQ(scan.candidates[0].source, CandidateSource::JsonLd);
    EXPECT_EQ(scan.candidates[0].height, 1080);
    // No og:title: the VideoObject's name comes before <title>.
    EXPECT_EQ(scan.title, "The last lighthouse keeper");
    EXPECT_EQ(scan.description, "Forty years on a rock in the North Sea, told in his own words.");
    EXPECT_EQ(scan.upload_date, "20240301");
    ASSERT_TRUE(scan.duration.has_value());
    EXPECT_DOUBLE_EQ(*scan.duration, 750.0);
    EXPECT_EQ(scan.thumbnail_url, "https://coastline.example/thumbs/lighthouse-1280.jpg");
}

TEST(ExtractHtmlScanner, PlayerConfigInScriptWithEscapedSlashes) {
    const PageScan scan =
        scan_html(read_page_fixture("player_config.html"), "https://www.citycouncil.example/meetings/0314");
    ASSERT_EQ(scan.candidates.size(), 3U);
    // Manifests first, each group in page order; <base href> resolves the root-relative fallback.
    EXPECT_EQ(scan.candidates[0].url,
              "https://cdn.citycouncil.example/live/meeting-0314/master.m3u8?token=a1b2&exp=1710400000");
    EXPECT_EQ(scan.candidates[0].format, CandidateFormat::Hls);
    EXPECT_EQ(scan.candidates[0].source, CandidateSource::Script);
    EXPECT_EQ(scan.candidates[1].url, "https://cdn.citycouncil.example/live/meeting-0314/manifest.mpd");
    EXPECT_EQ(scan.candidates[1].format, CandidateFormat::Dash);
    EXPECT_EQ(scan.candidates[2].url, "https://stream.citycouncil.example/archive/meeting-0314-720p.mp4");
    EXPECT_EQ(scan.candidates[2].format, CandidateFormat::File);
    EXPECT_EQ(scan.title, "Live: council meeting, 14 March");
}

TEST(ExtractHtmlScanner, PageThatNamesNoMedia) {
    const PageScan scan = scan_html(read_page_fixture("nothing.html"), "https://photos.example/tips");
    // Links, iframes, blob: sources, embed types, text/html og:video and data: images are not media.
    EXPECT_TRUE(scan.candidates.empty());
    EXPECT_TRUE(scan.subtitles.empty());
    EXPECT_EQ(scan.thumbnail_url, "");
    EXPECT_EQ(scan.title, "Ten tips for better holiday photos");
}

TEST(ExtractHtmlScanner, HtmlTitleTrimmedAndCollapsed) {
    const PageScan scan = scan_html("<title>\n   Two\t\tspaces \n and  more   </title><video src=a.mp4>",
                                    "https://h.example/dir/page");
    EXPECT_EQ(scan.title, "Two spaces and more");
    ASSERT_EQ(scan.candidates.size(), 1U);
    EXPECT_EQ(scan.candidates[0].url, "https://h.example/dir/a.mp4");
}

TEST(ExtractHtmlScanner, AudioElementsAreAudioOnly) {
    const PageScan scan = scan_html(
        "<audio controls><source src='/ep/12.mp3' type='audio/mpeg'><source src='/ep/12.ogg'></audio>"
        "<video src='/ep/12-hls.m3u8'></video>",
        "https://podcast.example/episodes/12");
    ASSERT_EQ(scan.candidates.size(), 3U);
    EXPECT_EQ(scan.candidates[0].url, "https://podcast.example/ep/12-hls.m3u8");
    EXPECT_FALSE(scan.candidates[0].audio_only);
    EXPECT_EQ(scan.candidates[1].url, "https://podcast.example/ep/12.mp3");
    EXPECT_TRUE(scan.candidates[1].audio_only);
    EXPECT_TRUE(scan.candidates[2].audio_only);
}

TEST(ExtractHtmlScanner, SourceTypeDecidesTheFormat) {
    const PageScan scan = scan_html(
        "<video><source src='/play?id=7' type='application/x-mpegURL'>"
        "<source src='/dash?id=7' type='application/dash+xml'></video>",
        "https://h.example/");
    ASSERT_EQ(scan.candidates.size(), 2U);
    EXPECT_EQ(scan.candidates[0].format, CandidateFormat::Hls);
    EXPECT_EQ(scan.candidates[0].url, "https://h.example/play?id=7");
    EXPECT_EQ(scan.candidates[1].format, CandidateFormat::Dash);
}

TEST(ExtractHtmlScanner, HeightFromLabels) {
    const PageScan scan = scan_html(
        "<video>"
        "<source src='/a.mp4' label='1080p60'><source src='/b.mp4' title='1280x720'>"
        "<source src='/c.mp4' label='HD'><source src='/d.mp4' size='480'><source src='/e.mp4' label='4K'>"
        "</video>",
        "https://h.example/");
    ASSERT_EQ(scan.candidates.size(), 5U);
    EXPECT_EQ(scan.candidates[0].height, 1080);
    EXPECT_EQ(scan.candidates[1].height, 720);
    EXPECT_FALSE(scan.candidates[2].height.has_value());
    EXPECT_EQ(scan.candidates[3].height, 480);
    EXPECT_FALSE(scan.candidates[4].height.has_value());
}

TEST(ExtractHtmlScanner, DuplicatesKeptOnceInPageOrder) {
    const PageScan scan = scan_html(
        "<meta property='og:video' content='https://h.example/v.mp4'>"
        "<video src='/v.mp4'></video><video src='https://h.example/w.mp4'></video>"
        "<script>var a = {src: 'https:\\/\\/h.example\\/v.mp4'}</script>",
        "https://h.example/page");
    ASSERT_EQ(scan.candidates.size(), 2U);
    EXPECT_EQ(scan.candidates[0].url, "https://h.example/v.mp4");
    EXPECT_EQ(scan.candidates[0].source, CandidateSource::OpenGraph);
    EXPECT_EQ(scan.candidates[1].url, "https://h.example/w.mp4");
}

TEST(ExtractHtmlScanner, CandidatesAreCappedAndManifestsKept) {
    std::string html = "<video>";
    for (int i = 0; i < 200; ++i) html += "<source src='/q" + std::to_string(i) + ".mp4'>";
    html += "</video><script>var hls = '/live/late.m3u8';</script>";
    const PageScan scan = scan_html(html, "https://h.example/");
    ASSERT_EQ(scan.candidates.size(), kMaxCandidates);
    EXPECT_EQ(scan.candidates[0].url, "https://h.example/live/late.m3u8");
    EXPECT_EQ(scan.candidates[1].url, "https://h.example/q0.mp4");
}

TEST(ExtractHtmlScanner, HostileUnclosedMarkup) {
    const PageScan scan = scan_html(read_page_fixture("hostile_unclosed.html"), "https://h.example/p/");
    std::vector<std::string> urls;
    for (const auto& candidate : scan.candidates) urls.push_back(candidate.url);
    // What an HTML5 parser makes of it: the <source> type runs to the next quote (its line break is
    // dropped with the other white space); the "x>..." href swallows three.webm; the unclosed
    // four.mp4 tag reads the comment and its src="/v/commented.mp4" as attributes (the first src
    // wins); that <a> is foster-parented before the table, and the <video> and the <script> after
    // it go inside the <a>, so they come first in the tree; the script never ends, its
    // unterminated five.mp4 string stops at the line break and '/v/six.mpd' on the next line is
    // read. Manifests first, then files, each in tree order.
    const std::vector<std::string> expected{"https://h.example/v/six.mpd", "https://h.example/v/two.m3u8",
                                            "https://h.example/v/four.mp4", "https://h.example/v/one.mp4"};
    EXPECT_EQ(urls, expected);
    EXPECT_EQ(scan.title, "Unclosed & broken");
    ASSERT_EQ(scan.subtitles.size(), 1U);
    EXPECT_EQ(scan.subtitles[0].url, "https://h.example/subs/en.srt");
    EXPECT_EQ(scan.subtitles[0].ext, "srt");
}

TEST(ExtractHtmlScanner, TenThousandNestedDivs) {
    std::string html = "<title>deep</title>";
    for (int i = 0; i < 10000; ++i) html += "<div>";
    html += "<video src='/deep.mp4'></video>";
    const auto start = std::chrono::steady_clock::now();
    const PageScan scan = scan_html(html, "https://h.example/");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(scan.candidates.size(), 1U);
    EXPECT_EQ(scan.candidates[0].url, "https://h.example/deep.mp4");
    EXPECT_EQ(scan.title, "deep");
    EXPECT_LT(seconds, 5.0);
}

TEST(ExtractHtmlScanner, HugeAttributesAreBounded) {
    const std::string huge(2 * 1024 * 1024, 'A');
    std::string html = "<meta property='og:title' content='" + huge + "'>";
    html +=
        "<video src='/ok.mp4' title='" + huge + "'><source src='https://h.example/" + huge + ".mp4'></video>";
    const PageScan scan = scan_html(html, "https://h.example/");
    ASSERT_EQ(scan.candidates.size(), 1U);  // a 2 MiB URL is not kept
    EXPECT_EQ(scan.candidates[0].url, "https://h.example/ok.mp4");
    EXPECT_EQ(scan.title, std::string(1024, 'A'));
}

TEST(ExtractHtmlScanner, TitleCutOnUtf8Boundary) {
    std::string title;
    for (int i = 0; i < 400; ++i) title += "\xC3\xA9";  // é, two bytes: 800 bytes
    title = "x" + title + title;                        // 1601 bytes: byte 1024 is inside an é
    const PageScan scan = scan_html("<title>" + title + "</title>", "https://h.example/");
    EXPECT_EQ(scan.title.size(), 1023U);
    EXPECT_EQ(scan.title, title.substr(0, 1023));
}

TEST(ExtractHtmlScanner, EmptyAndBinaryInput) {
    EXPECT_TRUE(scan_html("", "https://h.example/").candidates.empty());
    const std::string binary("\x00\xFF\xFE<video src=\x00/a.mp4>\x00", 22);
    const PageScan scan = scan_html(binary, "https://h.example/");
    EXPECT_LE(scan.candidates.size(), 1U);
}

}  // namespace
}  // namespace arina::extract
