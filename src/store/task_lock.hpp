#pragma once
// The exclusive lock that keeps two arina processes (or two stores in one process)
// from sharing one task database: `<db>.lock` beside it, held with flock(LOCK_EX)
// for the life of the store and holding the owner's pid for the error message.
// The kernel drops the lock when the process dies, even by SIGKILL, so a crash
// never leaves a stale lock behind; the file itself is left in place on purpose
// (removing it would race with a process that has just opened it).

#include <filesystem>
#include <memory>
#include <variant>

#include "util/fail_reason.hpp"

namespace arina::store {

class TaskLock {
  public:
    /// Takes the lock for `db_path` without waiting. Errors (FailReason::Database):
    /// "database <path> is in use by another arina process (pid N)", or the lock file
    /// cannot be created.
    static std::variant<std::unique_ptr<TaskLock>, Error> acquire(const std::filesystem::path& db_path);

    /// The lock file's path for a database.
    static std::filesystem::path path_for(const std::filesystem::path& db_path);

    ~TaskLock();
    TaskLock(const TaskLock&) = delete;
    TaskLock& operator=(const TaskLock&) = delete;

  private:
    explicit TaskLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace arina::store
