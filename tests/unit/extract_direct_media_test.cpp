// DirectMediaExtractor: a URL that is the media file, by extension or by the first answer's type.

#include <gtest/gtest.h>

#include "extract/direct_media_extractor.hpp"
#include "extract_fake_fetcher.hpp"

namespace arina::extract {
namespace {

ExtractResult run(const ExtractRequest& request, test::FakeFetcher& fetcher) {
    CancelFlag cancel{false};
    DirectMediaExtractor extractor;
    return extractor.extract(request, fetcher, cancel);
}

const Error& error_of(const ExtractResult& result) {
    return std::get<Error>(result);
}

TEST(ExtractDirectMedia, ExtensionWithoutAnyRequest) {
    test::FakeFetcher fetcher;
    const std::string url = "https://cdn.example/videos/My%20Clip.MP4?sig=abc#t=3";
    const ExtractResult result = run({.url = url}, fetcher);
    ASSERT_TRUE(std::holds_alternative<Extraction>(result)) << error_of(result).message;
    const Extraction& x = std::get<Extraction>(result);
    EXPECT_TRUE(fetcher.calls.empty());
    EXPECT_EQ(x.kind, ExtractorKind::DirectMedia);
    EXPECT_EQ(x.info.id, "My Clip");
    EXPECT_EQ(x.info.title, "My Clip");
    EXPECT_EQ(x.info.extractor, "direct");
    EXPECT_EQ(x.info.webpage_url, url);
    ASSERT_EQ(x.presentation.streams.size(), 1U);
    EXPECT_EQ(x.presentation.streams[0].id, "direct");
    EXPECT_EQ(x.presentation.streams[0].type, media::StreamType::Muxed);
    EXPECT_TRUE(x.presentation.streams[0].fragments.empty());
    const StreamExtras& extras = x.extras.at("direct");
    EXPECT_EQ(extras.file_url, url);
    EXPECT_EQ(extras.ext, "mp4");
    EXPECT_EQ(extras.protocol, "https");
    EXPECT_FALSE(extras.filesize.has_value());
    EXPECT_TRUE(x.manifest_url.empty());
}

TEST(ExtractDirectMedia, AudioExtensionsAreAudioStreams) {
    test::FakeFetcher fetcher;
    for (const char* ext : {"mp3", "m4a", "aac", "ogg", "opus", "flac"}) {
        const ExtractResult result = run({.url = std::string("http://pod.example/ep12.") + ext}, fetcher);
        ASSERT_TRUE(std::holds_alternative<Extraction>(result)) << ext;
        const Extraction& x = std::get<Extraction>(result);
        EXPECT_EQ(x.presentation.streams[0].type, media::StreamType::Audio) << ext;
        EXPECT_EQ(x.extras.at("direct").ext, ext);
        EXPECT_EQ(x.extras.at("direct").protocol, "http");
    }
    for (const char* ext : {"m4v", "webm", "mkv", "mov", "ts"}) {
        const ExtractResult result = run({.url = std::string("https://v.example/a.") + ext}, fetcher);
        ASSERT_TRUE(std::holds_alternative<Extraction>(result)) << ext;
        EXPECT_EQ(std::get<Extraction>(result).presentation.streams[0].type, media::StreamType::Muxed) << ext;
    }
    EXPECT_TRUE(fetcher.calls.empty());
}

TEST(ExtractDirectMedia, ContentTypeOfTheFirstAnswer) {
    test::FakeFetcher fetcher;
    Page answer;
    answer.status = 200;
    answer.effective_url = "https://cdn2.example/store/8842";
    answer.content_type = "video/webm";
    answer.body = std::string("\x1A\x45\xDF\xA3", 4);
    answer.truncated = true;
    const ExtractResult result =
        run({.url = "https://v.example/watch/8842", .first_answer = answer}, fetcher);
    ASSERT_TRUE(std::holds_alternative<Extraction>(result)) << error_of(result).message;
    const Extraction& x = std::get<Extraction>(result);
    EXPECT_EQ(x.extras.at("direct").file_url, "https://cdn2.example/store/8842");
    EXPECT_EQ(x.extras.at("direct").ext, "webm");
    EXPECT_EQ(x.presentation.streams[0].mime_type, "video/webm");
    EXPECT_EQ(x.info.id, "8842");
    EXPECT_TRUE(fetcher.calls.empty());

    answer.content_type = "audio/mpeg";
    const ExtractResult audio = run({.url = "https://v.example/listen", .first_answer = answer}, fetcher);
    ASSERT_TRUE(std::holds_alternative<Extraction>(audio));
    EXPECT_EQ(std::get<Extraction>(audio).extras.at("direct").ext, "mp3");
    EXPECT_EQ(std::get<Extraction>(audio).presentation.streams[0].type, media::StreamType::Audio);
}

TEST(ExtractDirectMedia, NotMediaIsUnsupported) {
    test::FakeFetcher fetcher;
    EXPECT_EQ(error_of(run({.url = "https://v.example/watch?v=1"}, fetcher)).reason, FailReason::Unsupported);
    EXPECT_EQ(error_of(run({.url = "https://v.example/"}, fetcher)).reason, FailReason::Unsupported);
    EXPECT_EQ(error_of(run({.url = "ftp://v.example/a.mp4"}, fetcher)).reason, FailReason::Unsupported);
    EXPECT_EQ(error_of(run({.url = "https://v.example/a.m3u8"}, fetcher)).reason, FailReason::Unsupported);

    // The answer is the truth: an HLS playlist type or a page behind a media extension.
    Page answer;
    answer.status = 200;
    answer.content_type = "audio/mpegurl";
    EXPECT_EQ(error_of(run({.url = "https://v.example/radio", .first_answer = answer}, fetcher)).reason,
              FailReason::Unsupported);
    answer.content_type = "text/html";
    EXPECT_EQ(error_of(run({.url = "https://v.example/a.mp4", .first_answer = answer}, fetcher)).reason,
              FailReason::Unsupported);
    // A generic type leaves the extension to decide.
    answer.content_type = "application/octet-stream";
    EXPECT_TRUE(std::holds_alternative<Extraction>(
        run({.url = "https://v.example/a.mp4", .first_answer = answer}, fetcher)));
    EXPECT_TRUE(fetcher.calls.empty());
}

TEST(ExtractDirectMedia, HttpErrorInFirstAnswerEndsTheChain) {
    test::FakeFetcher fetcher;
    Page answer;
    answer.status = 403;
    answer.content_type = "text/html";
    answer.error = Error{FailReason::Http, "HTTP 403"};
    const ExtractResult result = run({.url = "https://v.example/a.mp4", .first_answer = answer}, fetcher);
    EXPECT_EQ(error_of(result).reason, FailReason::Http);
    EXPECT_EQ(error_of(result).message, "https://v.example/a.mp4: server answered HTTP 403");
}

TEST(ExtractDirectMedia, NameWithoutStem) {
    test::FakeFetcher fetcher;
    const ExtractResult result = run({.url = "https://v.example/.mp4"}, fetcher);
    // ".mp4" is a hidden file name, not an extension: not a media URL.
    EXPECT_EQ(error_of(result).reason, FailReason::Unsupported);
    Page answer;
    answer.status = 200;
    answer.content_type = "video/mp4";
    const ExtractResult typed = run({.url = "https://v.example/", .first_answer = answer}, fetcher);
    ASSERT_TRUE(std::holds_alternative<Extraction>(typed));
    EXPECT_EQ(std::get<Extraction>(typed).info.id, "media");
}

}  // namespace
}  // namespace arina::extract
