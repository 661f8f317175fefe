#include <gtest/gtest.h>

#include <utility>

#include "media/url_resolve.hpp"

namespace arina::media {
namespace {

constexpr const char* kBase = "http://a/b/c/d;p?q";

// RFC 3986 §5.4.1.
TEST(MediaUrl, ResolvesRfc3986NormalExamples) {
    const std::pair<const char*, const char*> cases[] = {
        {"g:h", "g:h"},
        {"g", "http://a/b/c/g"},
        {"./g", "http://a/b/c/g"},
        {"g/", "http://a/b/c/g/"},
        {"/g", "http://a/g"},
        {"//g", "http://g"},
        {"?y", "http://a/b/c/d;p?y"},
        {"g?y", "http://a/b/c/g?y"},
        {"#s", "http://a/b/c/d;p?q#s"},
        {"g#s", "http://a/b/c/g#s"},
        {"g?y#s", "http://a/b/c/g?y#s"},
        {";x", "http://a/b/c/;x"},
        {"g;x", "http://a/b/c/g;x"},
        {"g;x?y#s", "http://a/b/c/g;x?y#s"},
        {"", "http://a/b/c/d;p?q"},
        {".", "http://a/b/c/"},
        {"./", "http://a/b/c/"},
        {"..", "http://a/b/"},
        {"../", "http://a/b/"},
        {"../g", "http://a/b/g"},
        {"../..", "http://a/"},
        {"../../", "http://a/"},
        {"../../g", "http://a/g"},
    };
    for (const auto& [reference, expected] : cases) {
        EXPECT_EQ(resolve_url(kBase, reference), expected) << "reference: " << reference;
    }
}

// RFC 3986 §5.4.2 (strict parser: "http:g" keeps its scheme).
TEST(MediaUrl, ResolvesRfc3986AbnormalExamples) {
    const std::pair<const char*, const char*> cases[] = {
        {"../../../g", "http://a/g"},
        {"../../../../g", "http://a/g"},
        {"/./g", "http://a/g"},
        {"/../g", "http://a/g"},
        {"g.", "http://a/b/c/g."},
        {".g", "http://a/b/c/.g"},
        {"g..", "http://a/b/c/g.."},
        {"..g", "http://a/b/c/..g"},
        {"./../g", "http://a/b/g"},
        {"./g/.", "http://a/b/c/g/"},
        {"g/./h", "http://a/b/c/g/h"},
        {"g/../h", "http://a/b/c/h"},
        {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
        {"g;x=1/../y", "http://a/b/c/y"},
        {"g?y/./x", "http://a/b/c/g?y/./x"},
        {"g?y/../x", "http://a/b/c/g?y/../x"},
        {"g#s/./x", "http://a/b/c/g#s/./x"},
        {"g#s/../x", "http://a/b/c/g#s/../x"},
        {"http:g", "http:g"},
    };
    for (const auto& [reference, expected] : cases) {
        EXPECT_EQ(resolve_url(kBase, reference), expected) << "reference: " << reference;
    }
}

TEST(MediaUrl, ResolvesManifestStyleReferences) {
    const char* playlist = "https://cdn.example.com/live/hls/master.m3u8?token=abc";
    EXPECT_EQ(resolve_url(playlist, "720p/index.m3u8"), "https://cdn.example.com/live/hls/720p/index.m3u8");
    EXPECT_EQ(resolve_url(playlist, "../keys/k1.bin"), "https://cdn.example.com/live/keys/k1.bin");
    EXPECT_EQ(resolve_url(playlist, "//other.example.net/a.ts"), "https://other.example.net/a.ts");
    EXPECT_EQ(resolve_url(playlist, "/abs/seg.ts?x=1"), "https://cdn.example.com/abs/seg.ts?x=1");
    EXPECT_EQ(resolve_url(playlist, "HTTPS://Elsewhere/x.ts"), "HTTPS://Elsewhere/x.ts");
    EXPECT_EQ(resolve_url(playlist, "  seg 1.ts \r"), "https://cdn.example.com/live/hls/seg 1.ts");
    // A colon after the first slash does not make a scheme; neither does one in a digit-led name.
    EXPECT_EQ(resolve_url(playlist, "12:30.ts"), "https://cdn.example.com/live/hls/12:30.ts");
    EXPECT_EQ(resolve_url("http://host", "seg.ts"), "http://host/seg.ts");
}

TEST(MediaUrl, SplitsComponentsAndTellsAbsentFromEmpty) {
    const UriParts parts = split_uri("https://user@host:8443/p/a.m3u8?q=1#frag");
    EXPECT_EQ(parts.scheme, "https");
    EXPECT_EQ(parts.authority, "user@host:8443");
    EXPECT_EQ(parts.path, "/p/a.m3u8");
    EXPECT_EQ(parts.query, "q=1");
    EXPECT_EQ(parts.fragment, "frag");

    const UriParts empty_query = split_uri("/x?");
    EXPECT_FALSE(empty_query.scheme);
    EXPECT_FALSE(empty_query.authority);
    EXPECT_EQ(empty_query.query, "");
    EXPECT_FALSE(split_uri("/x").query);

    EXPECT_TRUE(is_absolute_url("https://a/b"));
    EXPECT_FALSE(is_absolute_url("a/b:c"));
    EXPECT_FALSE(is_absolute_url("//a/b"));
}

TEST(MediaUrl, RemovesDotSegments) {
    EXPECT_EQ(remove_dot_segments("/a/b/c/./../../g"), "/a/g");
    EXPECT_EQ(remove_dot_segments("mid/content=5/../6"), "mid/6");
    EXPECT_EQ(remove_dot_segments("/.."), "/");
    EXPECT_EQ(remove_dot_segments(""), "");
}

}  // namespace
}  // namespace arina::media
