// The two small readers the HTML scanner uses: media URLs in script string literals, and
// schema.org VideoObjects in JSON-LD.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "extract/json_ld.hpp"
#include "extract/script_urls.hpp"

namespace arina::extract {
namespace {

using Urls = std::vector<std::string>;

TEST(ExtractScriptUrls, LiteralsOfEveryQuoteKindWithEscapes) {
    const std::string script = R"js(
        var a = "https:\/\/cdn.example\/v\/master.m3u8?x=1\u0026y=2";
        var b = '/media/clip.mp4';
        var c = `//cdn.example/dash/stream.mpd`;
        var d = "https://cdn.example/poster.jpg", e = "/api/items", f = "relative/clip.mp4";
    )js";
    EXPECT_EQ(media_urls_in_script(script, 10), (Urls{"https://cdn.example/v/master.m3u8?x=1&y=2",
                                                      "/media/clip.mp4", "//cdn.example/dash/stream.mpd"}));
}

TEST(ExtractScriptUrls, CommentsDoNotOpenStrings) {
    const std::string script =
        "// don't 'play' \"https://x.example/line.m3u8\"\n"
        "/* it's \"https://x.example/block.m3u8\" */\n"
        "var u = \"https://x.example/real.m3u8\";";
    EXPECT_EQ(media_urls_in_script(script, 10), (Urls{"https://x.example/real.m3u8"}));
}

TEST(ExtractScriptUrls, UnterminatedLiteralEndsAtLineBreak) {
    const std::string script = "var s = \"https://x.example/a.mp4;\nvar t = '/b.mpd';";
    EXPECT_EQ(media_urls_in_script(script, 10), (Urls{"/b.mpd"}));
}

TEST(ExtractScriptUrls, RejectsSpacesSchemesAndOverlongLiterals) {
    const std::string long_url = "https://x.example/" + std::string(kMaxScriptUrlBytes, 'a') + ".mp4";
    const std::string script =
        "['see https://x.example/a.mp4', 'ftp://x.example/a.mp4', 'javascript:a.mp4', '" + long_url +
        "', '/*.mp4', '/ok.mp4']";
    EXPECT_EQ(media_urls_in_script(script, 10), (Urls{"/ok.mp4"}));
}

TEST(ExtractScriptUrls, AtMostMaxUrls) {
    std::string script;
    for (int i = 0; i < 100; ++i) script += "'/" + std::to_string(i) + ".mp4',";
    const Urls urls = media_urls_in_script(script, 5);
    ASSERT_EQ(urls.size(), 5U);
    EXPECT_EQ(urls[4], "/4.mp4");
}

TEST(ExtractJsonLd, NestedVideoInArticleWithImageObject) {
    const std::string text = R"({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": "Storm",
        "video": {"@type": "VideoObject", "name": "Storm footage", "contentUrl": "https://v.example/storm.mp4",
                  "thumbnail": {"@type": "ImageObject", "url": "https://v.example/storm.jpg"},
                  "uploadDate": "2023-11-05", "duration": "PT1H2M3S", "height": "720"}})";
    const auto videos = video_objects_in_json_ld(text, 4);
    ASSERT_EQ(videos.size(), 1U);
    EXPECT_EQ(videos[0].name, "Storm footage");
    EXPECT_EQ(videos[0].content_url, "https://v.example/storm.mp4");
    EXPECT_EQ(videos[0].thumbnail_url, "https://v.example/storm.jpg");
    EXPECT_EQ(videos[0].upload_date, "20231105");
    EXPECT_EQ(videos[0].duration, 3723.0);
    EXPECT_EQ(videos[0].height, 720);
}

TEST(ExtractJsonLd, TopLevelArrayInOrderAndBadFieldsIgnored) {
    const std::string text = R"([
        {"@type": "VideoObject", "name": "one", "contentUrl": "/1.mp4", "uploadDate": "yesterday",
         "duration": "ninety seconds", "height": {"@type": "QuantitativeValue", "value": 1080}},
        {"@type": "Person", "name": "nobody"},
        {"@type": "VideoObject", "name": "two", "embedUrl": "https://player.example/2"}])";
    const auto videos = video_objects_in_json_ld(text, 4);
    ASSERT_EQ(videos.size(), 2U);
    EXPECT_EQ(videos[0].content_url, "/1.mp4");
    EXPECT_EQ(videos[0].upload_date, "");
    EXPECT_FALSE(videos[0].duration.has_value());
    EXPECT_EQ(videos[0].height, 1080);
    EXPECT_EQ(videos[1].name, "two");
    EXPECT_EQ(videos[1].content_url, "");  // embedUrl is a player page
}

TEST(ExtractJsonLd, MalformedAndHostileInput) {
    EXPECT_TRUE(video_objects_in_json_ld("{\"@type\": \"VideoObject\",", 4).empty());
    EXPECT_TRUE(video_objects_in_json_ld("", 4).empty());
    // Deep nesting is parsed without recursion and not searched past 32 levels.
    std::string deep(100000, '[');
    deep += std::string(100000, ']');
    EXPECT_TRUE(video_objects_in_json_ld(deep, 4).empty());
    std::string nested = R"({"@type": "VideoObject", "name": "top"})";
    for (int i = 0; i < 40; ++i) nested = "[" + nested + "]";
    EXPECT_TRUE(video_objects_in_json_ld(nested, 4).empty());
    // Larger than kMaxJsonLdBytes: skipped.
    const std::string big =
        R"({"@type": "VideoObject", "name": ")" + std::string(kMaxJsonLdBytes, 'x') + "\"}";
    EXPECT_TRUE(video_objects_in_json_ld(big, 4).empty());
}

}  // namespace
}  // namespace arina::extract
