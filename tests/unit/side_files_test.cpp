// Which subtitles --sub-langs takes, and what comes with a video written next to it.

#include "core/side_files.hpp"

#include <gtest/gtest.h>

#include <map>

#include "support/test_support.hpp"

namespace arina {
namespace {

extract::SubtitleFile sub(std::string lang, std::string ext, bool automatic = false) {
    return {lang, "https://subs.example/" + lang + "." + ext, ext, "", automatic};
}

std::vector<std::string> langs(const std::vector<extract::SubtitleFile>& subs) {
    std::vector<std::string> out;
    for (const auto& s : subs) out.push_back(s.language + "." + s.ext + (s.automatic ? " auto" : ""));
    return out;
}

TEST(SideFiles, SubLangsPicksOnePerLanguageManualFirstThenWebVtt) {
    const std::vector<extract::SubtitleFile> offered{
        sub("en", "json3"), sub("en", "vtt", true), sub("en", "srt"), sub("en", "vtt"),
        sub("de", "vtt"),   sub("en-GB", "vtt"),    sub("fr", "ttml")};
    EXPECT_EQ(langs(chosen_subtitles(offered, "")), (std::vector<std::string>{"en.vtt"}));
    EXPECT_EQ(langs(chosen_subtitles(offered, "de, en")), (std::vector<std::string>{"en.vtt", "de.vtt"}));
    EXPECT_EQ(langs(chosen_subtitles(offered, "en.*")), (std::vector<std::string>{"en.vtt", "en-GB.vtt"}));
    EXPECT_EQ(langs(chosen_subtitles(offered, "all")).size(), 4u);
    EXPECT_TRUE(chosen_subtitles(offered, "pt").empty());
}

TEST(SideFiles, AnAutomaticSubtitleIsTakenWhenItIsTheOnlyOne) {
    EXPECT_EQ(langs(chosen_subtitles({sub("ja", "vtt", true)}, "ja")),
              (std::vector<std::string>{"ja.vtt auto"}));
}

class MapFetcher final : public extract::PageFetcher {
  public:
    std::map<std::string, extract::Page> pages;
    extract::Page get(const std::string& url, std::size_t) override {
        if (auto it = pages.find(url); it != pages.end()) return it->second;
        extract::Page p;
        p.error = {FailReason::Http, "page " + url + ": server answered HTTP 404"};
        return p;
    }
    extract::Page head(const std::string& url) override { return get(url, 0); }
};

TEST(SideFiles, SubtitlesAndThumbnailAreWrittenBesideTheVideoAndFailuresAreWarnings) {
    test::TempDir dir;
    extract::Extraction x;
    x.info.title = "T";
    x.info.uploader = "U";
    x.info.upload_date = "20240131";
    x.info.thumbnail_url = "https://img.example/t";
    x.subtitles = {sub("en", "vtt"), sub("de", "vtt")};
    MapFetcher fetcher;
    fetcher.pages["https://subs.example/en.vtt"].body = "WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n";
    fetcher.pages["https://img.example/t"].body = std::string("\x89PNG\r\n\x1a\n", 8) + "rest";
    SideFileOptions options;
    options.write_subs = true;
    options.embed_subs = true;
    options.sub_langs = "en,de";
    options.embed_thumbnail = true;
    const auto side = fetch_side_files(x, options, dir / "T [1].mp4", fetcher);
    EXPECT_EQ(test::read_file(dir / "T [1].en.vtt"), "WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n");
    EXPECT_FALSE(std::filesystem::exists(dir / "T [1].de.vtt"));
    ASSERT_EQ(side.warnings.size(), 1u);
    EXPECT_EQ(side.warnings[0],
              "subtitle de left out: page https://subs.example/de.vtt: server answered HTTP 404");
    ASSERT_EQ(side.extras.subtitles.size(), 1u);
    EXPECT_EQ(side.extras.subtitles[0].language, "en");
    EXPECT_EQ(side.extras.thumbnail, dir / "T [1].png");
    EXPECT_EQ(side.extras.tags.title, "T");
    EXPECT_EQ(side.extras.tags.artist, "U");
    EXPECT_EQ(side.extras.tags.date, "20240131");
    // Kept: the subtitle (--write-subs); removed once embedded: the picture.
    EXPECT_EQ(side.remove_after, (std::vector<std::filesystem::path>{dir / "T [1].png"}));
}

TEST(SideFiles, SomethingThatIsNotAPictureIsNotEmbedded) {
    test::TempDir dir;
    extract::Extraction x;
    x.info.thumbnail_url = "https://img.example/t";
    MapFetcher fetcher;
    fetcher.pages["https://img.example/t"].body = "<html>login</html>";
    SideFileOptions options;
    options.embed_thumbnail = true;
    const auto side = fetch_side_files(x, options, dir / "v.mp4", fetcher);
    EXPECT_TRUE(side.extras.thumbnail.empty());
    ASSERT_EQ(side.warnings.size(), 1u);
    EXPECT_EQ(side.warnings[0],
              "thumbnail left out: https://img.example/t is not a JPEG, PNG or WebP picture");
}

// Only WebVTT and SubRip can be embedded: a TTML subtitle with --embed-subs is a warning, kept only
// when --write-subs asks for the file (and not fetched otherwise).
TEST(SideFiles, ATtmlSubtitleIsWrittenButNeverEmbedded) {
    test::TempDir dir;
    extract::Extraction x;
    x.subtitles = {sub("es", "ttml")};
    MapFetcher fetcher;
    fetcher.pages["https://subs.example/es.ttml"].body = "<tt/>";
    SideFileOptions options;
    options.embed_subs = true;
    options.sub_langs = "es";
    const std::string warning =
        "subtitle es not embedded: TTML subtitles cannot be embedded, only WebVTT and SubRip";
    const auto embed_only = fetch_side_files(x, options, dir / "v.mp4", fetcher);
    EXPECT_EQ(embed_only.warnings, std::vector<std::string>{warning});
    EXPECT_TRUE(embed_only.files.empty());
    EXPECT_TRUE(embed_only.extras.subtitles.empty());
    EXPECT_FALSE(std::filesystem::exists(dir / "v.es.ttml"));

    options.write_subs = true;
    const auto both = fetch_side_files(x, options, dir / "v.mp4", fetcher);
    EXPECT_EQ(both.warnings, std::vector<std::string>{warning});
    EXPECT_EQ(both.files, std::vector<std::filesystem::path>{dir / "v.es.ttml"});
    EXPECT_TRUE(both.extras.subtitles.empty());
    EXPECT_TRUE(both.remove_after.empty());
    EXPECT_EQ(test::read_file(dir / "v.es.ttml"), "<tt/>");
}

// A language asked for that only an unavailable track offers is named once; one that a fetched
// subtitle serves, or that is not asked for, is not.
TEST(SideFiles, AnUnavailableTrackOfALanguageAskedForIsAWarning) {
    test::TempDir dir;
    extract::Extraction x;
    x.subtitles = {sub("en", "vtt")};
    MapFetcher fetcher;
    fetcher.pages["https://subs.example/en.vtt"].body = "WEBVTT\n";
    SideFileOptions options;
    options.write_subs = true;
    options.sub_langs = "en,de";
    const std::vector<UnavailableSubtitle> unavailable{
        {"de", "text in MP4 segments (stpp) is not supported"},
        {"de", "segmented DASH TTML is not supported"},
        {"en", "text in MP4 segments (wvtt) is not supported"},
        {"fr", "text in MP4 segments (stpp) is not supported"}};
    const auto side = fetch_side_files(x, options, dir / "v.mp4", fetcher, unavailable);
    EXPECT_EQ(side.warnings,
              std::vector<std::string>{"subtitle de left out: text in MP4 segments (stpp) is not supported"});
    EXPECT_EQ(side.files, std::vector<std::filesystem::path>{dir / "v.en.vtt"});
}

}  // namespace
}  // namespace arina
