// What an extraction becomes for the engine: plain files cut into byte ranges, per-format headers
// kept to their own servers, and the template's fields.

#include "core/extracted_source.hpp"

#include <gtest/gtest.h>

namespace arina {
namespace {

extract::Extraction youtube_like() {
    extract::Extraction x;
    x.kind = extract::ExtractorKind::YtDlp;
    x.info.id = "dQw4w9WgXcQ";
    x.info.title = "A video";
    x.info.uploader = "Someone";
    x.info.upload_date = "20091025";
    media::Stream video;
    video.id = "137";
    video.type = media::StreamType::Video;
    video.height = 1080;
    media::Stream audio;
    audio.id = "140";
    audio.type = media::StreamType::Audio;
    x.presentation.streams = {video, audio};
    x.extras["137"].file_url = "https://cdn-a.example/videoplayback?itag=137";
    x.extras["137"].filesize = 25;
    x.extras["137"].ext = "mp4";
    x.extras["137"].http_headers = {"Referer: https://www.example/watch"};
    x.extras["140"].file_url = "https://cdn-b.example:8443/videoplayback?itag=140";
    x.extras["140"].ext = "m4a";
    return x;
}

TEST(ExtractedSource, AFileOfKnownSizeBecomesByteRangesOfAtMostTheChunkSize) {
    // The chunk size has a floor of 64 KiB; a 25-byte file is one range.
    const auto p = downloadable_presentation(youtube_like(), 10);
    ASSERT_EQ(p.streams[0].fragments.size(), 1u);
    EXPECT_EQ(p.streams[0].fragments[0].url, "https://cdn-a.example/videoplayback?itag=137");
    ASSERT_TRUE(p.streams[0].fragments[0].byte_range);
    EXPECT_EQ(p.streams[0].fragments[0].byte_range->begin, 0);
    EXPECT_EQ(p.streams[0].fragments[0].byte_range->end, 25);

    auto big = youtube_like();
    big.extras["137"].filesize = 200 * 1024 + 7;
    const auto q = downloadable_presentation(big, 64 * 1024);
    ASSERT_EQ(q.streams[0].fragments.size(), 4u);
    EXPECT_EQ(q.streams[0].fragments[3].byte_range->begin, 192 * 1024);
    EXPECT_EQ(q.streams[0].fragments[3].byte_range->end, 200 * 1024 + 7);
    EXPECT_EQ(q.streams[0].fragments[2].sequence, 2);
}

TEST(ExtractedSource, AFileOfUnknownSizeIsOneWholeFragment) {
    const auto p = downloadable_presentation(youtube_like(), 1 << 20);
    ASSERT_EQ(p.streams[1].fragments.size(), 1u);
    EXPECT_FALSE(p.streams[1].fragments[0].byte_range);
}

TEST(ExtractedSource, HeadersGoOnlyToTheOriginsOfTheirOwnFormat) {
    const auto scoped = origin_headers(youtube_like(), {"137", "140"});
    ASSERT_EQ(scoped.size(), 1u);
    EXPECT_EQ(scoped[0].origins, (std::vector<std::string>{"https://cdn-a.example:443"}));
    EXPECT_EQ(scoped[0].headers, (std::vector<std::string>{"Referer: https://www.example/watch"}));
    // A format not chosen sends nothing.
    EXPECT_TRUE(origin_headers(youtube_like(), {"140"}).empty());
}

TEST(ExtractedSource, FormatsSharingAnOriginSendEachHeaderOnce) {
    auto x = youtube_like();
    x.extras["140"].file_url = "https://cdn-a.example/videoplayback?itag=140";
    x.extras["140"].http_headers = {"Referer: https://www.example/watch", "X-Audio: 1"};
    const auto scoped = origin_headers(x, {"137", "140"});
    ASSERT_EQ(scoped.size(), 1u);
    EXPECT_EQ(scoped[0].headers,
              (std::vector<std::string>{"Referer: https://www.example/watch", "X-Audio: 1"}));
}

TEST(ExtractedSource, HeadersOfAPlaylistFormatCoverItsPlaylistAndKeys) {
    extract::Extraction x;
    media::Stream hls;
    hls.id = "hls-720";
    hls.playlist_url = "http://Media.Example/720/index.m3u8";
    media::Fragment f;
    f.url = "http://seg.example/a.ts";
    f.key = media::Encryption{media::EncryptionMethod::Aes128, "http://keys.example/k", std::nullopt};
    hls.fragments = {f};
    x.presentation.streams = {hls};
    x.extras["hls-720"].http_headers = {"Origin: http://www.example"};
    const auto scoped = origin_headers(x, {"hls-720"});
    ASSERT_EQ(scoped.size(), 3u);
    EXPECT_EQ(scoped[0].origins, (std::vector<std::string>{"http://media.example:80"}));
    EXPECT_EQ(scoped[1].origins, (std::vector<std::string>{"http://seg.example:80"}));
    EXPECT_EQ(scoped[2].origins, (std::vector<std::string>{"http://keys.example:80"}));
    EXPECT_EQ(scoped[2].headers, (std::vector<std::string>{"Origin: http://www.example"}));
}

TEST(ExtractedSource, OneChosenPlainFileDownloadsAsAFileWithItsOwnExtension) {
    const auto x = youtube_like();
    const auto p = x.presentation;
    std::vector<stream::SelectedFormat> one{{&p.streams[1], false}};
    EXPECT_EQ(single_file_format(x, one), "140");
    EXPECT_EQ(file_extension(x, "140"), "m4a");
    std::vector<stream::SelectedFormat> two{{&p.streams[0], false}, {&p.streams[1], false}};
    EXPECT_EQ(single_file_format(x, two), "");
    // Chosen from the presentation as the engine gets it (the file cut into ranges): still a file.
    const auto ranged = downloadable_presentation(x, 1 << 20);
    std::vector<stream::SelectedFormat> from_ranged{{&ranged.streams[0], false}};
    EXPECT_EQ(single_file_format(x, from_ranged), "137");
}

TEST(ExtractedSource, TheExtensionFallsBackToTheUrlPathThenMp4) {
    extract::Extraction x;
    x.extras["a"].file_url = "https://h.example/dir/clip.WEBM?sig=1.2";
    x.extras["b"].file_url = "https://h.example/play?id=7";
    x.extras["c"].file_url = "https://h.example/clip.mp4";
    x.extras["c"].ext = "../x";  // not an extension: ignored
    EXPECT_EQ(file_extension(x, "a"), "webm");
    EXPECT_EQ(file_extension(x, "b"), "mp4");
    EXPECT_EQ(file_extension(x, "c"), "mp4");
}

TEST(ExtractedSource, NamingFieldsJoinTheChosenFormatsAndKeepTheTallest) {
    const auto x = youtube_like();
    const auto p = x.presentation;
    std::vector<stream::SelectedFormat> two{{&p.streams[0], false}, {&p.streams[1], false}};
    const auto f = naming_fields(x, two, "mkv", "youtube", 3);
    EXPECT_EQ(f.format_id, "137+140");
    EXPECT_EQ(f.height, 1080);
    EXPECT_EQ(f.ext, "mkv");
    EXPECT_EQ(f.platform, "youtube");
    EXPECT_EQ(f.playlist_index, 3);
    EXPECT_EQ(f.uploader, "Someone");
    const auto rendered = render_output_template("%(title)s [%(id)s].%(ext)s", f);
    ASSERT_TRUE(std::holds_alternative<std::filesystem::path>(rendered));
    EXPECT_EQ(std::get<std::filesystem::path>(rendered), "A video [dQw4w9WgXcQ].mkv");
}

}  // namespace
}  // namespace arina
