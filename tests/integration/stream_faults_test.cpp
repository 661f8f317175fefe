// Stream downloads against a misbehaving server: fragments that never come, fragments that come
// on the third try, holes allowed on request, malformed playlists.

#include "fixtures/stream_test_fixture.hpp"

namespace arina::test {
namespace {

namespace media_fx = stream_media;

class StreamFaultTest : public StreamTest {
  protected:
    void SetUp() override {
        const auto ts = media_fx::source_ts(dir.path());
        ASSERT_TRUE(media_fx::hls_ts(ts, dir / "www/hls"));
        server.serve_directory("/hls", dir / "www/hls");
    }
};

TEST_F(StreamFaultTest, FragmentMissingForeverFailsNamingIt) {
    server.set_faults("/hls/seg3.ts", {.error_status = 404});
    const auto r = run(job_for("/hls/index.m3u8"));
    EXPECT_EQ(r.error.reason, FailReason::FragmentMissing);
    EXPECT_EQ(r.error.message, "fragment 4 of 8 (" + server.url("/hls/seg3.ts") +
                                   "): server answered HTTP 404 (gave up after 3 attempts)");
    // A 404 on every try is persistent: the playlist is fetched once more (the URL may have been a
    // signed one that expired), then two quick retries, not the whole budget of 10.
    EXPECT_EQ(server.requests_for("/hls/seg3.ts").size(), 3u);
    EXPECT_EQ(server.requests_for("/hls/index.m3u8").size(), 2u);
    EXPECT_TRUE(r.retries_exhausted);  // the task layer does not start it all over again
    EXPECT_FALSE(std::filesystem::exists(out() / "index.mp4"));
    EXPECT_FALSE(std::filesystem::exists(out() / "index.mp4.tmp"));
}

TEST_F(StreamFaultTest, FragmentRetriedAfterRetryAfterThenSucceeds) {
    server.set_faults("/hls/seg2.ts",
                      {.error_status = 503, .error_first_requests = 2, .retry_after_seconds = 1});
    const auto started = std::chrono::steady_clock::now();
    const auto r = run(job_for("/hls/index.m3u8"));
    EXPECT_STREAM_OK(r);
    const auto q = server.requests_for("/hls/seg2.ts");
    ASSERT_EQ(q.size(), 3u);
    EXPECT_EQ(q[0].status, 503);
    EXPECT_EQ(q[1].status, 503);
    EXPECT_EQ(q[2].status, 200);
    EXPECT_GE(std::chrono::steady_clock::now() - started,
              std::chrono::milliseconds(1900));  // Retry-After: 1, twice
    EXPECT_NEAR(media_fx::summarize(r.file).duration, media_fx::kClipSeconds, 0.5);
}

TEST_F(StreamFaultTest, DroppedConnectionsAreRetried) {
    server.set_faults("/hls/seg5.ts", {.drop_after_bytes = 5000, .drop_first_requests = 2});
    server.set_faults("/hls/seg0.ts", {.drop_after_bytes = 100, .drop_first_requests = 1});
    const auto r = run(job_for("/hls/index.m3u8"));
    EXPECT_STREAM_OK(r);
    EXPECT_EQ(server.requests_for("/hls/seg5.ts").size(), 3u);
    EXPECT_EQ(server.requests_for("/hls/seg0.ts").size(), 2u);
    // The cut-off bytes never reach the file: identical to an undisturbed download.
    server.set_faults("/hls/seg5.ts", {});
    server.set_faults("/hls/seg0.ts", {});
    auto clean = job_for("/hls/index.m3u8");
    clean.output_name = "clean";
    const auto c = run(clean);
    EXPECT_STREAM_OK(c);
    EXPECT_EQ(sha256_file_hex(r.file), sha256_file_hex(c.file));
}

TEST_F(StreamFaultTest, StalledFragmentIsRetried) {
    server.set_faults("/hls/seg1.ts", {.stall_after_bytes = 1000, .stall_first_requests = 1});
    auto job = job_for("/hls/index.m3u8");
    job.http.socket_timeout = 1;
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    EXPECT_EQ(server.requests_for("/hls/seg1.ts").size(), 2u);
}

TEST_F(StreamFaultTest, SkipUnavailableFragmentsListsWhatIsMissing) {
    server.set_faults("/hls/seg3.ts", {.error_status = 404});
    server.set_faults("/hls/seg6.ts", {.error_status = 410});
    auto job = job_for("/hls/index.m3u8");
    job.skip_unavailable_fragments = true;
    job.fragment_retries = 2;
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    ASSERT_TRUE(std::filesystem::exists(r.file));
    const std::string all = notices(r);
    EXPECT_NE(all.find("fragment 4 of 8 (" + server.url("/hls/seg3.ts") +
                       "): server answered HTTP 404 (gave up "
                       "after 3 attempts); skipped"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("fragment 7 of 8 (" + server.url("/hls/seg6.ts") + "): server answered HTTP 410"),
              std::string::npos)
        << all;
    int skipped = 0;
    for (const auto& n : r.notices) skipped += n.find("skipped") != std::string::npos;
    EXPECT_EQ(skipped, 2) << all;
    // The gaps stay gaps on the timeline (the timestamps around them are kept): still playable.
    const auto summary = media_fx::summarize(r.file);
    EXPECT_EQ(summary.codecs, "h264,aac");
    EXPECT_LE(summary.duration, media_fx::kClipSeconds + 0.5);
}

TEST_F(StreamFaultTest, MalformedPlaylistIsABadManifest) {
    server.serve_bytes("/bad.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:abc,\nseg0.ts\n");
    const auto r = run(job_for("/bad.m3u8"));
    EXPECT_EQ(r.error.reason, FailReason::BadManifest);
    EXPECT_NE(r.error.message.find(server.url("/bad.m3u8")), std::string::npos) << r.error.message;
    EXPECT_NE(r.error.message.find("HLS playlist line 3: EXTINF has an invalid duration"), std::string::npos)
        << r.error.message;
    EXPECT_FALSE(std::filesystem::exists(out() / "bad.mp4"));
}

TEST_F(StreamFaultTest, NotAManifestAtAll) {
    server.serve_bytes("/page.m3u8", "<html><body>Sign in</body></html>", {.content_type = "text/html"});
    const auto r = run(job_for("/page.m3u8"));
    EXPECT_EQ(r.error.reason, FailReason::BadManifest);
    EXPECT_NE(r.error.message.find("not an HLS playlist or DASH manifest (Content-Type text/html)"),
              std::string::npos)
        << r.error.message;
}

TEST_F(StreamFaultTest, ManifestNotFound) {
    const auto r = run(job_for("/nothing.m3u8"));
    EXPECT_EQ(r.error.reason, FailReason::Http);
    EXPECT_EQ(r.error.message, "manifest " + server.url("/nothing.m3u8") + ": server answered HTTP 404");
    EXPECT_EQ(server.requests_for("/nothing.m3u8").size(), 1u);  // a 404 manifest is not retried
}

TEST_F(StreamFaultTest, UnavailableFormatIsAUsageError) {
    auto job = job_for("/hls/index.m3u8");
    job.format = "1080";
    const auto r = run(job);
    EXPECT_EQ(r.error.reason, FailReason::Usage);
    EXPECT_NE(r.error.message.find("hls-media"), std::string::npos) << r.error.message;
}

TEST_F(StreamFaultTest, KeyThatIsNotSixteenBytes) {
    const auto ts = media_fx::source_ts(dir.path());
    ASSERT_TRUE(media_fx::hls_encrypted(ts, dir / "www/enc", "0123456789abcdef"));
    test::write_file(dir / "www/enc/key.bin", "short");
    server.serve_directory("/enc", dir / "www/enc");
    const auto r = run(job_for("/enc/index.m3u8"));
    EXPECT_EQ(r.error.reason, FailReason::BadResponse);
    EXPECT_EQ(r.error.message, "key " + server.url("/enc/key.bin") + ": expected 16 bytes, got 5");
}

}  // namespace
}  // namespace arina::test
