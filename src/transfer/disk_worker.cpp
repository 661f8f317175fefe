#include "transfer/disk_worker.hpp"

namespace arina::transfer {

DiskWorker::DiskWorker() : thread_([this] { run(); }) {}

DiskWorker::~DiskWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void DiskWorker::submit(std::uint64_t key, std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        bool replaced = false;
        if (key != 0) {
            for (auto& [k, j] : jobs_) {
                if (k == key) {
                    j = std::move(job);
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) jobs_.emplace_back(key, std::move(job));
    }
    wake_.notify_one();
}

void DiskWorker::run() {
    while (true) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;  // stopping and drained
            job = std::move(jobs_.front().second);
            jobs_.pop_front();
        }
        try {
            job();
        } catch (...) {
            // Jobs report their own errors; an exception here is a bug that must not
            // take the process down from a worker thread.
        }
    }
}

}  // namespace arina::transfer
