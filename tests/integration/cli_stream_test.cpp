// Streams through the `arina` command and the DownloadManager: a manifest URL (or a URL whose
// Content-Type says manifest) becomes a stream task, -F lists formats, -f picks one, and a
// missing fragment fails the task.

#include "download_fixture.hpp"
#include "fixtures/stream_media.hpp"

namespace arina::test {
namespace {

namespace media_fx = stream_media;

TEST_F(DownloadTest, MasterPlaylistWithAudioRenditionThroughTheCli) {
    ASSERT_TRUE(media_fx::hls_master_with_audio(dir / "www/hls"));
    server.serve_directory("/hls", dir / "www/hls");
    const auto r = arina({"-o", "movie.mp4", server.url("/hls/master.m3u8")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto s = media_fx::summarize(dir / "movie.mp4");
    EXPECT_NEAR(s.duration, media_fx::kClipSeconds, 0.5);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    EXPECT_NE(r.output.find("Downloaded " + (dir / "movie.mp4").string()), std::string::npos) << r.output;
}

// No .m3u8 in the URL, but the server says what it is: the task becomes a stream download.
TEST_F(DownloadTest, APlaylistKnownOnlyByItsContentTypeIsDownloadedAsAStream) {
    ASSERT_TRUE(media_fx::hls_master_with_audio(dir / "www/hls"));
    server.serve_directory("/hls", dir / "www/hls");
    server.serve_bytes("/hls/watch", read_file(dir / "www/hls/master.m3u8"),
                       {.content_type = "application/vnd.apple.mpegurl"});
    const auto r = arina({server.url("/hls/watch?v=1")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto s = media_fx::summarize(dir / "watch.mp4");
    EXPECT_NEAR(s.duration, media_fx::kClipSeconds, 0.5);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    std::vector<std::string> left;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        left.push_back(e.path().filename().string());
    std::sort(left.begin(), left.end());
    EXPECT_EQ(left, (std::vector<std::string>{"watch.mp4", "www"})) << r.output;
}

TEST_F(DownloadTest, ListFormatsAndPickOneThroughTheCli) {
    ASSERT_TRUE(media_fx::dash_template(dir / "www/dash", false));
    server.serve_directory("/dash", dir / "www/dash");
    const auto listed = arina({"-F", server.url("/dash/manifest.mpd")});
    ASSERT_EQ(listed.exit_code, 0) << listed.output;
    EXPECT_NE(listed.output.find("320x240"), std::string::npos) << listed.output;
    EXPECT_NE(listed.output.find("avc1"), std::string::npos) << listed.output;
    EXPECT_FALSE(exists("manifest.mp4"));  // -F downloads nothing
    const auto picked =
        arina({"-f", "bestvideo", "--merge-output-format", "mkv", server.url("/dash/manifest.mpd")});
    ASSERT_EQ(picked.exit_code, 0) << picked.output;
    const auto s = media_fx::summarize(dir / "manifest.mkv");
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 0);
}

// -F asks the server too: by Content-Type a URL is a plain file or a manifest with formats.
TEST_F(DownloadTest, ListFormatsDecidesByContentTypeForOtherUrls) {
    ASSERT_TRUE(media_fx::dash_template(dir / "www/dash", false));
    server.serve_directory("/dash", dir / "www/dash");
    server.serve_bytes("/dash/play", read_file(dir / "www/dash/manifest.mpd"),
                       {.content_type = "application/dash+xml"});
    server.serve_bytes("/file", random_bytes(5000, 81), {.content_type = "application/octet-stream"});
    const auto listed = arina({"-F", server.url("/dash/play"), server.url("/file")});
    ASSERT_EQ(listed.exit_code, 0) << listed.output;
    EXPECT_NE(listed.output.find("320x240"), std::string::npos) << listed.output;
    EXPECT_NE(listed.output.find(server.url("/file") + ": a plain file; it has one format"),
              std::string::npos)
        << listed.output;
    // One request: a GET of at most 256 KiB, which for a page would be the page the extractors
    // read (so a page is not asked for twice); of a file it reads no more than that.
    const auto file_requests = server.requests_for("/file");
    ASSERT_EQ(file_requests.size(), 1u);
    EXPECT_EQ(file_requests[0].method, "GET");
    EXPECT_EQ(file_requests[0].range_header, "");
    const auto missing = arina({"-F", server.url("/missing")});
    EXPECT_EQ(missing.exit_code, 5) << missing.output;
}

TEST_F(DownloadTest, AFragmentThatIsGoneFailsTheTaskWithExitCode12) {
    const auto ts = media_fx::source_ts(dir.path());
    ASSERT_TRUE(media_fx::hls_ts(ts, dir / "www/hls"));
    std::filesystem::remove(dir / "www/hls/seg3.ts");
    server.serve_directory("/hls", dir / "www/hls");
    const auto r = arina({"--fragment-retries", "2", server.url("/hls/index.m3u8")});
    EXPECT_EQ(r.exit_code, 12) << r.output;
    EXPECT_NE(r.output.find("fragment 4 of 8 (" + server.url("/hls/seg3.ts") +
                            "): server answered HTTP 404 (gave up after 3 attempts)"),
              std::string::npos)
        << r.output;
    EXPECT_FALSE(exists("index.mp4"));
    // The manager does not multiply the fragment's attempts by retrying the whole task.
    EXPECT_EQ(server.requests_for("/hls/seg3.ts").size(), 3u);
}

}  // namespace
}  // namespace arina::test
