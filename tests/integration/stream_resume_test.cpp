// Crash safety of stream downloads: after SIGKILL (the download runs in arina-stream-driver, a child
// process) or cancel, a second run fetches only the fragments after the recorded prefix and ends
// with the same file as an uninterrupted run.

#include <signal.h>

#include <thread>

#include "fixtures/stream_test_fixture.hpp"
#include "stream/stream_sidecar.hpp"

namespace arina::test {
namespace {

namespace media_fx = stream_media;

// Waits until the sidecar records at least `fragments` of the first stream; -1 on timeout.
std::int64_t wait_for_sidecar(const std::filesystem::path& sidecar, std::int64_t fragments) {
    for (int i = 0; i < 600; ++i) {  // bounded: 30 s
        auto loaded = stream::load_stream_resume(sidecar);
        if (auto* s = std::get_if<stream::StreamResumeState>(&loaded);
            s && !s->tracks.empty() && s->tracks[0].fragments_done >= fragments)
            return s->tracks[0].fragments_done;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -1;
}

class StreamResumeTest : public StreamTest {
  protected:
    void SetUp() override {
        const auto ts = media_fx::source_ts(dir.path());
        ASSERT_TRUE(media_fx::hls_ts(ts, dir / "www/hls"));
        // Slow, so that the download is caught in the middle; /ref serves the same files at full speed.
        server.serve_directory("/hls", dir / "www/hls", {.rate_bytes_per_sec = 40'000});
        server.serve_directory("/ref", dir / "www/hls");
    }

    std::string reference_sha() {
        auto ref = job_for("/ref/index.m3u8");
        ref.output_dir = dir / "ref";
        const auto r = run(ref);
        EXPECT_FALSE(r.error) << r.error.message;
        return sha256_file_hex(r.file).value_or("missing");
    }

    std::vector<int> segments_requested() const {
        std::vector<int> out;
        for (const auto& q : requests_like("/hls/seg", ".ts")) out.push_back(std::stoi(q.path.substr(8)));
        std::sort(out.begin(), out.end());
        return out;
    }
};

#ifdef ARINA_STREAM_DRIVER_BIN
TEST_F(StreamResumeTest, SigkillThenResumeFetchesOnlyWhatIsMissing) {
    const auto sidecar = out() / "index.mp4.stream.arina";
    {
        Child first({ARINA_STREAM_DRIVER_BIN, "-P", out().string(), "-N", "2", "--retry-sleep",
                     "exp=0.02:0.1", server.url("/hls/index.m3u8")},
                    dir / "first.log");
        ASSERT_GE(wait_for_sidecar(sidecar, 3), 3) << read_file(dir / "first.log");
        first.kill(SIGKILL);
        EXPECT_EQ(first.wait(), 128 + SIGKILL);
    }
    EXPECT_FALSE(std::filesystem::exists(out() / "index.mp4"));
    auto loaded = stream::load_stream_resume(sidecar);
    ASSERT_TRUE(std::holds_alternative<stream::StreamResumeState>(loaded));
    const auto recorded = std::get<stream::StreamResumeState>(loaded).tracks.at(0);
    ASSERT_GE(recorded.fragments_done, 3);
    ASSERT_LT(recorded.fragments_done, media_fx::kClipSeconds);
    // The crash may have left part of a fragment after the recorded prefix.
    EXPECT_GE(static_cast<std::int64_t>(std::filesystem::file_size(out() / recorded.file)), recorded.bytes);

    ASSERT_TRUE(server.wait_until_idle());
    server.clear_log();
    const auto r = run(job_for("/hls/index.m3u8"));
    EXPECT_STREAM_OK(r);
    // No fragment already on disk is asked for again; every other one is.
    std::vector<int> expected;
    for (int i = static_cast<int>(recorded.fragments_done); i < media_fx::kClipSeconds; ++i)
        expected.push_back(i);
    EXPECT_EQ(segments_requested(), expected);
    EXPECT_NE(notices(r).find("resumed: " + std::to_string(recorded.fragments_done) + " of 8 fragments"),
              std::string::npos)
        << notices(r);
    EXPECT_EQ(r.resumed_bytes, recorded.bytes);
    EXPECT_EQ(sha256_file_hex(r.file).value_or(""), reference_sha());
    EXPECT_FALSE(std::filesystem::exists(sidecar));
    EXPECT_FALSE(std::filesystem::exists(out() / recorded.file));
}
#endif

TEST_F(StreamResumeTest, CancelKeepsThePrefixAndTheNextRunCompletesIt) {
    int done_at_cancel = 0;
    const auto first = run(job_for("/hls/index.m3u8"), [&](stream::StreamDownload& d) {
        for (int i = 0; i < 600 && d.progress().fragments_done < 3; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        done_at_cancel = d.progress().fragments_done;
        cancel(d);
    });
    EXPECT_EQ(first.error.reason, FailReason::Cancelled);
    EXPECT_FALSE(std::filesystem::exists(out() / "index.mp4"));
    auto loaded = stream::load_stream_resume(out() / "index.mp4.stream.arina");
    ASSERT_TRUE(std::holds_alternative<stream::StreamResumeState>(loaded));
    const auto recorded = std::get<stream::StreamResumeState>(loaded).tracks.at(0).fragments_done;
    EXPECT_GE(recorded, done_at_cancel);  // the final save on cancel records everything written

    ASSERT_TRUE(server.wait_until_idle());
    server.clear_log();
    const auto r = run(job_for("/hls/index.m3u8"));
    EXPECT_STREAM_OK(r);
    const auto requested = segments_requested();
    ASSERT_FALSE(requested.empty());
    EXPECT_EQ(requested.front(), recorded);
    EXPECT_EQ(requested.size(), static_cast<std::size_t>(media_fx::kClipSeconds - recorded));
    EXPECT_EQ(sha256_file_hex(r.file).value_or(""), reference_sha());
}

TEST_F(StreamResumeTest, NoContinueStartsOver) {
    const auto first = run(job_for("/hls/index.m3u8"), [&](stream::StreamDownload& d) {
        for (int i = 0; i < 600 && d.progress().fragments_done < 2; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        cancel(d);
    });
    EXPECT_EQ(first.error.reason, FailReason::Cancelled);
    ASSERT_TRUE(server.wait_until_idle());
    server.clear_log();
    auto job = job_for("/ref/index.m3u8");  // same files, full speed
    job.continue_partial = false;
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    EXPECT_EQ(requests_like("/ref/seg", ".ts").size(), static_cast<std::size_t>(media_fx::kClipSeconds));
}

TEST_F(StreamResumeTest, SidecarOfOtherFormatsIsDiscarded) {
    const auto first = run(job_for("/hls/index.m3u8"), [&](stream::StreamDownload& d) {
        for (int i = 0; i < 600 && d.progress().fragments_done < 2; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        cancel(d);
    });
    EXPECT_EQ(first.error.reason, FailReason::Cancelled);
    // Another URL for the same output name: the partial download is not spliced into it.
    ASSERT_TRUE(server.wait_until_idle());
    server.clear_log();
    auto job = job_for("/ref/index.m3u8");
    job.output_name = "index";
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    EXPECT_NE(notices(r).find("does not match this stream"), std::string::npos) << notices(r);
    EXPECT_EQ(requests_like("/ref/seg", ".ts").size(), static_cast<std::size_t>(media_fx::kClipSeconds));
    EXPECT_EQ(sha256_file_hex(r.file).value_or(""), reference_sha());
}

}  // namespace
}  // namespace arina::test
