// Container metadata from MuxOptions::extras.tags: the cleaning rules alone, then what ffprobe
// shows in real MP4 and Matroska outputs, hostile values included.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "media_fixtures.hpp"
#include "mux/metadata_tags.hpp"
#include "mux/mux.hpp"
#include "support/test_support.hpp"

namespace arina::mux {
namespace {

namespace fs = std::filesystem;
using test::media::fixture;

MuxReport mux_ok(const fs::path& input, const fs::path& output, const MuxOptions& options) {
    auto result = mux({{input}}, output, options);
    if (auto* error = std::get_if<Error>(&result)) {
        ADD_FAILURE() << "mux failed: " << error->message;
        return {};
    }
    return std::get<MuxReport>(result);
}

nlohmann::json format_tags(const fs::path& file) {
    const auto probe = test::media::ffprobe(file);
    if (!probe.contains("format") || !probe["format"].contains("tags")) return nlohmann::json::object();
    return probe["format"]["tags"];
}

std::string tag(const nlohmann::json& tags, const std::string& key) {
    return tags.contains(key) ? tags[key].get<std::string>() : "<absent>";
}

Tags sample_tags() {
    Tags tags;
    tags.title = "Große Fahrt — 東京 [1080p]";
    tags.artist = "Some Channel";
    tags.date = "20240131";
    tags.description = "First line\nSecond line";
    tags.webpage_url = "https://video.example/watch?v=abc123";
    tags.extra = {{"genre", "Travel"}, {"Show Name", "Trips"}};
    return tags;
}

TEST(MuxTagText, ControlCharactersNulsAndBadUtf8AreDropped) {
    using namespace std::string_literals;
    EXPECT_EQ(clean_tag_text("a\x01"
                             "b\x1b[31mc\x7f"s +
                                 '\0' + "d\r\n"s,
                             100),
              "ab[31mcd");
    EXPECT_EQ(clean_tag_text("line 1\r\nline 2\ttab", 100, /*multi_line=*/true), "line 1\nline 2\ttab");
    EXPECT_EQ(clean_tag_text("x\xc2\x85y", 100), "xy");                  // C1 control NEL
    EXPECT_EQ(clean_tag_text("a\xff\xc0\xafz\xed\xa0\x80", 100), "az");  // invalid, overlong, surrogate
    EXPECT_EQ(clean_tag_text("  padded  ", 100), "padded");
    EXPECT_EQ(clean_tag_text("\x01\x02", 100), "");
}

TEST(MuxTagText, LengthIsCutBetweenCodePoints) {
    std::string emoji;
    for (int i = 0; i < 300; ++i) emoji += "\xF0\x9F\x98\x80";  // 4 bytes each
    const std::string cut = clean_tag_text(emoji, 1022);
    EXPECT_EQ(cut.size(), 1020u);
    EXPECT_EQ(clean_tag_text(cut, 2000), cut);  // still valid UTF-8: nothing more to drop
}

TEST(MuxTagText, Dates) {
    EXPECT_EQ(iso_date("20240131"), "2024-01-31");
    EXPECT_EQ(iso_date("2024-01-31"), "2024-01-31");
    EXPECT_EQ(iso_date("20241301"), std::nullopt);
    EXPECT_EQ(iso_date("2024013"), std::nullopt);
    EXPECT_EQ(iso_date("2024/01/31"), std::nullopt);
    EXPECT_EQ(iso_date("yesterday"), std::nullopt);
}

TEST(MuxTagText, Keys) {
    EXPECT_EQ(clean_tag_key("Show Name"), "show_name");
    EXPECT_EQ(clean_tag_key("genre"), "genre");
    EXPECT_EQ(clean_tag_key("lang-en"), "lang_en");  // '-' would make Matroska read a language suffix
    EXPECT_EQ(clean_tag_key("9lives"), "");
    EXPECT_EQ(clean_tag_key("!!!"), "");
    EXPECT_EQ(clean_tag_key(std::string(200, 'k')).size(), kMaxTagKeyBytes);
}

TEST(MuxTagText, UrlFillsAnEmptyCommentAndReservedKeysAreRefused) {
    Tags tags;
    tags.webpage_url = "https://x.example/v";
    tags.extra = {{"encoder", "evil"}, {"Title", "other"}, {"", "x"}, {"genre", "a"}, {"GENRE", "b"}};
    std::vector<std::string> warnings;
    const TagList list = container_tags(tags, warnings);
    EXPECT_EQ(list,
              (TagList{{"comment", "https://x.example/v"}, {"purl", "https://x.example/v"}, {"genre", "b"}}));
    ASSERT_EQ(warnings.size(), 3u);
    EXPECT_EQ(warnings[0], "the tag key \"encoder\" is reserved; not written");
    EXPECT_EQ(warnings[1], "the tag key \"title\" is reserved; not written");
    EXPECT_EQ(warnings[2], "the tag key \"\" has no usable characters; not written");
}

TEST(MuxMetadata, Mp4ShowsTitleArtistDateDescriptionComment) {
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    MuxOptions options;
    options.extras.tags = sample_tags();
    const MuxReport report = mux_ok(fixture("av.ts"), output, options);
    EXPECT_TRUE(report.warnings.empty());
    const auto tags = format_tags(output);
    EXPECT_EQ(tag(tags, "title"), "Große Fahrt — 東京 [1080p]");
    EXPECT_EQ(tag(tags, "artist"), "Some Channel");
    EXPECT_EQ(tag(tags, "date"), "2024-01-31");
    EXPECT_EQ(tag(tags, "description"), "First line\nSecond line");
    EXPECT_EQ(tag(tags, "comment"), "https://video.example/watch?v=abc123");
    EXPECT_EQ(tag(tags, "genre"), "Travel");        // an iTunes atom MP4 knows
    EXPECT_EQ(tag(tags, "show_name"), "<absent>");  // MP4 has no place for free keys
    EXPECT_EQ(test::media::decode_errors(output), "");
}

TEST(MuxMetadata, MatroskaShowsEveryTag) {
    const fs::path output = test::media::scratch_dir() / "movie.mkv";
    MuxOptions options;
    options.container = Container::Mkv;
    options.extras.tags = sample_tags();
    options.extras.tags.comment = "a comment";
    mux_ok(fixture("av.ts"), output, options);
    const auto tags = format_tags(output);
    EXPECT_EQ(tag(tags, "title"), "Große Fahrt — 東京 [1080p]");  // the segment title, not a tag
    EXPECT_EQ(tag(tags, "ARTIST"), "Some Channel");
    EXPECT_EQ(tag(tags, "DATE"), "2024-01-31");
    EXPECT_EQ(tag(tags, "DESCRIPTION"), "First line\nSecond line");
    EXPECT_EQ(tag(tags, "COMMENT"), "a comment");
    EXPECT_EQ(tag(tags, "PURL"), "https://video.example/watch?v=abc123");
    EXPECT_EQ(tag(tags, "GENRE"), "Travel");
    EXPECT_EQ(tag(tags, "SHOW_NAME"), "Trips");
}

TEST(MuxMetadata, HostileValuesAreCleanedAndCapped) {
    using namespace std::string_literals;
    Tags tags;
    tags.title = "\x1b[2J\x07Title"s + '\0' + "With NUL\r\nand newline\xff"s;
    tags.artist = std::string(100'000, 'A');
    tags.description = std::string(1'000'000, 'd');
    tags.date = "2024-13-45";
    tags.extra = {{"duration", "forged"}};
    for (Container container : {Container::Mp4, Container::Mkv}) {
        const fs::path output =
            test::media::scratch_dir() / (std::string("movie.") + std::string(extension(container)));
        MuxOptions options;
        options.container = container;
        options.extras.tags = tags;
        const MuxReport report = mux_ok(fixture("av.ts"), output, options);
        ASSERT_EQ(report.warnings.size(), 2u);
        EXPECT_EQ(report.warnings[0], "the date \"2024-13-45\" is not YYYYMMDD or YYYY-MM-DD; not written");
        EXPECT_EQ(report.warnings[1], "the tag key \"duration\" is reserved; not written");
        const auto shown = format_tags(output);
        const bool mkv = container == Container::Mkv;
        EXPECT_EQ(tag(shown, "title"), "[2JTitleWith NUL and newline");
        EXPECT_EQ(tag(shown, mkv ? "ARTIST" : "artist"), std::string(kMaxTagBytes, 'A'));
        EXPECT_EQ(tag(shown, mkv ? "DESCRIPTION" : "description"), std::string(kMaxLongTagBytes, 'd'));
        EXPECT_EQ(tag(shown, mkv ? "DATE" : "date"), "<absent>");
        EXPECT_EQ(test::media::decode_errors(output), "");
    }
}

TEST(MuxMetadata, NoTagsWritesNoneOfOurs) {
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    mux_ok(fixture("av.ts"), output, {});
    const auto tags = format_tags(output);
    EXPECT_EQ(tag(tags, "title"), "<absent>");
    EXPECT_EQ(tag(tags, "comment"), "<absent>");
}

}  // namespace
}  // namespace arina::mux
