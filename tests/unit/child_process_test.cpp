// The supervised child process: exit codes, output capture and its limits, the deadline, cancel,
// a missing program, a crash, and no zombie or inherited descriptor left behind. The children
// are /bin/sh with a script as an argument (an argument vector: no command line is parsed).

#include "extract/child_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <thread>

namespace arina::extract {
namespace {

using namespace std::chrono_literals;

ChildOptions sh(const std::string& script) {
    ChildOptions options;
    options.argv = {"/bin/sh", "-c", script};
    options.timeout = 20s;
    return options;
}

/// No child of this process is left, running or zombie.
void expect_no_children() {
    errno = 0;
    EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
}

/// A process that no longer runs (gone, or a zombie waiting for init to reap it).
bool process_ended(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return true;
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

/// A process that was signalled closes its descriptors before the kernel marks it a zombie, so
/// "its pipe is closed" can be seen a moment before "it has ended": wait for the latter, bounded.
bool process_ends_within(pid_t pid, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!process_ended(pid)) {
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

TEST(ChildProcess, ExitCodeStdoutAndStderr) {
    const auto r = run_child(sh("printf 'to stdout'; printf 'to stderr' >&2; exit 3"));
    EXPECT_EQ(r.end, ChildEnd::Exited);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.out, "to stdout");
    EXPECT_EQ(r.err_tail, "to stderr");
    expect_no_children();

    const auto ok = run_child(sh("exit 0"));
    EXPECT_EQ(ok.end, ChildEnd::Exited);
    EXPECT_EQ(ok.exit_code, 0);
}

TEST(ChildProcess, LargeOutputIsReadWhileItIsWritten) {
    // 40 MiB: far more than a pipe holds, so the child blocks unless we read as it writes.
    const auto r = run_child(sh("head -c 41943040 /dev/zero; printf done >&2"));
    EXPECT_EQ(r.end, ChildEnd::Exited);
    EXPECT_EQ(r.out.size(), 41943040U);
    EXPECT_EQ(r.err_tail, "done");
}

TEST(ChildProcess, OutputBeyondTheLimitEndsTheChild) {
    auto options = sh("exec yes arina");
    options.stdout_limit = 1024 * 1024;
    const auto r = run_child(options);
    EXPECT_EQ(r.end, ChildEnd::OutputTooLarge);
    EXPECT_EQ(r.out.size(), 1024U * 1024U);
    EXPECT_EQ(r.out.substr(0, 12), "arina\narina\n");
    expect_no_children();
}

TEST(ChildProcess, StderrKeepsItsTail) {
    // 300 KiB of noise, then the line that matters.
    const auto r = run_child(sh("head -c 307200 /dev/zero | tr '\\0' x >&2; printf '\\nERROR: the end' >&2"));
    EXPECT_EQ(r.end, ChildEnd::Exited);
    EXPECT_EQ(r.err_tail.size(), 64U * 1024U);
    EXPECT_EQ(r.err_tail.substr(r.err_tail.size() - 15), "\nERROR: the end");
}

TEST(ChildProcess, DeadlineEndsTheChildAndWhatItStarted) {
    auto options = sh("sleep 30 & echo $!; wait");
    options.timeout = 300ms;
    const auto r = run_child(options);
    EXPECT_EQ(r.end, ChildEnd::TimedOut);
    EXPECT_EQ(r.signal, SIGTERM);
    EXPECT_GE(r.elapsed, 300ms);
    EXPECT_LT(r.elapsed, 3s);
    const pid_t sleeper = std::stoi(r.out);
    EXPECT_TRUE(process_ends_within(sleeper, 2s))
        << "the background sleep " << sleeper << " outlived the deadline";
    expect_no_children();
}

TEST(ChildProcess, SigkillAfterTheGraceWhenSigtermIsIgnored) {
    auto options = sh("trap '' TERM; while :; do sleep 1; done");
    options.timeout = 200ms;
    options.kill_grace = 300ms;
    const auto r = run_child(options);
    EXPECT_EQ(r.end, ChildEnd::TimedOut);
    EXPECT_EQ(r.signal, SIGKILL);
    EXPECT_GE(r.elapsed, 500ms);
    EXPECT_LT(r.elapsed, 3s);
    expect_no_children();
}

TEST(ChildProcess, CancelEndsItPromptly) {
    std::atomic<bool> cancel{false};
    auto options = sh("sleep 30");
    options.cancel = &cancel;
    std::thread canceller([&] {
        std::this_thread::sleep_for(200ms);
        cancel = true;
    });
    const auto r = run_child(options);
    canceller.join();
    EXPECT_EQ(r.end, ChildEnd::Cancelled);
    EXPECT_LT(r.elapsed, 2s);
    expect_no_children();
}

TEST(ChildProcess, MissingProgram) {
    ChildOptions options;
    options.argv = {"arina-no-such-program-4711", "--version"};
    const auto on_path = run_child(options);
    EXPECT_EQ(on_path.end, ChildEnd::SpawnFailed);
    EXPECT_EQ(on_path.spawn_errno, ENOENT);
    options.argv = {"/nonexistent/dir/yt-dlp"};
    const auto by_path = run_child(options);
    EXPECT_EQ(by_path.end, ChildEnd::SpawnFailed);
    EXPECT_EQ(by_path.spawn_errno, ENOENT);
    expect_no_children();
}

TEST(ChildProcess, CrashIsASignal) {
    const auto r = run_child(sh("kill -SEGV $$"));
    EXPECT_EQ(r.end, ChildEnd::Signaled);
    EXPECT_EQ(r.signal, SIGSEGV);
    expect_no_children();
}

TEST(ChildProcess, NoInheritedDescriptorsEnvironmentAndEmptyStdin) {
    const int leaked = ::open("/dev/null", O_RDONLY);  // without O_CLOEXEC on purpose
    ASSERT_GE(leaked, 3);
    auto options = sh("ls /proc/$$/fd; printf 'env=%s\\n' \"$ARINA_CHILD_TEST\"; cat");
    options.env = {"ARINA_CHILD_TEST=hello", "PATH=/usr/bin:/bin"};
    const auto r = run_child(options);
    ::close(leaked);
    EXPECT_EQ(r.end, ChildEnd::Exited);
    EXPECT_EQ(r.out, "0\n1\n2\nenv=hello\n");  // stdin was /dev/null: cat read nothing
}

}  // namespace
}  // namespace arina::extract
