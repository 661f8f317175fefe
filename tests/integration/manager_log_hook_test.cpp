// The library's log hook: with a handler installed, everything the library has to say
// reaches it (state transitions at debug level, a config file it could not read, a download
// answered 503 once, a stream download and its mux) and nothing is printed on stderr. The process's
// stderr is redirected to a file while the downloads run, and read back.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>

#include "core/download_manager.hpp"
#include "core/log.hpp"
#include "fixtures/stream_media.hpp"
#include "server/test_server.hpp"
#include "support/test_support.hpp"

namespace arina::test {
namespace {

namespace fs = std::filesystem;

// Sends the process's stderr (fd 2) to a file until restore().
class StderrToFile {
  public:
    explicit StderrToFile(const fs::path& file) : path_(file) {
        std::fflush(stderr);
        saved_ = ::dup(2);
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, 2);
        ::close(fd);
    }
    std::string restore() {
        if (saved_ >= 0) {
            std::fflush(stderr);
            ::dup2(saved_, 2);
            ::close(saved_);
            saved_ = -1;
        }
        return read_file(path_);
    }
    ~StderrToFile() { restore(); }

  private:
    fs::path path_;
    int saved_ = -1;
};

struct Lines {
    std::mutex mutex;
    std::vector<std::pair<LogLevel, std::string>> lines;
    bool has(LogLevel level, const std::string& part) {
        std::lock_guard lock(mutex);
        return std::any_of(lines.begin(), lines.end(), [&](const auto& l) {
            return l.first == level && l.second.find(part) != std::string::npos;
        });
    }
    std::string all() {
        std::lock_guard lock(mutex);
        std::string s;
        for (const auto& [level, text] : lines) s += std::string(to_string(level)) + ": " + text + "\n";
        return s;
    }
};

TEST(ManagerLogHook, EverythingReachesTheHandlerAndNothingStderr) {
    testing::TestServer server;
    TempDir dir;
    const auto ts = stream_media::source_ts(dir.path(), 3);
    ASSERT_TRUE(stream_media::hls_ts(ts, dir / "www/hls"));
    server.serve_directory("/hls", dir / "www/hls");
    const std::string body = random_bytes(200'000, 3);
    // A 503 with Retry-After once, then the file.
    server.serve_bytes("/busy.bin", body,
                       {.error_status = 503, .error_first_requests = 1, .retry_after_seconds = 0});
    // A config file that does not parse: Config::load() falls back to the defaults and says so.
    write_file(dir / "xdg/arina/config.toml", "max_workers = = 2\n");
    const char* old_xdg = std::getenv("XDG_CONFIG_HOME");
    const std::string saved_xdg = old_xdg ? old_xdg : "";

    Lines got;
    set_log_level(LogLevel::Debug);
    set_log_handler([&](LogLevel level, std::string_view text) {
        std::lock_guard lock(got.mutex);
        got.lines.emplace_back(level, std::string(text));
    });
    StderrToFile captured(dir / "stderr.txt");
    ::setenv("XDG_CONFIG_HOME", (dir / "xdg").c_str(), 1);
    (void)Config::load();
    if (old_xdg)
        ::setenv("XDG_CONFIG_HOME", saved_xdg.c_str(), 1);
    else
        ::unsetenv("XDG_CONFIG_HOME");
    TaskResult plain, stream;
    {
        Config c;
        c.output_dir = dir / "out";
        c.retry_sleep = 0.01;
        c.retry_sleep_max = 0.05;
        c.socket_timeout = 5;
        DownloadManager manager(c);
        auto a = manager.add_task({.url = server.url("/busy.bin")});
        auto b = manager.add_task({.url = server.url("/hls/index.m3u8"), .output_name = "clip.mp4"});
        plain = a.get();
        stream = b.get();
    }
    const std::string on_stderr = captured.restore();
    set_log_handler({});
    set_log_level(LogLevel::Warn);

    EXPECT_EQ(plain.status, TaskStatus::Completed) << plain.error.message;
    EXPECT_EQ(stream.status, TaskStatus::Completed) << stream.error.message;
    EXPECT_EQ(on_stderr, "") << "the library printed on stderr";
    const std::string all = got.all();
    EXPECT_TRUE(got.has(LogLevel::Warn, "using defaults")) << all;
    EXPECT_TRUE(got.has(LogLevel::Debug, "queued -> ")) << all;
    EXPECT_TRUE(got.has(LogLevel::Debug, "-> completed")) << all;
}

}  // namespace
}  // namespace arina::test
