#include "extract/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <optional>

extern char** environ;

namespace arina::extract {
namespace {

using Clock = std::chrono::steady_clock;

/// A pipe end that closes itself.
class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    bool open() const { return fd_ >= 0; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

  private:
    int fd_ = -1;
};

/// The inherited environment with `overrides` ("NAME=value") replacing entries of the same name.
std::vector<std::string> child_environment(const std::vector<std::string>& overrides) {
    auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string_view entry(*e);
        bool replaced = false;
        for (const auto& o : overrides) replaced = replaced || name_of(o) == name_of(entry);
        if (!replaced) env.emplace_back(entry);
    }
    env.insert(env.end(), overrides.begin(), overrides.end());
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (auto& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

/// The spawned process group; if supervision is left early (an exception), the destructor ends
/// and reaps it so no zombie or stray process outlives run_child().
struct Spawned {
    pid_t pid = -1;
    bool reaped = false;
    int status = 0;

    ~Spawned() {
        if (pid <= 0 || reaped) return;
        ::kill(-pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    bool try_reap() {
        if (reaped) return true;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) reaped = true;
        return reaped;
    }
    /// The whole group: the child and anything it started (it leads its own group).
    void signal_group(int sig) const { ::kill(-pid, sig); }
};

/// The executables to try for argv[0], in order, computed before fork() (the child may not
/// allocate): argv[0] itself when it has a '/', else each directory of this process's PATH (as
/// posix_spawnp and execvp do; the child's own PATH override is not used for the look-up).
std::vector<std::string> exec_candidates(const std::string& program) {
    if (program.find('/') != std::string::npos) return {program};
    const char* path = std::getenv("PATH");
    const std::string_view dirs = path != nullptr && *path != '\0' ? path : "/usr/local/bin:/usr/bin:/bin";
    std::vector<std::string> candidates;
    std::size_t from = 0;
    for (;;) {
        const std::size_t colon = dirs.find(':', from);
        const std::string_view dir =
            dirs.substr(from, colon == std::string_view::npos ? std::string_view::npos : colon - from);
        std::string candidate(dir.empty() ? std::string_view(".") : dir);  // an empty entry is "."
        candidate += '/';
        candidate += program;
        candidates.push_back(std::move(candidate));
        if (colon == std::string_view::npos) break;
        from = colon + 1;
    }
    return candidates;
}

/// Closes every descriptor from `first` up to and including `last` (async-signal-safe).
void close_descriptors(unsigned first, unsigned last, int open_max) {
    if (first > last) return;
#ifdef SYS_close_range
    if (::syscall(SYS_close_range, first, last, 0U) == 0) return;
#endif
    const auto max = static_cast<unsigned>(open_max);
    for (unsigned fd = first; fd <= last && fd < max; ++fd) ::close(static_cast<int>(fd));
}

/// In the child between fork() and exec: only async-signal-safe calls, nothing allocated.
/// On failure writes errno to `report` and exits with 127.
[[noreturn]] void exec_child(int out_w, int err_w, int report, pid_t parent, char* const* candidates,
                             char* const* argv, char* const* envp, int open_max) {
    // Die with the thread that forked us (see the header): if Arina is killed, even by SIGKILL,
    // the kernel sends this child SIGKILL. The setting survives execve. The parent may have died
    // before prctl took effect: then the signal never comes, so check and leave by ourselves.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(127);
    // Its own process group (so we can end what it starts); the parent sets it too, so neither
    // side races the other.
    ::setpgid(0, 0);
    // Default signal dispositions and an empty mask, whatever this process ignores or blocks
    // (SIGPIPE, SIGINT in a CLI).
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig)
        if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &default_action, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);

    int e = 0;
    const int in = ::open("/dev/null", O_RDONLY);
    if (in < 0 || ::dup2(in, 0) < 0 || ::dup2(out_w, 1) < 0 || ::dup2(err_w, 2) < 0) e = errno;
    // dup2 onto itself keeps close-on-exec: clear it.
    if (e == 0 && out_w == 1) ::fcntl(1, F_SETFD, 0);
    if (e == 0 && err_w == 2) ::fcntl(2, F_SETFD, 0);
    // Descriptors another thread opened without O_CLOEXEC (sockets, files) stay ours; `report`
    // is close-on-exec and closes at the exec.
    if (e == 0) {
        const auto r = static_cast<unsigned>(report);
        close_descriptors(3, r - 1, open_max);
        close_descriptors(r + 1, ~0U, open_max);
    }
    if (e == 0) {
        // As execvp: the first candidate that exists; a permission error is kept if no later
        // one succeeds, else the last "not found".
        e = ENOENT;
        bool denied = false;
        for (char* const* c = candidates; *c != nullptr; ++c) {
            ::execve(*c, argv, envp);
            if (errno == EACCES)
                denied = true;
            else if (errno != ENOENT && errno != ENOTDIR) {
                e = errno;
                break;
            }
        }
        if (e == ENOENT && denied) e = EACCES;
    }
    const ssize_t unused = ::write(report, &e, sizeof e);
    (void)unused;
    ::_exit(127);
}

/// Starts the child with its stdout and stderr on the write ends given; returns errno or 0.
/// fork() rather than posix_spawn: the child must set PR_SET_PDEATHSIG, which posix_spawn cannot.
int spawn(const ChildOptions& options, int out_w, int err_w, pid_t& pid) {
    // Everything the child needs, made before fork(): after it, only async-signal-safe calls.
    std::vector<std::string> args = options.argv;
    std::vector<std::string> env = child_environment(options.env);
    std::vector<std::string> paths = exec_candidates(options.argv[0]);
    auto argv = c_strings(args);
    auto envp = c_strings(env);
    auto candidates = c_strings(paths);
    const long open_max_l = ::sysconf(_SC_OPEN_MAX);
    const int open_max = open_max_l > 0 && open_max_l < 65536 ? static_cast<int>(open_max_l) : 65536;
    const pid_t parent = ::getpid();

    // The child writes errno here when it cannot exec; a successful exec closes it (O_CLOEXEC),
    // so the parent reads end of file.
    std::array<int, 2> report{-1, -1};
    if (::pipe2(report.data(), O_CLOEXEC) != 0) return errno;
    Fd report_r(report[0]);
    Fd report_w(report[1]);

    const pid_t child = ::fork();
    if (child < 0) return errno;
    if (child == 0)
        exec_child(out_w, err_w, report_w.get(), parent, candidates.data(), argv.data(), envp.data(),
                   open_max);
    ::setpgid(child, child);  // may fail once it has exec'd (EACCES): it set its group itself
    report_w.reset();
    int e = 0;
    ssize_t n = 0;
    while ((n = ::read(report_r.get(), &e, sizeof e)) < 0 && errno == EINTR) {
    }
    if (n == static_cast<ssize_t>(sizeof e) && e != 0) {
        int status = 0;
        while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        return e;
    }
    pid = child;
    return 0;
}

/// Appends what `fd` has to read now, keeping the first `head_limit` bytes (and counting the
/// rest in `discarded`) or, with `tail_limit` set, only about the last `tail_limit` bytes.
/// Returns false at end of file or on a hard error.
bool drain(int fd, std::string& sink, std::size_t& discarded, std::size_t head_limit,
           std::size_t tail_limit = 0) {
    std::array<char, 65536> buffer{};
    for (int round = 0; round < 16; ++round) {  // bounded: deadlines are checked between rounds
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n == 0) return false;
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        const auto count = static_cast<std::size_t>(n);
        if (tail_limit > 0) {
            sink.append(buffer.data(), count);
            // Cut only when twice the tail has piled up, so the cost stays linear.
            if (sink.size() > 2 * tail_limit) sink.erase(0, sink.size() - tail_limit);
            continue;
        }
        const std::size_t room = head_limit > sink.size() ? head_limit - sink.size() : 0;
        sink.append(buffer.data(), std::min(room, count));
        discarded += count - std::min(room, count);
    }
    return true;
}

}  // namespace

ChildResult run_child(const ChildOptions& options) {
    ChildResult result;
    const auto started = Clock::now();
    if (options.argv.empty() || options.argv[0].empty()) {
        result.spawn_errno = EINVAL;
        return result;
    }
    std::array<int, 2> out_pipe{-1, -1};
    std::array<int, 2> err_pipe{-1, -1};
    if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0) {
        result.spawn_errno = errno;
        return result;
    }
    Fd out_r(out_pipe[0]);
    Fd out_w(out_pipe[1]);
    if (::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
        result.spawn_errno = errno;
        return result;
    }
    Fd err_r(err_pipe[0]);
    Fd err_w(err_pipe[1]);

    Spawned child;
    if (int e = spawn(options, out_w.get(), err_w.get(), child.pid); e != 0) {
        child.pid = -1;
        result.spawn_errno = e;
        return result;
    }
    // Our copies of the write ends would keep the pipes open after the child exits.
    out_w.reset();
    err_w.reset();
    ::fcntl(out_r.get(), F_SETFL, O_NONBLOCK);
    ::fcntl(err_r.get(), F_SETFL, O_NONBLOCK);

    const auto deadline = started + options.timeout;
    std::optional<ChildEnd> ended_by;  // set when we decide to end it
    Clock::time_point kill_at{};
    bool killed = false;
    std::optional<Clock::time_point> exited_at;
    std::size_t out_discarded = 0;
    std::string err;

    // Bounded: the deadline ends the child, SIGKILL follows a grace later, and once it is gone
    // the pipes are closed within a further grace even if something it started holds them.
    for (;;) {
        const bool gone = child.try_reap();
        if (gone && !exited_at) exited_at = Clock::now();
        if (gone && !out_r.open() && !err_r.open()) break;
        const auto now = Clock::now();
        if (!ended_by && !gone) {
            if (options.cancel != nullptr && options.cancel->load())
                ended_by = ChildEnd::Cancelled;
            else if (now >= deadline)
                ended_by = ChildEnd::TimedOut;
            else if (out_discarded > 0)
                ended_by = ChildEnd::OutputTooLarge;
            if (ended_by) child.signal_group(SIGTERM);
            kill_at = now + options.kill_grace;
        } else if (!killed && !gone && now >= kill_at) {
            child.signal_group(SIGKILL);
            killed = true;
        }
        if (gone && now - *exited_at > options.kill_grace) {
            // The child is gone but something it started still holds the pipes: end it too.
            child.signal_group(SIGKILL);
            out_r.reset();
            err_r.reset();
            continue;
        }

        std::array<pollfd, 2> fds{};
        nfds_t count = 0;
        if (out_r.open()) fds[count++] = pollfd{out_r.get(), POLLIN, 0};
        if (err_r.open()) fds[count++] = pollfd{err_r.get(), POLLIN, 0};
        const int ready = ::poll(fds.data(), count, static_cast<int>(options.poll_interval.count()));
        if (ready <= 0) continue;  // timeout or EINTR: go round to check the clock and the child
        for (nfds_t i = 0; i < count; ++i) {
            if (fds[i].revents == 0) continue;
            if (fds[i].fd == out_r.get()) {
                if (!drain(out_r.get(), result.out, out_discarded, options.stdout_limit)) out_r.reset();
            } else {
                std::size_t unused = 0;
                const std::size_t tail = std::max<std::size_t>(options.stderr_tail, 1);
                if (!drain(err_r.get(), err, unused, 0, tail)) err_r.reset();
            }
        }
    }

    if (err.size() > options.stderr_tail) err.erase(0, err.size() - options.stderr_tail);
    result.err_tail = std::move(err);
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    const int status = child.status;
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    if (ended_by)
        result.end = *ended_by;
    else if (WIFSIGNALED(status))
        result.end = ChildEnd::Signaled;
    else
        result.end = ChildEnd::Exited;
    return result;
}

}  // namespace arina::extract
