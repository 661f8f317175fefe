// Stream fragments whose URLs die: signed segment URLs that expire mid-download are refreshed from
// the manifest (finished fragments are never fetched again), and a page answering for a segment is a
// fragment failure, never bytes in the output.

#include "fixtures/stream_test_fixture.hpp"
#include "media/hls_parser.hpp"

namespace arina::test {
namespace {

namespace media_fx = stream_media;

class StreamRefreshTest : public StreamTest {
  protected:
    void SetUp() override {
        const auto ts = media_fx::source_ts(dir.path());
        ASSERT_TRUE(media_fx::hls_ts(ts, dir / "www/hls"));
        server.serve_directory("/hls", dir / "www/hls");
        server.serve_directory("/plain", dir / "www/hls");  // the same files, unsigned
    }

    int count(const std::string& path, int status) const {
        int n = 0;
        for (const auto& r : server.requests_for(path)) n += r.status == status;
        return n;
    }
};

TEST_F(StreamRefreshTest, SignedSegmentUrlsThatExpireAreRefreshedFromThePlaylist) {
    // Each playlist fetch hands out a new token; a token works for 3 segment requests.
    server.sign_playlist("/hls/index.m3u8", 3);
    auto job = job_for("/hls/index.m3u8");
    job.connections = 2;
    const auto r = run(job);
    EXPECT_STREAM_OK(r);

    // Every fragment came exactly once with success: none was fetched again after it was done.
    for (int i = 0; i < media_fx::kClipSeconds; ++i) {
        const std::string seg = "/hls/seg" + std::to_string(i) + ".ts";
        EXPECT_GE(count(seg, 200) + count(seg, 206), 1) << seg;
        EXPECT_LE(count(seg, 200), 1) << seg;
    }
    // 8 fragments at 3 uses per token need at least 3 tokens; a refresh serves every fragment
    // that died meanwhile, so there are no more refreshes than dead answers; and while it is
    // coming no new fragment is tried, so a token dies at most once per connection.
    const int playlist_fetches = static_cast<int>(server.requests_for("/hls/index.m3u8").size());
    int forbidden = 0;
    for (const auto& q : server.requests()) forbidden += q.status == 403;
    EXPECT_GE(playlist_fetches, 3);
    EXPECT_LE(playlist_fetches, 1 + forbidden);
    std::string log;  // shown when the bounds fail: which request met which token
    for (const auto& q : server.requests()) log += q.target + " " + std::to_string(q.status) + "\n";
    EXPECT_LE(forbidden, 2 * playlist_fetches) << "more dead answers than connections per refresh\n" << log;

    // Byte for byte what an unsigned download gives, and the whole clip.
    auto plain = job_for("/plain/index.m3u8");
    plain.output_name = "plain";
    const auto p = run(plain);
    EXPECT_STREAM_OK(p);
    EXPECT_EQ(sha256_file_hex(r.file), sha256_file_hex(p.file));
    EXPECT_NEAR(media_fx::summarize(r.file).duration, media_fx::kClipSeconds, 0.5);
}

TEST_F(StreamRefreshTest, AnExtractorCanSupplyTheRefresh) {
    server.sign_playlist("/hls/index.m3u8", 4);
    auto job = job_for("/hls/index.m3u8");
    job.connections = 1;
    int asked = 0;
    // A source whose fresh presentation comes from elsewhere (here: the same playlist, fetched by
    // the test's own plain HTTP client, as an extractor would re-extract a page).
    job.refresh_source = [&](std::function<void(stream::RefreshResult)> done) {
        ++asked;
        const auto text = run_program({"/usr/bin/curl", "-sS", server.url("/hls/index.m3u8")}).output;
        auto parsed = media::parse_hls(text, server.url("/hls/index.m3u8"));
        if (auto* e = std::get_if<Error>(&parsed)) return done(*e);
        done(std::get<media::Presentation>(parsed));
    };
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    EXPECT_GE(asked, 1);
    EXPECT_EQ(static_cast<int>(server.requests_for("/hls/index.m3u8").size()), 1 + asked);
}

TEST_F(StreamRefreshTest, APageWhereASegmentBelongsIsAFragmentFailure) {
    server.set_faults("/plain/seg3.ts", {.page_after_requests = 0});
    const auto r = run(job_for("/plain/index.m3u8"));
    EXPECT_EQ(r.error.reason, FailReason::FragmentMissing);
    EXPECT_EQ(r.error.message, "fragment 4 of 8 (" + server.url("/plain/seg3.ts") +
                                   "): server answered HTTP 200 with text/html where a media segment was "
                                   "expected (gave up after 3 attempts)");
    EXPECT_FALSE(std::filesystem::exists(out() / "index.mp4"));
    // The playlist was asked once more (the URL might have been a signed one), not for every try.
    EXPECT_EQ(server.requests_for("/plain/index.m3u8").size(), 2u);
}

}  // namespace
}  // namespace arina::test
