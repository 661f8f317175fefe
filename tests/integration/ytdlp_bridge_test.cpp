// The yt-dlp bridge with the REAL yt-dlp (Debian's /usr/bin/yt-dlp) against pages on the loopback
// test server: its generic extractor works offline. Checks the mapping of what it really prints,
// that yt-dlp only extracts (the media file is never requested), and that its real error lines
// are told apart. Skipped, saying why, when /usr/bin/yt-dlp is not installed.

#include <gtest/gtest.h>

#include <filesystem>

#include "extract/ytdlp_extractor.hpp"
#include "server/test_server.hpp"
#include "support/test_support.hpp"

namespace arina::extract {
namespace {

constexpr const char* kRealYtDlp = "/usr/bin/yt-dlp";

class NoFetcher final : public PageFetcher {
  public:
    Page get(const std::string&, std::size_t) override { return {}; }
    Page head(const std::string&) override { return {}; }
};

class YtDlpBridge : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!std::filesystem::exists(kRealYtDlp))
            GTEST_SKIP() << kRealYtDlp << " is not installed (scripts/setup installs it)";
        testing::Faults html;
        html.content_type = "text/html; charset=utf-8";
        server.serve_bytes("/watch/page.html",
                           "<!DOCTYPE html><html><head><title>Loopback clip</title></head><body>"
                           "<video src=\"clip.mp4\" controls></video></body></html>",
                           html);
        server.serve_bytes("/watch/clip.mp4", test::random_bytes(100000));
        server.serve_bytes("/watch/two.html",
                           "<html><head><title>Two clips</title></head><body><video src=\"clip.mp4\"></video>"
                           "<video src=\"clip2.mp4\"></video></body></html>",
                           html);
        server.serve_bytes("/plain.html",
                           "<html><head><title>No media here</title></head><body>text</body></html>", html);
    }

    ExtractResult extract(const std::string& url) {
        ExtractRequest request;
        request.url = url;
        request.ytdlp_path = kRealYtDlp;
        request.ytdlp_timeout_seconds = 60;
        NoFetcher fetcher;
        CancelFlag cancel{false};
        return make_ytdlp_extractor()->extract(request, fetcher, cancel);
    }

    testing::TestServer server;
};

TEST_F(YtDlpBridge, RealYtDlpFindsTheVideoOnALoopbackPage) {
    const std::string page = server.url("/watch/page.html");
    const auto result = extract(page);
    ASSERT_TRUE(std::holds_alternative<Extraction>(result)) << std::get<Error>(result).message;
    const auto& e = std::get<Extraction>(result);
    EXPECT_EQ(e.kind, ExtractorKind::YtDlp);
    // yt-dlp's HTML5 media extractor numbers the videos of a page: "(1)" and "-1".
    EXPECT_EQ(e.info.title, "Loopback clip (1)");
    EXPECT_EQ(e.info.id, "page-1");
    EXPECT_EQ(e.info.extractor, "HTML5MediaEmbed");
    EXPECT_EQ(e.info.webpage_url, page);
    ASSERT_EQ(e.presentation.streams.size(), 1U);
    const auto& stream = e.presentation.streams[0];
    const auto& extras = e.extras.at(stream.id);
    EXPECT_EQ(extras.file_url, server.url("/watch/clip.mp4"));
    EXPECT_EQ(extras.ext, "mp4");
    EXPECT_EQ(extras.protocol, "http");
    EXPECT_EQ(stream.type, media::StreamType::Muxed);
    // The Referer yt-dlp would send goes with the format, for the downloader to send.
    EXPECT_NE(std::find(extras.http_headers.begin(), extras.http_headers.end(), "Referer: " + page),
              extras.http_headers.end());
    // yt-dlp read the page and never touched the media: Arina downloads it.
    EXPECT_EQ(server.requests_for("/watch/page.html").size(), 1U);
    EXPECT_TRUE(server.requests_for("/watch/clip.mp4").empty());
    // Debian's 2023.03.04 is old: the warning says so.
    ASSERT_FALSE(e.warnings.empty());
    EXPECT_EQ(e.warnings.back().rfind("yt-dlp 2023.03.04 is ", 0), 0U) << e.warnings.back();
}

TEST_F(YtDlpBridge, RealYtDlpTwoVideosOfAPageAreTwoEntries) {
    const auto result = extract(server.url("/watch/two.html"));
    ASSERT_TRUE(std::holds_alternative<Extraction>(result)) << std::get<Error>(result).message;
    const auto& e = std::get<Extraction>(result);
    EXPECT_EQ(e.playlist_title, "Two clips");
    ASSERT_EQ(e.entries.size(), 2U);
    // Each entry is its video, not the page again (which would give this playlist for ever).
    EXPECT_EQ(e.entries[0].url, server.url("/watch/clip.mp4"));
    EXPECT_EQ(e.entries[0].title, "Two clips (1)");
    EXPECT_EQ(e.entries[0].index, 1);
    EXPECT_EQ(e.entries[1].url, server.url("/watch/clip2.mp4"));
    EXPECT_EQ(e.entries[1].index, 2);
}

TEST_F(YtDlpBridge, RealYtDlpUnsupportedAndHttpErrors) {
    const auto none = extract(server.url("/plain.html"));
    ASSERT_TRUE(std::holds_alternative<Error>(none));
    EXPECT_EQ(std::get<Error>(none).reason, FailReason::Unsupported);
    EXPECT_EQ(std::get<Error>(none).message,
              "unsupported URL: yt-dlp has no extractor for " + server.url("/plain.html"));

    const std::string missing = server.url("/gone.html");
    const auto gone = extract(missing);
    ASSERT_TRUE(std::holds_alternative<Error>(gone));
    EXPECT_EQ(std::get<Error>(gone).reason, FailReason::Extractor);
    // Exactly what yt-dlp 2023.03.04 prints, advice and cause cut; then the old-version hint.
    EXPECT_EQ(
        std::get<Error>(gone).message.rfind("the site answered HTTP 404: " + missing +
                                                " (yt-dlp: [generic] None: Unable to download webpage: HTTP "
                                                "Error 404: Not Found) [yt-dlp 2023.03.04 is ",
                                            0),
        0U)
        << std::get<Error>(gone).message;
}

}  // namespace
}  // namespace arina::extract
