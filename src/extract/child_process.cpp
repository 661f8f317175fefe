#include "extract/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
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

/// Starts the child with its stdout and stderr on the write ends given; returns errno or 0.
int spawn(const ChildOptions& options, int out_w, int err_w, pid_t& pid) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    if (int e = posix_spawn_file_actions_init(&actions); e != 0) return e;
    if (int e = posix_spawnattr_init(&attr); e != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return e;
    }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_w, 1);
    posix_spawn_file_actions_adddup2(&actions, err_w, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    // Descriptors another thread opened without O_CLOEXEC (sockets, files) stay ours.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
    // Its own process group (so we can end what it starts), default signal dispositions and an
    // empty mask whatever this process ignores or blocks (SIGPIPE, SIGINT in a CLI).
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> args = options.argv;
    std::vector<std::string> env = child_environment(options.env);
    auto argv = c_strings(args);
    auto envp = c_strings(env);
    const int e = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    return e;
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
