// HtmlPageExtractor and the default chain on pages: streams from <source> tags, manifests named on
// the page, answers that are not pages, errors that end the chain.

#include <gtest/gtest.h>

#include "extract/html_page_extractor.hpp"
#include "extract_fake_fetcher.hpp"
#include "media/limits.hpp"

namespace arina::extract {
namespace {

using test::read_page_fixture;

constexpr const char* kMaster =
    "#EXTM3U\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720\n"
    "720/index.m3u8\n";

constexpr const char* kMpd =
    R"(<MPD type="static" mediaPresentationDuration="PT4S"><Period><AdaptationSet mimeType="video/mp4">)"
    R"(<SegmentTemplate timescale="1" duration="4" media="$Number$.m4s" startNumber="1"/>)"
    R"(<Representation id="v" bandwidth="1000"/></AdaptationSet></Period></MPD>)";

struct PageRun {
    test::FakeFetcher fetcher;
    CancelFlag cancel{false};
    ExtractResult operator()(const ExtractRequest& request) {
        HtmlPageExtractor extractor;
        return extractor.extract(request, fetcher, cancel);
    }
};

Extraction ok(const ExtractResult& result) {
    if (const auto* error = std::get_if<Error>(&result)) {
        ADD_FAILURE() << error->message;
        return {};
    }
    return std::get<Extraction>(result);
}

TEST(ExtractHtmlPage, SourceTagsBecomeFileStreams) {
    PageRun run;
    const std::string url = "https://news.example/2024/03/flood-defences.html";
    run.fetcher.serve(url, "text/html", read_page_fixture("news_article.html"));
    const Extraction x = ok(run({.url = url}));
    EXPECT_EQ(x.kind, ExtractorKind::HtmlPage);
    EXPECT_EQ(x.info.id, "flood-defences");
    EXPECT_EQ(x.info.title, "Flood defences hold as river peaks");
    EXPECT_EQ(x.info.extractor, "html");
    EXPECT_EQ(x.info.webpage_url, url);
    EXPECT_EQ(x.info.thumbnail_url, "https://news.example/images/2024/flood-barrier.jpg");
    EXPECT_EQ(x.info.description, "Barriers built after 2019 kept the town centre dry overnight.");
    EXPECT_TRUE(x.manifest_url.empty());
    EXPECT_TRUE(x.warnings.empty());
    ASSERT_EQ(x.presentation.streams.size(), 2U);
    EXPECT_EQ(x.presentation.streams[0].id, "html-1");
    EXPECT_EQ(x.presentation.streams[0].height, 720);
    EXPECT_EQ(x.presentation.streams[0].type, media::StreamType::Muxed);
    EXPECT_EQ(x.presentation.streams[1].id, "html-2");
    EXPECT_EQ(x.presentation.streams[1].height, 360);
    const StreamExtras& first = x.extras.at("html-1");
    EXPECT_EQ(first.file_url, "https://news.example/2024/03/media/flood-barrier-720.mp4");
    EXPECT_EQ(first.ext, "mp4");
    EXPECT_EQ(first.protocol, "https");
    EXPECT_EQ(first.format_note, "HD");
    const StreamExtras& second = x.extras.at("html-2");
    EXPECT_EQ(second.file_url, "https://news.example/2024/03/media/flood-barrier-360.webm");
    EXPECT_EQ(second.ext, "webm");
    EXPECT_EQ(second.format_note, "360p");
    ASSERT_EQ(x.subtitles.size(), 2U);
    EXPECT_EQ(x.subtitles[0].language, "en");
    ASSERT_EQ(run.fetcher.calls.size(), 1U);
    EXPECT_EQ(run.fetcher.calls[0].max_bytes, kMaxPageBytes);
}

TEST(ExtractHtmlPage, SeveralVideoElementsAreAPlaylistOfTheirBestQualities) {
    PageRun run;
    const std::string url = "https://shows.example/season-2/";
    run.fetcher.serve(url, "text/html",
                      "<!doctype html><html><head><title>Season 2</title>"
                      // The og:video repeats the first video: the same media, not a third entry.
                      R"(<meta property="og:video" content="/media/ep1-720.mp4"></head><body>)"
                      R"(<h2>One</h2><video><source src="/media/ep1-360.mp4" res="360">)"
                      R"(<source src="/media/ep1-720.mp4" res="720"></video>)"
                      R"(<h2>Two</h2><video src="/media/ep2.webm"></video>)"
                      R"(<h2>Empty</h2><video></video>)"
                      R"(<h2>Three</h2><audio src="/media/ep3.mp3"></audio></body></html>)");
    const Extraction x = ok(run({.url = url}));
    ASSERT_TRUE(x.is_playlist());
    EXPECT_EQ(x.playlist_title, "Season 2");
    EXPECT_TRUE(x.presentation.streams.empty());
    ASSERT_EQ(x.entries.size(), 3U);
    EXPECT_EQ(x.entries[0].url, "https://shows.example/media/ep1-720.mp4");  // the best of its sources
    EXPECT_EQ(x.entries[0].id, "season-2-1");
    EXPECT_EQ(x.entries[0].title, "Season 2 (1)");
    EXPECT_EQ(x.entries[0].index, 1);
    EXPECT_EQ(x.entries[0].ext, "mp4");  // a media file itself: named from its title and id
    EXPECT_EQ(x.entries[1].url, "https://shows.example/media/ep2.webm");
    EXPECT_EQ(x.entries[1].ext, "webm");
    EXPECT_EQ(x.entries[2].url, "https://shows.example/media/ep3.mp3");
    EXPECT_EQ(x.entries[2].id, "season-2-3");
    EXPECT_EQ(x.entries[2].title, "Season 2 (3)");
    EXPECT_EQ(x.entries[2].ext, "mp3");
    EXPECT_EQ(x.entries[2].index, 3);
}

TEST(ExtractHtmlPage, OneVideoElementWithAnotherFileNamedElsewhereIsOneMedia) {
    PageRun run;
    const std::string url = "https://news.example/story";
    run.fetcher.serve(url, "text/html",
                      R"(<html><head><meta property="og:video" content="/media/teaser.mp4"></head>)"
                      R"(<body><video src="/media/story.mp4"></video></body></html>)");
    const Extraction x = ok(run({.url = url}));
    EXPECT_FALSE(x.is_playlist());
    EXPECT_EQ(x.presentation.streams.size(), 2U);  // formats of one media, as before
}

TEST(ExtractHtmlPage, FirstManifestOnThePageIsTheFormats) {
    PageRun run;
    const std::string url = "https://www.citycouncil.example/meetings/0314";
    const std::string hls =
        "https://cdn.citycouncil.example/live/meeting-0314/master.m3u8?token=a1b2&exp=1710400000";
    run.fetcher.serve(url, "text/html", read_page_fixture("player_config.html"));
    run.fetcher.serve(hls, "application/vnd.apple.mpegurl", kMaster);
    const Extraction x = ok(run({.url = url}));
    EXPECT_EQ(x.kind, ExtractorKind::HtmlPage);
    EXPECT_EQ(x.manifest_url, hls);
    EXPECT_TRUE(x.presentation.is_master);
    ASSERT_EQ(x.presentation.streams.size(), 1U);
    EXPECT_EQ(x.presentation.streams[0].playlist_url,
              "https://cdn.citycouncil.example/live/meeting-0314/720/index.m3u8");
    EXPECT_TRUE(x.extras.empty());
    EXPECT_EQ(x.info.title, "Live: council meeting, 14 March");
    EXPECT_EQ(x.info.id, "0314");
    ASSERT_EQ(run.fetcher.calls.size(), 2U);
    EXPECT_EQ(run.fetcher.calls[1].url, hls);
    EXPECT_EQ(run.fetcher.calls[1].max_bytes, media::kMaxManifestBytes);
}

TEST(ExtractHtmlPage, FailedManifestFallsToTheNextOneWithAWarning) {
    PageRun run;
    const std::string url = "https://www.citycouncil.example/meetings/0314";
    run.fetcher.serve(url, "text/html", read_page_fixture("player_config.html"));
    // The HLS URL is not served (404); the MPD is.
    run.fetcher.serve("https://cdn.citycouncil.example/live/meeting-0314/manifest.mpd",
                      "application/dash+xml", kMpd);
    const Extraction x = ok(run({.url = url}));
    EXPECT_EQ(x.presentation.kind, media::ManifestKind::Dash);
    EXPECT_EQ(x.manifest_url, "https://cdn.citycouncil.example/live/meeting-0314/manifest.mpd");
    EXPECT_EQ(x.info.duration, 4.0);
    ASSERT_EQ(x.warnings.size(), 1U);
    EXPECT_EQ(x.warnings[0],
              "manifest named on the page failed: https://cdn.citycouncil.example/live/meeting-0314/"
              "master.m3u8?token=a1b2&exp=1710400000: server answered HTTP 404");
}

TEST(ExtractHtmlPage, FilesWhenEveryManifestFails) {
    PageRun run;
    const std::string url = "https://www.citycouncil.example/meetings/0314";
    run.fetcher.serve(url, "text/html", read_page_fixture("player_config.html"));
    run.fetcher.serve("https://cdn.citycouncil.example/live/meeting-0314/manifest.mpd", "text/html",
                      "<html>");
    const Extraction x = ok(run({.url = url}));
    ASSERT_EQ(x.presentation.streams.size(), 1U);
    EXPECT_EQ(x.extras.at("html-1").file_url,
              "https://stream.citycouncil.example/archive/meeting-0314-720p.mp4");
    EXPECT_EQ(x.warnings.size(), 2U);
    EXPECT_TRUE(x.manifest_url.empty());
}

TEST(ExtractHtmlPage, OnlyFailingManifestsIsTheFirstError) {
    PageRun run;
    run.fetcher.serve("https://h.example/live", "text/html", "<video src='/gone.m3u8'></video>");
    const Error error = std::get<Error>(run({.url = "https://h.example/live"}));
    EXPECT_EQ(error.reason, FailReason::Http);
    EXPECT_EQ(error.message, "https://h.example/gone.m3u8: server answered HTTP 404");
}

TEST(ExtractHtmlPage, JsonLdPageInfo) {
    PageRun run;
    const std::string url = "https://coastline.example/videos/lighthouse-keeper/";
    run.fetcher.serve(url, "text/html; charset=utf-8", read_page_fixture("json_ld_graph.html"));
    const Extraction x = ok(run({.url = url}));
    EXPECT_EQ(x.info.id, "lighthouse-keeper");
    EXPECT_EQ(x.info.title, "The last lighthouse keeper");
    EXPECT_EQ(x.info.upload_date, "20240301");
    EXPECT_EQ(x.info.duration, 750.0);
    EXPECT_EQ(x.presentation.streams.at(0).height, 1080);
    EXPECT_EQ(x.extras.at("html-1").format_note, "1080p");
}

TEST(ExtractHtmlPage, PageWithoutMediaIsUnsupported) {
    PageRun run;
    run.fetcher.serve("https://photos.example/tips", "text/html", read_page_fixture("nothing.html"));
    const Error error = std::get<Error>(run({.url = "https://photos.example/tips"}));
    EXPECT_EQ(error.reason, FailReason::Unsupported);
    EXPECT_EQ(error.message, "no media named on page: https://photos.example/tips");
}

TEST(ExtractHtmlPage, FirstAnswerReusedUnlessCutOff) {
    PageRun run;
    Page answer;
    answer.status = 200;
    answer.effective_url = "https://h.example/a/page";
    answer.content_type = "text/html";
    answer.body = "<title>First</title><video src='v.mp4'></video>";
    const Extraction whole = ok(run({.url = "https://h.example/page", .first_answer = answer}));
    EXPECT_TRUE(run.fetcher.calls.empty());
    EXPECT_EQ(whole.extras.at("html-1").file_url, "https://h.example/a/v.mp4");
    EXPECT_EQ(whole.info.title, "First");

    answer.truncated = true;
    run.fetcher.serve("https://h.example/page", "text/html",
                      answer.body + "<video src='/more.webm'></video>");
    const Extraction refetched = ok(run({.url = "https://h.example/page", .first_answer = answer}));
    ASSERT_EQ(run.fetcher.calls.size(), 1U);
    EXPECT_EQ(refetched.entries.size(), 2U);  // the whole page has two videos: a playlist
}

TEST(ExtractHtmlPage, AnswersThatAreNotPages) {
    PageRun run;
    run.fetcher.serve("https://h.example/live", "application/octet-stream", kMaster);
    const Extraction manifest = ok(run({.url = "https://h.example/live"}));
    EXPECT_EQ(manifest.kind, ExtractorKind::Manifest);
    EXPECT_EQ(manifest.manifest_url, "https://h.example/live");

    run.fetcher.serve("https://h.example/file", "video/mp4", std::string(100, '\0'));
    const Extraction file = ok(run({.url = "https://h.example/file"}));
    EXPECT_EQ(file.kind, ExtractorKind::DirectMedia);
    EXPECT_EQ(file.extras.at("direct").file_url, "https://h.example/file");

    run.fetcher.serve("https://h.example/untyped", "", "<!DOCTYPE html><video src=/u.mp4></video>");
    EXPECT_EQ(ok(run({.url = "https://h.example/untyped"})).extras.at("html-1").file_url,
              "https://h.example/u.mp4");

    run.fetcher.serve("https://h.example/api", "application/json", R"({"video": "/v.mp4"})");
    const Error error = std::get<Error>(run({.url = "https://h.example/api"}));
    EXPECT_EQ(error.reason, FailReason::Unsupported);
    EXPECT_EQ(error.message, "not a web page (application/json): https://h.example/api");
}

TEST(ExtractHtmlPage, HttpErrorEndsTheChainWithTheStatus) {
    const auto chain = default_extractors(false);
    test::FakeFetcher fetcher;
    fetcher.fail("https://h.example/private", 403);
    CancelFlag cancel{false};
    const Error error =
        std::get<Error>(run_chain(chain, {.url = "https://h.example/private"}, fetcher, cancel));
    EXPECT_EQ(error.reason, FailReason::Http);
    EXPECT_EQ(error.message, "https://h.example/private: server answered HTTP 403");
}

TEST(ExtractHtmlPage, DefaultChainFetchesAPageOnce) {
    const auto chain = default_extractors(false);
    ASSERT_EQ(chain.size(), 3U);
    EXPECT_EQ(chain[2]->kind(), ExtractorKind::HtmlPage);
    test::FakeFetcher fetcher;
    fetcher.serve("https://www.clipshare.example/v/8842", "text/html", read_page_fixture("og_video.html"));
    CancelFlag cancel{false};
    const ExtractResult result =
        run_chain(chain, {.url = "https://www.clipshare.example/v/8842"}, fetcher, cancel);
    const Extraction x = ok(result);
    EXPECT_EQ(x.kind, ExtractorKind::HtmlPage);
    EXPECT_EQ(x.info.id, "8842");
    EXPECT_EQ(x.extras.at("html-1").file_url, "https://media.clipshare.example/v/8842/sunset-1080.mp4");
    EXPECT_EQ(x.extras.at("html-2").file_url, "https://media.clipshare.example/v/8842/sunset-480.mp4");
    EXPECT_EQ(fetcher.calls.size(), 1U);

    // A page naming nothing goes through the whole native chain to Unsupported (yt-dlp's turn).
    fetcher.serve("https://photos.example/tips", "text/html", read_page_fixture("nothing.html"));
    const Error error =
        std::get<Error>(run_chain(chain, {.url = "https://photos.example/tips"}, fetcher, cancel));
    EXPECT_EQ(error.reason, FailReason::Unsupported);
    EXPECT_EQ(error.message, "no media found at URL: https://photos.example/tips");
}

// Cancels while the page is being fetched, as a user pressing Ctrl-C would.
class CancellingFetcher : public test::FakeFetcher {
  public:
    explicit CancellingFetcher(CancelFlag& cancel) : cancel_(cancel) {}
    Page get(const std::string& url, std::size_t max_bytes) override {
        cancel_ = true;
        return FakeFetcher::get(url, max_bytes);
    }

  private:
    CancelFlag& cancel_;
};

TEST(ExtractHtmlPage, CancelDuringTheFetch) {
    CancelFlag cancel{false};
    CancellingFetcher fetcher(cancel);
    fetcher.serve("https://h.example/p", "text/html", "<video src=a.mp4>");
    HtmlPageExtractor extractor;
    const Error error = std::get<Error>(extractor.extract({.url = "https://h.example/p"}, fetcher, cancel));
    EXPECT_EQ(error.reason, FailReason::Cancelled);
    EXPECT_EQ(error.message, "extraction cancelled: https://h.example/p");
    EXPECT_EQ(fetcher.calls.size(), 1U);
}

TEST(ExtractHtmlPage, PageIdFallsBackToPage) {
    PageRun run;
    run.fetcher.serve("https://h.example/", "text/html", "<video src=a.mp4></video>");
    const Extraction x = ok(run({.url = "https://h.example/"}));
    EXPECT_EQ(x.info.id, "page");
    EXPECT_EQ(x.info.title, "page");
}

}  // namespace
}  // namespace arina::extract
