#pragma once
// Helpers shared by the test executables.

#include <filesystem>
#include <string>
#include <vector>

namespace arina::test {

/// A fresh directory under the system temp dir, removed (recursively) on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

/// Deterministic pseudo-random bytes (same seed, same bytes), for test payloads.
std::string random_bytes(std::size_t size, unsigned seed = 1);

/// Writes bytes to a file, creating parent directories.
void write_file(const std::filesystem::path& path, const std::string& bytes);
/// Reads a whole file ("" when missing).
std::string read_file(const std::filesystem::path& path);

/// Result of running a program to completion.
struct RunResult {
    int exit_code = -1;  ///< exit status, or 128+signal when killed
    std::string output;  ///< stdout and stderr, interleaved
};

/// Runs `argv` (no shell) with a timeout; kills it when the timeout passes.
RunResult run_program(const std::vector<std::string>& argv, double timeout_seconds = 120);

/// A program started in the background (no shell), output sent to a log file.
/// The destructor kills it (SIGKILL) if it is still running.
class Child {
  public:
    Child(const std::vector<std::string>& argv, const std::filesystem::path& log_file);
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    int pid() const { return pid_; }
    void kill(int signal);
    /// Waits for the exit; returns the exit status or 128+signal.
    int wait();
    /// Whether it has exited (reaps it if so, without blocking).
    bool exited();

  private:
    int pid_ = -1;
    bool reaped_ = false;
    int status_ = -1;
};

}  // namespace arina::test
