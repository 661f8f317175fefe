// PlatformDetector over the URL shapes people paste, and hosts built to fool it.

#include "extract/platform.hpp"

#include <gtest/gtest.h>

namespace arina::extract {
namespace {

struct Case {
    const char* url;
    const char* platform;
};

const Case kCases[] = {
    // YouTube
    {"https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"},
    {"https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s", "youtube"},
    {"http://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf&index=3", "youtube"},
    {"https://www.youtube.com/shorts/aqz-KE-bpKQ", "youtube"},
    {"https://youtu.be/dQw4w9WgXcQ", "youtube"},
    {"https://youtu.be/dQw4w9WgXcQ?t=42", "youtube"},
    {"https://youtu.be/dQw4w9WgXcQ?si=abcDEF123&t=1m2s", "youtube"},
    {"https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share", "youtube"},
    {"https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RDAMVM", "youtube"},
    {"https://www.youtube.com/embed/dQw4w9WgXcQ?autoplay=1", "youtube"},
    {"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube"},
    {"https://www.youtube.com/playlist?list=PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf", "youtube"},
    {"https://www.youtube.com/@SomeChannel/videos", "youtube"},
    {"https://www.youtube.com/live/jfKfPfyJRdk", "youtube"},
    {"HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ", "youtube"},
    {"https://www.YouTube.com./watch?v=dQw4w9WgXcQ", "youtube"},
    {"https://www.youtube.com:443/watch?v=dQw4w9WgXcQ", "youtube"},
    {"https://user:secret@www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"},
    {"www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"},
    {"//youtu.be/dQw4w9WgXcQ", "youtube"},
    // PornHub
    {"https://www.pornhub.com/view_video.php?viewkey=ph5e8f2a1b3c4d5", "pornhub"},
    {"https://pornhub.com/view_video.php?viewkey=ph5e8f2a1b3c4d5", "pornhub"},
    {"https://de.pornhub.com/view_video.php?viewkey=ph5e8f2a1b3c4d5", "pornhub"},
    {"https://rt.pornhub.com/view_video.php?viewkey=ph5e8f2a1b3c4d5", "pornhub"},
    {"https://www.pornhub.com/embed/ph5e8f2a1b3c4d5", "pornhub"},
    {"https://www.pornhub.com/playlist/12345678", "pornhub"},
    {"https://www.pornhubpremium.com/view_video.php?viewkey=ph5e8f2a1b3c4d5", "pornhub"},
    {"https://www.pornhub.net/view_video.php?viewkey=ph5e8f2a1b3c4d5", "pornhub"},
    {"https://WWW.PORNHUB.COM:8443/view_video.php?viewkey=x", "pornhub"},
    // XVideos
    {"https://www.xvideos.com/video12345678/some_title_here", "xvideos"},
    {"https://xvideos.com/video.abcdef123/title", "xvideos"},
    {"https://fr.xvideos.com/video12345678/titre", "xvideos"},
    {"https://www.xvideos.es/video12345678/titulo", "xvideos"},
    {"https://www.xvideos2.com/video12345678/title", "xvideos"},
    {"https://www.xvideos.com/embedframe/12345678", "xvideos"},
    {"https://XVIDEOS.COM./video1/x", "xvideos"},
    // Everything else
    {"https://example.com/video.mp4", "generic"},
    {"https://cdn.example.net/live/master.m3u8", "generic"},
    {"https://vimeo.com/76979871", "generic"},
    {"http://127.0.0.1:8080/page.html", "generic"},
    {"http://[::1]:8080/youtube.com", "generic"},
    // Lookalike and hostile hosts: the host decides, not the text of the URL.
    {"https://evil.com/?youtube.com", "generic"},
    {"https://evil.com/watch?v=x&next=https://www.youtube.com/", "generic"},
    {"https://evil.com/#youtube.com", "generic"},
    {"https://notyoutube.com/watch?v=dQw4w9WgXcQ", "generic"},
    {"https://youtube.com.evil.com/watch?v=dQw4w9WgXcQ", "generic"},
    {"https://www.youtube.com@evil.com/watch?v=dQw4w9WgXcQ", "generic"},
    {"https://evil.com\\@www.youtube.com/watch", "generic"},
    {"https://youtube.co/watch?v=dQw4w9WgXcQ", "generic"},
    {"https://myyoutu.be/dQw4w9WgXcQ", "generic"},
    {"https://pornhub.com.example.org/view_video.php?viewkey=x", "generic"},
    {"https://notpornhub.com/view_video.php?viewkey=x", "generic"},
    {"https://xvideos.com.evil.net/video1/x", "generic"},
    {"https://www.example.com/xvideos.com/video1", "generic"},
    {"https://www.example.com:8080@pornhub.com.evil/", "generic"},
    {"not a url", "generic"},
    {"", "generic"},
};

TEST(PlatformDetector, RealWorldUrlShapes) {
    static_assert(std::size(kCases) >= 40);
    for (const auto& c : kCases) EXPECT_EQ(PlatformDetector::detect_platform(c.url), c.platform) << c.url;
}

TEST(PlatformDetector, UrlHostIgnoresUserinfoPortCaseAndTrailingDot) {
    EXPECT_EQ(url_host("https://User:Pw@WWW.Example.COM.:8443/a?b#c"), "www.example.com");
    EXPECT_EQ(url_host("http://[::1]:80/"), "[::1]");
    EXPECT_EQ(url_host("example.org/path"), "example.org");
    EXPECT_EQ(url_host("https:///path"), std::nullopt);
    EXPECT_EQ(url_host(""), std::nullopt);
}

TEST(PlatformDetector, UserPlatformsComeFirst) {
    PlatformDetector detector({{.name = "mytube", .hosts = {"*.Example.COM", ".music.youtube.com"}},
                               {.name = "vids", .hosts = {"vids.test"}}});
    EXPECT_EQ(detector.detect("https://example.com/watch"), "mytube");
    EXPECT_EQ(detector.detect("https://media.example.com/watch"), "mytube");
    EXPECT_EQ(detector.detect("https://music.youtube.com/watch?v=x"), "mytube");
    EXPECT_EQ(detector.detect("https://www.youtube.com/watch?v=x"), "youtube");
    EXPECT_EQ(detector.detect("https://a.vids.test:99/"), "vids");
    EXPECT_EQ(detector.detect("https://vids.test.evil/"), "generic");
    EXPECT_EQ(detector.detect("https://notexample.com/"), "generic");
}

TEST(PlatformProfiles, TheSeedsValues) {
    const auto* youtube = find_builtin_platform("youtube");
    ASSERT_NE(youtube, nullptr);
    EXPECT_EQ(youtube->profile.concurrent_fragments, 6);
    EXPECT_EQ(youtube->profile.quality_preference, (std::vector<std::string>{"1080", "720", "best"}));
    const auto* pornhub = find_builtin_platform("pornhub");
    ASSERT_NE(pornhub, nullptr);
    EXPECT_EQ(pornhub->profile.concurrent_fragments, 4);
    EXPECT_EQ(pornhub->profile.quality_preference, (std::vector<std::string>{"720", "best"}));
    EXPECT_EQ(pornhub->profile.age_verification,
              (std::vector<std::string>{"age_verified=1", "accessAgeDisclaimerPH=1"}));
    EXPECT_EQ(find_builtin_platform("xvideos")->profile.concurrent_fragments, 4);
    EXPECT_EQ(find_builtin_platform("generic")->profile.concurrent_fragments, 3);
    EXPECT_EQ(find_builtin_platform("nosuch"), nullptr);
}

}  // namespace
}  // namespace arina::extract
