// The bounded reorder window: while the next fragment to write is slow, fragments after it fill
// the window and then no more are started (backpressure), instead of running ahead without bound.

#include <thread>

#include "fixtures/stream_test_fixture.hpp"

namespace arina::test {
namespace {

namespace media_fx = stream_media;

TEST_F(StreamTest, FullReorderWindowStopsStartingFragments) {
    const auto ts = media_fx::source_ts(dir.path());
    ASSERT_TRUE(media_fx::hls_ts(ts, dir / "www/hls"));
    server.serve_directory("/hls", dir / "www/hls");
    server.set_faults("/hls/seg0.ts", {.latency_ms = 2500});  // the first fragment is slow to come
    auto job = job_for("/hls/index.m3u8");
    job.connections = 4;
    job.reorder_window_bytes = 1;  // any finished fragment fills it
    std::size_t started_while_blocked = 0;
    const auto r = run(job, [&](stream::StreamDownload& d) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        started_while_blocked = requests_like("/hls/seg", ".ts").size();
        EXPECT_EQ(d.progress().fragments_done, 0);
    });
    EXPECT_STREAM_OK(r);
    // seg0 plus the three that started with it; nothing more until seg0 was written.
    EXPECT_EQ(started_while_blocked, 4u);
    EXPECT_EQ(requests_like("/hls/seg", ".ts").size(), static_cast<std::size_t>(media_fx::kClipSeconds));
    EXPECT_NEAR(media_fx::summarize(r.file).duration, media_fx::kClipSeconds, 0.5);
}

TEST_F(StreamTest, WithoutBackpressureTheSameDownloadRunsAhead) {
    const auto ts = media_fx::source_ts(dir.path());
    ASSERT_TRUE(media_fx::hls_ts(ts, dir / "www/hls"));
    server.serve_directory("/hls", dir / "www/hls");
    server.set_faults("/hls/seg0.ts", {.latency_ms = 2500});
    auto job = job_for("/hls/index.m3u8");
    job.connections = 4;  // default window: 32 MiB, 16 places ahead
    std::size_t started_while_blocked = 0;
    const auto r = run(job, [&](stream::StreamDownload&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        started_while_blocked = requests_like("/hls/seg", ".ts").size();
    });
    EXPECT_STREAM_OK(r);
    EXPECT_EQ(started_while_blocked, static_cast<std::size_t>(media_fx::kClipSeconds));
}

}  // namespace
}  // namespace arina::test
