#pragma once
// The fixed set of threads every download shares: the network loop and the disk
// thread. One per process; the CLI and the DownloadManager each own one.

#include <future>
#include <memory>

#include "net/engine.hpp"
#include "transfer/disk_worker.hpp"
#include "transfer/file_download.hpp"
#include "transfer/host_connection_memory.hpp"

namespace arina::transfer {

struct Runtime {
    explicit Runtime(net::EngineOptions options = {}) : engine(options) {}
    // Declaration order matters: the engine stops (and with it every callback that
    // could queue disk work) before the disk thread drains and stops.
    DiskWorker disk;
    net::Engine engine;
    /// What automatic connection counts learnt per host, for every download of this runtime.
    std::shared_ptr<HostConnectionMemory> host_memory = std::make_shared<HostConnectionMemory>();
};

}  // namespace arina::transfer
