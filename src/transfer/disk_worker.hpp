#pragma once
// One thread for the slow, blocking disk work (fdatasync, sidecar writes, the final
// rename), so the network loop never waits on the disk. Jobs with the same key that
// have not started yet are replaced by the newest: a burst of resume-file saves
// becomes one write.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace arina::transfer {

class DiskWorker {
  public:
    DiskWorker();
    /// Runs the jobs already queued, then stops.
    ~DiskWorker();
    DiskWorker(const DiskWorker&) = delete;
    DiskWorker& operator=(const DiskWorker&) = delete;

    /// key 0 never coalesces.
    void submit(std::uint64_t key, std::function<void()> job);

  private:
    void run();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::pair<std::uint64_t, std::function<void()>>> jobs_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace arina::transfer
