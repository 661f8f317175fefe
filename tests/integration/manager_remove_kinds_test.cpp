// remove(id, true) for the download kinds manager_files_test.cpp does not cover: a DASH
// video + audio pair (two part files), an HLS master playlist with its audio in a rendition
// of its own, and finished downloads (a plain file and a muxed stream), whose output goes
// too. Nothing may be left in the output folder.

#include <gtest/gtest.h>

#include <thread>

#include "core/download_manager.hpp"
#include "fixtures/stream_media.hpp"
#include "integration/manager_fixture.hpp"
#include "server/test_server.hpp"
#include "support/test_support.hpp"

namespace arina::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class ManagerRemoveKindsTest : public ManagerFixture {
  protected:
    // Starts `url`, pauses it once files whose names contain every one of `markers` are in the
    // output folder, removes it with its files: nothing may be left.
    void pause_then_remove_leaves_nothing(const std::string& url, const std::vector<std::string>& markers) {
        DownloadManager manager(config());
        auto [id, future] = manager.submit({.url = url});
        ASSERT_TRUE(eventually([&] {
            const auto files = files_in_out();
            return std::all_of(markers.begin(), markers.end(), [&](const std::string& m) {
                return std::any_of(files.begin(), files.end(),
                                   [&](const std::string& f) { return f.find(m) != std::string::npos; });
            });
        })) << "not all of "
            << ::testing::PrintToString(markers) << " in " << ::testing::PrintToString(files_in_out());
        ASSERT_TRUE(manager.pause(id));
        ASSERT_TRUE(eventually([&] { return manager.get(id)->status == TaskStatus::Paused; }));
        const auto left = files_in_out();
        ASSERT_TRUE(manager.remove(id, true));
        ASSERT_TRUE(eventually([&] { return !manager.get(id); }));
        EXPECT_EQ(files_in_out(), std::vector<std::string>{})
            << "before remove: " << ::testing::PrintToString(left);
        EXPECT_EQ(future.get().status, TaskStatus::Cancelled);
    }

    // Downloads `url` to the end, then removes it with its files.
    void complete_then_remove_leaves_nothing(const std::string& url) {
        DownloadManager manager(config());
        auto [id, future] = manager.submit({.url = url});
        const TaskResult result = future.get();
        ASSERT_EQ(result.status, TaskStatus::Completed) << result.error.message;
        ASSERT_TRUE(fs::exists(result.file)) << result.file;
        ASSERT_TRUE(manager.remove(id, true));
        ASSERT_TRUE(eventually([&] { return !manager.get(id); }));
        EXPECT_EQ(files_in_out(), std::vector<std::string>{});
    }
};

TEST_F(ManagerRemoveKindsTest, RemoveWithFilesDeletesAPausedDashPair) {
    ASSERT_TRUE(stream_media::dash_template(dir / "www/dash", false));
    server.serve_directory("/dash", dir / "www/dash", {.rate_bytes_per_sec = 40'000});
    // The video and the audio are fetched into part files of their own.
    pause_then_remove_leaves_nothing(server.url("/dash/manifest.mpd"), {".stream.arina", ".part"});
}

TEST_F(ManagerRemoveKindsTest, RemoveWithFilesDeletesAPausedHlsWithAnAudioRendition) {
    ASSERT_TRUE(stream_media::hls_master_with_audio(dir / "www/hls"));
    server.serve_directory("/hls", dir / "www/hls", {.rate_bytes_per_sec = 40'000});
    pause_then_remove_leaves_nothing(server.url("/hls/master.m3u8"), {".stream.arina", ".part"});
}

TEST_F(ManagerRemoveKindsTest, RemoveWithFilesDeletesACompletedPlainFile) {
    server.serve_bytes("/done.bin", random_bytes(300'000, 5));
    complete_then_remove_leaves_nothing(server.url("/done.bin"));
}

TEST_F(ManagerRemoveKindsTest, RemoveWithFilesDeletesACompletedStream) {
    const auto ts = stream_media::source_ts(dir.path(), 3);
    ASSERT_TRUE(stream_media::hls_ts(ts, dir / "www/hls"));
    server.serve_directory("/hls", dir / "www/hls");
    complete_then_remove_leaves_nothing(server.url("/hls/index.m3u8"));
}

}  // namespace
}  // namespace arina::test
