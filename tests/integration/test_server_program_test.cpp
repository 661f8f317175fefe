// The standalone test server program (arina-testserver): started on port 0, its port file, its
// request log and summary, its connection knobs, and SIGTERM; checked with the curl program.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "integration/curl_fetch.hpp"
#include "support/test_support.hpp"

namespace arina {
namespace {

using Clock = std::chrono::steady_clock;
using test::count_of;
using test::fetch;
using test::Fetch;

#ifdef ARINA_TESTSERVER_BIN
// The standalone program: start on port 0, read the port file, serve, stop on SIGTERM, summary.
TEST(TestServerProgram, ServesLogsAndSummarises) {
    test::TempDir dir;
    const auto body = test::random_bytes(200000, 18);
    test::write_file(dir / "files" / "video.ts", body);
    const auto port_file = (dir / "port").string();
    const auto log_file = (dir / "log.jsonl").string();
    const auto out_file = (dir / "stdout").string();
    std::vector<std::string> args = {ARINA_TESTSERVER_BIN,
                                     "--root",
                                     (dir / "files").string(),
                                     "--port-file",
                                     port_file,
                                     "--log",
                                     log_file,
                                     "--rate",
                                     "4M",
                                     "--error-status",
                                     "503",
                                     "--error-first",
                                     "1",
                                     "--retry-after",
                                     "2"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);

    std::string port;
    for (int i = 0; i < 500 && port.empty(); ++i) {
        port = test::read_file(port_file);
        if (port.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    while (!port.empty() && port.back() == '\n') port.pop_back();
    ASSERT_FALSE(port.empty());
    const std::string url = "http://127.0.0.1:" + port + "/video.ts";
    const auto refused = fetch(url);
    EXPECT_EQ(refused.status, 503);
    EXPECT_EQ(refused.header("Retry-After"), "2");
    const auto ok = fetch(url, {"-r", "1000-"});
    EXPECT_EQ(ok.status, 206);
    EXPECT_EQ(ok.body, body.substr(1000));

    ::kill(pid, SIGTERM);
    int status = 0;
    bool exited = false;
    for (int i = 0; i < 500 && !exited; ++i) {
        exited = ::waitpid(pid, &status, WNOHANG) == pid;
        if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!exited) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
    }
    ASSERT_TRUE(exited);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    const auto out = test::read_file(out_file);
    EXPECT_NE(out.find("listening on http://127.0.0.1:" + port + "\n"), std::string::npos) << out;
    // The summary counts error pages too: 199000 body bytes plus the 503 page.
    const auto entry = out.find("\"/video.ts\":{\"body_bytes\":");
    ASSERT_NE(entry, std::string::npos) << out;
    EXPECT_TRUE(out.substr(entry, out.find('}', entry) - entry).ends_with("\"requests\":2")) << out;
    const auto log = test::read_file(log_file);
    EXPECT_EQ(count_of(log, "\n"), 2) << log;
    EXPECT_NE(log.find("\"status\":503"), std::string::npos) << log;
    EXPECT_NE(log.find("\"bytes\":199000"), std::string::npos) << log;
    EXPECT_NE(log.find("\"range\":\"bytes=1000-\""), std::string::npos) << log;
}
// The program with the connection knobs, started on port 0 and stopped with SIGTERM.
class ServerProgram {
  public:
    explicit ServerProgram(std::vector<std::string> knobs) {
        port_file_ = (dir_ / "port").string();
        out_file_ = (dir_ / "stdout").string();
        std::vector<std::string> args = {ARINA_TESTSERVER_BIN, "--port-file", port_file_};
        args.insert(args.end(), knobs.begin(), knobs.end());
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, out_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
        for (int i = 0; i < 500 && pid_ > 0 && port_.empty(); ++i) {
            port_ = test::read_file(port_file_);
            if (port_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        while (!port_.empty() && port_.back() == '\n') port_.pop_back();
    }
    ~ServerProgram() { stop(); }
    ServerProgram(const ServerProgram&) = delete;
    ServerProgram& operator=(const ServerProgram&) = delete;

    std::string url(const std::string& path) const { return "http://127.0.0.1:" + port_ + path; }
    bool listening() const { return !port_.empty(); }
    // SIGTERM, then the exit status (-1 when it had to be killed) and everything it printed.
    int stop() {
        if (pid_ <= 0) return -1;
        ::kill(pid_, SIGTERM);
        int status = 0;
        bool exited = false;
        for (int i = 0; i < 500 && !exited; ++i) {
            exited = ::waitpid(pid_, &status, WNOHANG) == pid_;
            if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (!exited) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
        }
        pid_ = -1;
        return exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::string output() const { return test::read_file(out_file_); }

  private:
    test::TempDir dir_;
    std::string port_file_, out_file_, port_;
    pid_t pid_ = -1;
};

TEST(TestServerProgram, ConnectionKnobs) {
    test::TempDir files;
    const auto body = test::random_bytes(200000, 33);
    test::write_file(files / "f.bin", body);
    ServerProgram program({"--file", (files / "f.bin").string(), "--latency-ms", "500", "--max-connections",
                           "1", "--slow-every", "2", "--slow-rate", "100K", "--total-rate", "500K"});
    ASSERT_TRUE(program.listening());
    const auto url = program.url("/f.bin");
    // Connection 1 is served (slowly: the latency, then 200000 bytes at the shared 500 KiB/s);
    // connection 2 arrives meanwhile and is refused.
    Fetch first, second;
    std::thread a([&] { first = fetch(url); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::thread b([&] { second = fetch(url); });
    a.join();
    b.join();
    EXPECT_EQ(first.body, body) << first.output;
    EXPECT_EQ(second.status, 503);
    // Connection 3: the shared rate (0.5 s + 0.38 s); connection 4: the slow rate (0.5 s + 1.95 s).
    const auto third = fetch(url);
    const auto fourth = fetch(url);
    EXPECT_EQ(third.body, body);
    EXPECT_EQ(fourth.body, body);
    EXPECT_GE(third.seconds, 0.8);
    EXPECT_LT(third.seconds, 2.0);
    EXPECT_GE(fourth.seconds, 2.2);
    EXPECT_EQ(program.stop(), 0);
    const auto out = program.output();
    EXPECT_NE(out.find("\"connections\":4,"), std::string::npos) << out;
    EXPECT_NE(out.find("\"rejected_connections\":1"), std::string::npos) << out;
    EXPECT_NE(out.find("\"max_concurrent_connections\":1,"), std::string::npos) << out;
}

// The range flags: honest other ranges and blocks are named and sent, the lies only from
// request --lie-after + 1 on.
TEST(TestServerProgram, RangeKnobs) {
    test::TempDir files;
    const auto body = test::random_bytes(100000, 34);
    test::write_file(files / "f.bin", body);
    {
        ServerProgram program(
            {"--file", (files / "f.bin").string(), "--other-range-shift", "-500", "--lie-after", "1"});
        ASSERT_TRUE(program.listening());
        const auto honest = fetch(program.url("/f.bin"), {"-r", "1000-1999"});
        EXPECT_EQ(honest.header("Content-Range"), "bytes 1000-1999/100000");
        EXPECT_EQ(honest.body, body.substr(1000, 1000));
        const auto moved = fetch(program.url("/f.bin"), {"-r", "1000-1999"});
        EXPECT_EQ(moved.status, 206);
        EXPECT_EQ(moved.header("Content-Range"), "bytes 500-1499/100000");
        EXPECT_EQ(moved.body, body.substr(500, 1000));
        EXPECT_EQ(program.stop(), 0);
    }
    {
        ServerProgram program({"--file", (files / "f.bin").string(), "--range-block-bytes", "4096"});
        ASSERT_TRUE(program.listening());
        const auto widened = fetch(program.url("/f.bin"), {"-r", "5000-5099"});
        EXPECT_EQ(widened.header("Content-Range"), "bytes 4096-8191/100000");
        EXPECT_EQ(widened.body, body.substr(4096, 4096));
        EXPECT_EQ(program.stop(), 0);
    }
    {
        ServerProgram program({"--file", (files / "f.bin").string(), "--content-range-shift", "7"});
        ASSERT_TRUE(program.listening());
        const auto lie = fetch(program.url("/f.bin"), {"-r", "0-99"});
        EXPECT_EQ(lie.header("Content-Range"), "bytes 7-106/100000");
        EXPECT_EQ(lie.body, body.substr(0, 100));
        EXPECT_EQ(program.stop(), 0);
    }
}
#endif

}  // namespace
}  // namespace arina
