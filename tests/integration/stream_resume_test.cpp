// Crash safety of stream downloads: after SIGKILL (the download runs in arina-stream-driver, a child
// process) or cancel, a second run fetches only the fragments after the recorded prefix and ends
// with the same file as an uninterrupted run.

#include <signal.h>

#include <set>
#include <thread>

#include "fixtures/stream_test_fixture.hpp"
#include "stream/reorder_window.hpp"
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

// Fragments that complete before their turn are spilled to files of their own and recorded in the
// sidecar: after SIGKILL the rerun fetches only the fragments that were in flight (at most -N) and
// those never started, and takes the spilled ones from disk.
class StreamSpillResumeTest : public StreamTest {
  protected:
    static constexpr int kSegments = 30;
    static constexpr int kConnections = 4;
    static constexpr int kStalled = 10;  // the fragment that holds up the writing

    void SetUp() override {
        const auto ts = media_fx::source_ts(dir.path(), kSegments);
        ASSERT_TRUE(media_fx::hls_ts(ts, dir / "www/hls"));
        ASSERT_TRUE(
            std::filesystem::exists(dir / "www/hls" / ("seg" + std::to_string(kSegments - 1) + ".ts")));
        server.serve_directory("/hls", dir / "www/hls");
        server.serve_directory("/ref", dir / "www/hls");
        // The fragment after the first ten stalls (its first request only): the ones after it
        // complete out of order and wait in the reorder window until it is full.
        server.set_faults("/hls/seg" + std::to_string(kStalled) + ".ts",
                          {.stall_after_bytes = 1000, .stall_first_requests = 1});
    }

    std::set<int> segments_requested() const {
        std::set<int> out;
        for (const auto& q : requests_like("/hls/seg", ".ts")) out.insert(std::stoi(q.path.substr(8)));
        return out;
    }
};

#ifdef ARINA_STREAM_DRIVER_BIN
TEST_F(StreamSpillResumeTest, SigkillWithFragmentsWaitingOutOfOrderRefetchesOnlyThoseInFlight) {
    const auto sidecar = out() / "index.mp4.stream.arina";
    // The window lets fragments start up to max_ahead - 1 places after the stalled one.
    const auto window = stream::window_limits(kConnections, 0);
    const std::size_t waiting = static_cast<std::size_t>(window.max_ahead - 1);
    stream::TrackResume recorded;
    std::set<int> first_run;
    {
        Child first(
            {ARINA_STREAM_DRIVER_BIN, "-P", out().string(), "-N", std::to_string(kConnections),
             "--socket-timeout", "120", "--retry-sleep", "exp=0.02:0.1", server.url("/hls/index.m3u8")},
            dir / "first.log");
        bool caught = false;
        for (int i = 0; i < 600 && !caught; ++i) {  // bounded: 60 s
            auto loaded = stream::load_stream_resume(sidecar);
            if (auto* s = std::get_if<stream::StreamResumeState>(&loaded); s && !s->tracks.empty()) {
                recorded = s->tracks[0];
                caught = recorded.fragments_done == kStalled && recorded.ahead.size() == waiting;
            }
            if (!caught) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ASSERT_TRUE(caught) << "fragments_done " << recorded.fragments_done << ", ahead "
                            << recorded.ahead.size() << "\n"
                            << read_file(dir / "first.log");
        first.kill(SIGKILL);
        EXPECT_EQ(first.wait(), 128 + SIGKILL);
        first_run = segments_requested();
    }
    // The spilled fragments are the ones right after the stalled one, each in its own file.
    for (std::size_t i = 0; i < recorded.ahead.size(); ++i) {
        const auto& f = recorded.ahead[i];
        EXPECT_EQ(f.number, kStalled + 2 + static_cast<std::int64_t>(i));
        EXPECT_EQ(f.bytes, static_cast<std::int64_t>(std::filesystem::file_size(
                               dir / "www/hls" / ("seg" + std::to_string(f.number - 1) + ".ts"))));
        EXPECT_EQ(read_file(out() / "index.mp4.ahead" / f.file),
                  read_file(dir / "www/hls" / ("seg" + std::to_string(f.number - 1) + ".ts")));
    }

    ASSERT_TRUE(server.wait_until_idle());
    server.clear_log();
    auto job = job_for("/hls/index.m3u8");
    job.connections = kConnections;
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    const std::set<int> second_run = segments_requested();
    // Fetched again: the fragment stuck in flight, and those never started; nothing that had arrived.
    std::set<int> expected{kStalled};
    for (int i = kStalled + 1 + static_cast<int>(waiting); i < kSegments; ++i) expected.insert(i);
    EXPECT_EQ(second_run, expected);
    std::vector<int> twice;
    std::set_intersection(first_run.begin(), first_run.end(), second_run.begin(), second_run.end(),
                          std::back_inserter(twice));
    EXPECT_LE(twice.size(), static_cast<std::size_t>(kConnections)) << "fetched twice: " << twice.size();
    EXPECT_NE(notices(r).find("resumed: 10 of 30 fragments were already downloaded, and " +
                              std::to_string(waiting) + " more had arrived ahead of them"),
              std::string::npos)
        << notices(r);

    auto ref = job_for("/ref/index.m3u8");
    ref.output_dir = dir / "ref";
    const auto reference = run(ref);
    EXPECT_STREAM_OK(reference);
    EXPECT_EQ(sha256_file_hex(r.file).value_or("missing"), sha256_file_hex(reference.file).value_or("none"));
    std::vector<std::string> left;
    for (const auto& e : std::filesystem::directory_iterator(out()))
        left.push_back(e.path().filename().string());
    EXPECT_EQ(left, std::vector<std::string>{"index.mp4"});
}
#endif

}  // namespace
}  // namespace arina::test
