// Live HLS recordings: a playlist that grows on the server (rewritten by a thread of the test),
// ENDLIST, cancel, outages of the playlist, and the live duration limit.

#include <atomic>
#include <thread>

#include "fixtures/stream_test_fixture.hpp"

namespace arina::test {
namespace {

namespace media_fx = stream_media;

constexpr int kLiveSeconds = 12;

class StreamLiveTest : public StreamTest {
  protected:
    std::vector<std::pair<std::string, std::string>> segments;
    std::atomic<std::size_t> published{0};
    std::atomic<bool> stop_growing{false};
    std::size_t window = 5;  // segments the playlist shows
    std::thread grower;

    void SetUp() override {
        const auto ts = media_fx::source_ts(dir.path(), kLiveSeconds);
        ASSERT_TRUE(media_fx::hls_ts(ts, dir / "www/tv"));
        segments = media_fx::segments_of(dir / "www/tv/index.m3u8");
        ASSERT_EQ(segments.size(), static_cast<std::size_t>(kLiveSeconds));
        server.serve_directory("/tv", dir / "www/tv");
        server.serve_bytes("/tv/live.m3u8", media_fx::live_playlist(segments, 0, 3, false));
        published = 3;
    }

    void TearDown() override {
        stop_growing = true;
        if (grower.joinable()) grower.join();
    }

    // The playlist shows the last `window` published segments, as a live server's sliding window.
    void publish(std::size_t count, bool ended) {
        published = count;
        const std::size_t first = count > window ? count - window : 0;
        server.replace_bytes("/tv/live.m3u8", media_fx::live_playlist(segments, first, count, ended));
    }

    // Publishes one more segment every `period`, up to `until`; then ENDLIST if `end`.
    void grow(std::chrono::milliseconds period, std::size_t until, bool end) {
        grower = std::thread([this, period, until, end] {
            for (std::size_t n = published + 1; n <= until && !stop_growing; ++n) {
                std::this_thread::sleep_for(period);
                publish(n, end && n == until);
            }
        });
    }

    static void wait_for_fragments(stream::StreamDownload& d, int count) {
        for (int i = 0; i < 600 && d.progress().fragments_done < count; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
};

TEST_F(StreamLiveTest, GrowingPlaylistIsRecordedUntilEndlist) {
    grow(std::chrono::milliseconds(600), kLiveSeconds, true);
    const auto r = run(job_for("/tv/live.m3u8"));
    EXPECT_STREAM_OK(r);
    const auto s = media_fx::summarize(r.file);
    EXPECT_NEAR(s.duration, kLiveSeconds, 0.5);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    for (int i = 0; i < kLiveSeconds; ++i)
        EXPECT_EQ(server.requests_for("/tv/seg" + std::to_string(i) + ".ts").size(), 1u) << i;
    EXPECT_GE(server.requests_for("/tv/live.m3u8").size(), 5u);
}

TEST_F(StreamLiveTest, CancelFinalisesWhatWasRecorded) {
    grow(std::chrono::milliseconds(700), kLiveSeconds, false);  // never ends
    int recorded = 0;
    const auto r = run(job_for("/tv/live.m3u8"), [&](stream::StreamDownload& d) {
        wait_for_fragments(d, 5);
        recorded = d.progress().fragments_done;
        cancel(d);
    });
    EXPECT_STREAM_OK(r);
    ASSERT_TRUE(std::filesystem::exists(r.file));
    EXPECT_NE(notices(r).find("recording stopped by cancel"), std::string::npos) << notices(r);
    const auto s = media_fx::summarize(r.file);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    EXPECT_GE(s.duration, recorded - 0.5);
    EXPECT_LE(s.duration, kLiveSeconds + 0.5);
    EXPECT_EQ(media_fx::summarize(r.file).codecs, "h264,aac");
    EXPECT_FALSE(std::filesystem::exists(r.file.string() + ".stream.arina"));
}

TEST_F(StreamLiveTest, ShortPlaylistOutageDoesNotEndTheRecording) {
    // The playlist fails for 20 s (server errors), then comes back with more segments and ENDLIST.
    window = 100;  // an event playlist: nothing drops out while it is down
    std::thread outage([this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        server.set_faults("/tv/live.m3u8", {.error_status = 503});
        for (int i = 0; i < 200 && !stop_growing; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        publish(kLiveSeconds, true);
        server.set_faults("/tv/live.m3u8", {});
    });
    const auto r = run(job_for("/tv/live.m3u8"));
    outage.join();
    EXPECT_STREAM_OK(r);
    EXPECT_NEAR(media_fx::summarize(r.file).duration, kLiveSeconds, 0.5);
    int failed = 0;
    for (const auto& q : server.requests_for("/tv/live.m3u8")) failed += q.status == 503;
    EXPECT_GE(failed, 3);
    EXPECT_EQ(notices(r).find("unavailable"), std::string::npos) << notices(r);
}

TEST_F(StreamLiveTest, LongOutageEndsTheRecordingPlayably) {
    auto job = job_for("/tv/live.m3u8");
    job.live_outage_seconds = 2;
    publish(4, false);
    std::thread outage([this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        server.set_faults("/tv/live.m3u8", {.error_status = 503});
    });
    const auto r = run(job);
    outage.join();
    EXPECT_STREAM_OK(r);
    EXPECT_NE(notices(r).find("server answered HTTP 503; the playlist has been unavailable for"),
              std::string::npos)
        << notices(r);
    EXPECT_NEAR(media_fx::summarize(r.file).duration, 4, 0.5);
}

TEST_F(StreamLiveTest, LiveDurationLimitsTheRecording) {
    grow(std::chrono::milliseconds(500), kLiveSeconds, true);
    auto job = job_for("/tv/live.m3u8");
    job.live_duration = 3;
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    EXPECT_NEAR(media_fx::summarize(r.file).duration, 3, 0.5);
    EXPECT_EQ(requests_like("/tv/seg", ".ts").size(), 3u);
}

}  // namespace
}  // namespace arina::test
