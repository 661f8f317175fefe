// ManifestExtractor: HLS and DASH by URL, Content-Type and first bytes; errors that end the chain.

#include <gtest/gtest.h>

#include "extract/manifest_extractor.hpp"
#include "extract_fake_fetcher.hpp"
#include "media/limits.hpp"

namespace arina::extract {
namespace {

constexpr const char* kMaster =
    "#EXTM3U\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS=\"avc1.64001f,mp4a.40.2\"\n"
    "720/index.m3u8\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS=\"avc1.4d401e,mp4a.40.2\"\n"
    "360/index.m3u8\n";

constexpr const char* kMpd = R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- packaged by an encoder that writes a long comment before the root element -->
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT8S" minBufferTime="PT2S">
  <Period>
    <AdaptationSet mimeType="video/mp4" codecs="avc1.64001f">
      <SegmentTemplate timescale="1000" duration="4000" initialization="$RepresentationID$/init.mp4"
                       media="$RepresentationID$/$Number$.m4s" startNumber="1"/>
      <Representation id="v720" bandwidth="2000000" width="1280" height="720"/>
    </AdaptationSet>
  </Period>
</MPD>
)";

struct ManifestRun {
    test::FakeFetcher fetcher;
    CancelFlag cancel{false};
    ExtractResult operator()(const ExtractRequest& request) {
        ManifestExtractor extractor;
        return extractor.extract(request, fetcher, cancel);
    }
};

// By value: the result is usually a temporary.
Extraction ok(const ExtractResult& result) {
    if (const auto* error = std::get_if<Error>(&result)) {
        ADD_FAILURE() << error->message;
        return {};
    }
    return std::get<Extraction>(result);
}

TEST(ExtractManifest, HlsMasterByExtensionAfterRedirect) {
    ManifestRun run;
    run.fetcher.redirect("https://site.example/v/42/master.m3u8", "https://cdn.example/hls/42/master.m3u8");
    run.fetcher.serve("https://cdn.example/hls/42/master.m3u8", "application/vnd.apple.mpegurl", kMaster);
    const Extraction x = ok(run({.url = "https://site.example/v/42/master.m3u8"}));
    EXPECT_EQ(x.kind, ExtractorKind::Manifest);
    EXPECT_EQ(x.presentation.kind, media::ManifestKind::Hls);
    EXPECT_TRUE(x.presentation.is_master);
    ASSERT_EQ(x.presentation.streams.size(), 2U);
    // Relative variant URLs resolve against the URL after redirects.
    EXPECT_EQ(x.presentation.streams[0].playlist_url, "https://cdn.example/hls/42/720/index.m3u8");
    EXPECT_EQ(x.presentation.streams[1].height, 360);
    EXPECT_EQ(x.manifest_url, "https://cdn.example/hls/42/master.m3u8");
    EXPECT_EQ(x.info.webpage_url, "https://site.example/v/42/master.m3u8");
    EXPECT_EQ(x.info.id, "master");
    EXPECT_EQ(x.info.extractor, "manifest");
    ASSERT_EQ(run.fetcher.calls.size(), 1U);
    EXPECT_EQ(run.fetcher.calls[0].method, "GET");
    EXPECT_EQ(run.fetcher.calls[0].max_bytes, media::kMaxManifestBytes);
}

TEST(ExtractManifest, DashByExtension) {
    ManifestRun run;
    run.fetcher.serve("https://cdn.example/dash/show.mpd", "application/dash+xml", kMpd);
    const Extraction x = ok(run({.url = "https://cdn.example/dash/show.mpd"}));
    EXPECT_EQ(x.presentation.kind, media::ManifestKind::Dash);
    ASSERT_EQ(x.presentation.streams.size(), 1U);
    ASSERT_EQ(x.presentation.streams[0].fragments.size(), 2U);
    EXPECT_EQ(x.presentation.streams[0].fragments[1].url, "https://cdn.example/dash/v720/2.m4s");
    EXPECT_EQ(x.info.duration, 8.0);
    EXPECT_EQ(x.info.id, "show");
}

TEST(ExtractManifest, FirstAnswerByContentTypeNeedsNoRequest) {
    ManifestRun run;
    Page answer;
    answer.status = 200;
    answer.effective_url = "https://cdn.example/live/stream";
    answer.content_type = "application/x-mpegurl";
    answer.body = kMaster;
    const Extraction x = ok(run({.url = "https://site.example/live", .first_answer = answer}));
    EXPECT_TRUE(run.fetcher.calls.empty());
    EXPECT_EQ(x.manifest_url, "https://cdn.example/live/stream");
    EXPECT_EQ(x.presentation.streams[0].playlist_url, "https://cdn.example/live/720/index.m3u8");
    EXPECT_EQ(x.info.id, "stream");
}

TEST(ExtractManifest, FirstAnswerSniffedAfterBomAndWhitespace) {
    ManifestRun run;
    Page answer;
    answer.status = 200;
    answer.content_type = "text/plain";
    answer.body = std::string("\xEF\xBB\xBF \r\n") + kMaster;
    const Extraction hls = ok(run({.url = "https://site.example/play?id=9", .first_answer = answer}));
    EXPECT_EQ(hls.presentation.kind, media::ManifestKind::Hls);

    answer.content_type = "application/xml";
    answer.body = kMpd;
    const Extraction dash = ok(run({.url = "https://site.example/play?id=9&f=dash", .first_answer = answer}));
    EXPECT_EQ(dash.presentation.kind, media::ManifestKind::Dash);
    EXPECT_EQ(dash.presentation.streams[0].fragments[0].url, "https://site.example/v720/1.m4s");
    EXPECT_TRUE(run.fetcher.calls.empty());
}

TEST(ExtractManifest, TruncatedFirstAnswerIsFetchedWhole) {
    ManifestRun run;
    run.fetcher.serve("https://site.example/p/master", "application/vnd.apple.mpegurl", kMaster);
    Page answer;
    answer.status = 200;
    answer.content_type = "application/vnd.apple.mpegurl";
    answer.body = std::string(kMaster).substr(0, 20);
    answer.truncated = true;
    const Extraction x = ok(run({.url = "https://site.example/p/master", .first_answer = answer}));
    EXPECT_EQ(x.presentation.streams.size(), 2U);
    ASSERT_EQ(run.fetcher.calls.size(), 1U);
    EXPECT_EQ(run.fetcher.calls[0].url, "https://site.example/p/master");
}

TEST(ExtractManifest, MalformedManifestIsBadManifestNamingTheUrl) {
    ManifestRun run;
    run.fetcher.serve("https://cdn.example/bad.m3u8", "application/vnd.apple.mpegurl",
                      "#EXTM3U\n#EXTINF:ten,\nseg0.ts\n");
    const Error error = std::get<Error>(run({.url = "https://cdn.example/bad.m3u8"}));
    EXPECT_EQ(error.reason, FailReason::BadManifest);
    EXPECT_TRUE(error.message.starts_with("https://cdn.example/bad.m3u8: HLS playlist line 2"))
        << error.message;

    // A page served for a .m3u8 name is not a manifest either.
    run.fetcher.serve("https://cdn.example/login.m3u8", "text/html",
                      "<html><body>Please log in</body></html>");
    EXPECT_EQ(std::get<Error>(run({.url = "https://cdn.example/login.m3u8"})).reason,
              FailReason::BadManifest);
}

TEST(ExtractManifest, OversizedManifestIsRefused) {
    ManifestRun run;
    run.fetcher.serve("https://cdn.example/huge.m3u8", "application/vnd.apple.mpegurl",
                      "#EXTM3U\n" + std::string(media::kMaxManifestBytes, '#'));
    const Error error = std::get<Error>(run({.url = "https://cdn.example/huge.m3u8"}));
    EXPECT_EQ(error.reason, FailReason::BadManifest);
    EXPECT_EQ(error.message, "https://cdn.example/huge.m3u8: manifest larger than 16 MiB");
}

TEST(ExtractManifest, HttpErrorEndsTheChain) {
    ManifestRun run;
    run.fetcher.fail("https://cdn.example/gone.mpd", 410);
    const Error error = std::get<Error>(run({.url = "https://cdn.example/gone.mpd"}));
    EXPECT_EQ(error.reason, FailReason::Http);
    EXPECT_EQ(error.message, "https://cdn.example/gone.mpd: server answered HTTP 410");
}

TEST(ExtractManifest, OtherUrlsAreUnsupportedWithoutARequest) {
    ManifestRun run;
    EXPECT_EQ(std::get<Error>(run({.url = "https://site.example/watch?v=1"})).reason,
              FailReason::Unsupported);
    EXPECT_EQ(std::get<Error>(run({.url = "https://site.example/a.mp4"})).reason, FailReason::Unsupported);
    Page page;
    page.status = 200;
    page.content_type = "text/html";
    page.body = "<html><video src=a.mp4></video></html>";
    EXPECT_EQ(std::get<Error>(run({.url = "https://site.example/x.m3u8", .first_answer = page})).reason,
              FailReason::Unsupported);
    EXPECT_TRUE(run.fetcher.calls.empty());
}

TEST(ExtractManifest, CancelledBeforeFetching) {
    ManifestRun run;
    run.fetcher.serve("https://cdn.example/a.m3u8", "application/vnd.apple.mpegurl", kMaster);
    run.cancel = true;
    const Error error = std::get<Error>(run({.url = "https://cdn.example/a.m3u8"}));
    EXPECT_EQ(error.reason, FailReason::Cancelled);
    EXPECT_TRUE(run.fetcher.calls.empty());
}

}  // namespace
}  // namespace arina::extract
