#include "store/task_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace arina::store {
namespace {

/// The pid written in the lock file by its holder, or "" when it cannot be read
/// (the holder may not have written it yet).
std::string read_owner(int fd) {
    char buf[32];
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return {};
    std::string text(buf, static_cast<std::size_t>(n));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return {};
    return text;
}

}  // namespace

std::filesystem::path TaskLock::path_for(const std::filesystem::path& db_path) {
    auto path = db_path;
    path += ".lock";
    return path;
}

std::variant<std::unique_ptr<TaskLock>, Error> TaskLock::acquire(const std::filesystem::path& db_path) {
    const auto lock_path = path_for(db_path);
    // O_CLOEXEC: a program we start (yt-dlp, ffmpeg) must not inherit the lock and keep
    // it alive after we exit.
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        const int err = errno;
        return Error{FailReason::Database,
                     "cannot create lock file " + lock_path.string() + ": " + std::strerror(err)};
    }
    int rc;
    do {
        rc = ::flock(fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        const int err = errno;
        std::string owner;
        if (err == EWOULDBLOCK) {
            // The holder writes its pid right after locking; give it a moment.
            for (int i = 0; i < 20 && owner.empty(); ++i) {
                owner = read_owner(fd);
                if (owner.empty()) ::usleep(5000);
            }
        }
        ::close(fd);
        if (err != EWOULDBLOCK) {
            return Error{FailReason::Database,
                         "cannot lock " + lock_path.string() + ": " + std::strerror(err)};
        }
        return Error{FailReason::Database, "database " + db_path.string() +
                                               " is in use by another arina process (pid " +
                                               (owner.empty() ? std::string("unknown") : owner) + ")"};
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    // Best effort: the pid only improves the message another process shows.
    if (::ftruncate(fd, 0) == 0) {
        [[maybe_unused]] const ssize_t written = ::pwrite(fd, pid.data(), pid.size(), 0);
    }
    return std::unique_ptr<TaskLock>(new TaskLock(fd));
}

TaskLock::~TaskLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the flock
}

}  // namespace arina::store
