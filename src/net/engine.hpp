#pragma once
// The transfer engine: one thread running libcurl's multi interface for every
// download in the process. The number of threads does not grow with the number of
// transfers or tasks: all sockets are driven from this one event loop.
//
// Threading contract:
//  - post(), set_rate_limit(), set_host_connection_limit() and stats() may be called
//    from any thread;
//  - everything else, and every TransferHandler callback and timer, runs on the
//    engine thread. Jobs are state machines driven by those callbacks.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "net/transfer.hpp"

namespace arina::net {

struct EngineOptions {
    int max_connections_per_host = 0;  ///< shared by all jobs; 0 = unlimited
    double rate_limit = 0;             ///< bytes per second across all transfers; 0 = unlimited
};

struct EngineStats {
    int active_transfers = 0;  ///< transfers with a connection right now
    int queued_transfers = 0;  ///< waiting for the per-host budget
    std::int64_t bytes_received = 0;
};

using TimerId = std::uint64_t;

class Engine {
  public:
    explicit Engine(EngineOptions options = {});
    /// Stops the loop. Transfers still running are dropped without callbacks, so owners
    /// must have finished or cancelled their jobs first.
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // --- any thread ---
    /// Runs `fn` on the engine thread soon.
    void post(std::function<void()> fn);
    void set_rate_limit(double bytes_per_second);
    void set_host_connection_limit(int limit);
    EngineStats stats() const;
    bool on_engine_thread() const { return std::this_thread::get_id() == thread_id_.load(); }

    // --- engine thread only ---
    /// Queues a request; it starts when its host has a free connection slot.
    TransferId start(TransferRequest request, TransferHandler& handler);
    /// Stops a transfer; its handler gets no further callbacks, not even on_done.
    void abort(TransferId id);
    TimerId add_timer(std::chrono::milliseconds delay, std::function<void()> fn);
    void cancel_timer(TimerId id);

    struct Impl;  // the loop's state; opaque, declared here so that transfers can point at it

  private:
    std::unique_ptr<Impl> impl_;
    std::atomic<std::thread::id> thread_id_{};
    std::thread thread_;
};

}  // namespace arina::net
