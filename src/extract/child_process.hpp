#pragma once
// A supervised child process: run a program from an argument vector (never a shell), collect its
// stdout and the tail of its stderr, and end it when a deadline passes or a cancel flag is set.
// The yt-dlp bridge runs yt-dlp with it; nothing here knows about yt-dlp.
//
// The child runs in a process group of its own, so a deadline or a cancel also ends what it
// started (a shell script's `sleep`, a Python helper) instead of leaving it holding the pipes.
// It gets /dev/null as stdin and no other inherited descriptor (everything from 3 up is closed
// in the child). The child is always reaped before run_child() returns: no zombie is left.
//
// The child dies with Arina: it is started with PR_SET_PDEATHSIG = SIGKILL, so even when Arina is
// killed with SIGKILL (no destructor runs) the kernel ends yt-dlp instead of leaving it running
// for minutes. Linux sends that signal when the *thread* that forked exits, not the process; that
// thread is the one calling run_child(), which does not return before the child is reaped, so
// the signal only ever fires when the whole process dies. (A thread pool that forked and then
// retired a thread would kill children early: never start a child from a thread that may end
// while the child runs.) What the child starts in its group does not get the signal: yt-dlp
// starts nothing when it only prints JSON, and a script that does is killed but its own
// children are orphaned.
//
// Blocking: run_child() returns when the child has exited and its pipes are drained. Call it
// from a thread that may wait (the extraction thread), never the engine or a UI thread.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace arina::extract {

struct ChildOptions {
    /// argv[0] is the program: looked up on PATH when it has no '/', else used as the path.
    std::vector<std::string> argv;
    /// "NAME=value" entries added to (or replacing in) the inherited environment.
    std::vector<std::string> env;
    /// Wall-clock time the child may run before it is ended (SIGTERM, then SIGKILL).
    std::chrono::milliseconds timeout{std::chrono::seconds(120)};
    /// Between SIGTERM and SIGKILL, so the child may clean up.
    std::chrono::milliseconds kill_grace{std::chrono::seconds(2)};
    /// stdout beyond this many bytes ends the child (OutputTooLarge): yt-dlp's JSON for a
    /// 5,000-video playlist is a few MiB, so 64 MiB only trips on a runaway.
    std::size_t stdout_limit = 64U * 1024U * 1024U;
    /// Only the last this-many bytes of stderr are kept: the error is at the end.
    std::size_t stderr_tail = 64U * 1024U;
    /// Set from any thread to end the child; polled every `poll_interval`.
    const std::atomic<bool>* cancel = nullptr;
    std::chrono::milliseconds poll_interval{50};
};

/// How the child ended. One verdict, so callers switch on it rather than on several flags.
enum class ChildEnd {
    Exited,          ///< exited by itself: see exit_code
    Signaled,        ///< killed by a signal it did not get from us (a crash): see signal
    TimedOut,        ///< ended by us at the deadline
    Cancelled,       ///< ended by us because the cancel flag was set
    OutputTooLarge,  ///< ended by us because stdout passed stdout_limit
    SpawnFailed,     ///< never started: see spawn_errno
};

struct ChildResult {
    ChildEnd end = ChildEnd::SpawnFailed;
    int exit_code = -1;    ///< Exited: the status it exited with
    int signal = 0;        ///< Signaled (and the ones we ended): the signal that ended it
    int spawn_errno = 0;   ///< SpawnFailed: errno of fork/exec (ENOENT: no such program)
    std::string out;       ///< stdout, at most stdout_limit bytes
    std::string err_tail;  ///< the last stderr_tail bytes of stderr
    std::chrono::milliseconds elapsed{0};
};

/// Runs the child to its end (see the header comment). Never throws for the child's failures;
/// they are in the result.
ChildResult run_child(const ChildOptions& options);

}  // namespace arina::extract
