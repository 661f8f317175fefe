#pragma once
// Live figures about the whole manager and the process (the seed's "performance
// monitoring": speed, active threads, memory).

#include <cstdint>

namespace arina {

struct Metrics {
    double speed = 0;  ///< bytes per second, all tasks
    double eta = -1;   ///< seconds until the active tasks finish, -1 unknown
    int active_tasks = 0;
    int queued_tasks = 0;  ///< this process's (with a shared queue: the ones it holds)
    /// A shared queue (PostgreSQL) still has tasks claimable, or held by a worker (this
    /// one or another, whose tasks come back if it dies): `arina run` waits for them.
    bool shared_queue_busy = false;
    int active_connections = 0;  ///< HTTP transfers running right now
    int threads = 0;             ///< threads of this process
    std::int64_t rss_bytes = 0;  ///< resident memory of this process
    std::int64_t peak_rss_bytes = 0;
    std::int64_t done_bytes = 0;   ///< of the active tasks
    std::int64_t total_bytes = 0;  ///< of the active tasks with a known size
};

/// Threads of the current process (from /proc/self/status).
int process_thread_count();
/// Resident and peak resident memory of the current process, in bytes.
std::int64_t process_rss_bytes();
std::int64_t process_peak_rss_bytes();

}  // namespace arina
