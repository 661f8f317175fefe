// The extras through the on-demand muxer (on_demand.hpp): the plugin module this build made is
// loaded, its table has the version the callers were built for, and remux_with_extras reaches it.

#include <gtest/gtest.h>

#include <filesystem>

#include "media_fixtures.hpp"
#include "mux/on_demand.hpp"
#include "support/test_support.hpp"

namespace arina::mux {
namespace {

namespace fs = std::filesystem;

TEST(MuxPlugin, RemuxWithExtrasThroughTheModule) {
    const fs::path dir = test::media::scratch_dir();
    const fs::path output = dir / "movie.mkv";
    test::write_file(dir / "en.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n");
    MuxOptions options;
    options.container = Container::Mkv;
    options.extras.tags.title = "Through the plugin";
    options.extras.subtitles = {{dir / "en.vtt", "en", ""}, {dir / "absent.vtt", "en", ""}};
    options.extras.thumbnail = test::media::fixture("cover.png");

    auto result = remux_with_extras_on_demand(test::media::fixture("vp9.webm"), output, options);
    ASSERT_TRUE(std::holds_alternative<MuxReport>(result)) << std::get<Error>(result).message;
    const MuxReport& report = std::get<MuxReport>(result);
    EXPECT_EQ(report.subtitle_streams, 1);
    EXPECT_TRUE(report.cover_attached);
    ASSERT_EQ(report.warnings.size(), 1u);
    EXPECT_EQ(report.warnings[0],
              "subtitle " + (dir / "absent.vtt").string() + " left out: the file does not exist");

    const auto probe = test::media::ffprobe(output);
    EXPECT_EQ(probe["format"]["tags"].value("title", ""), "Through the plugin");
    ASSERT_EQ(probe["streams"].size(), 4u);  // vp9, opus, webvtt, cover
    EXPECT_EQ(probe["streams"][2].value("codec_name", ""), "webvtt");
    EXPECT_EQ(probe["streams"][3]["tags"].value("mimetype", ""), "image/png");
}

}  // namespace
}  // namespace arina::mux
