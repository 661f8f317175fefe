#pragma once
// What every kind of download (plain file, HLS/DASH stream) looks like to the code
// that runs it: the CLI and the DownloadManager hold a Download and never care which.
//
// Threading: start() and cancel() run on the engine thread; progress() is safe from
// any thread. The `finished` callback each implementation takes in its constructor is
// called exactly once, on the engine thread; the object may be destroyed (on any
// thread) once it has been called, and not before.

#include <atomic>
#include <cstdint>
#include <functional>

#include "transfer/download_types.hpp"

namespace arina::transfer {

/// A process-wide unique key for one download: it names the download to the disk
/// worker (whose jobs coalesce by key) and to the engine's per-host budget (owner).
inline std::uint64_t next_download_key() {
    static std::atomic<std::uint64_t> next{1};
    return next++;
}

class Download {
  public:
    /// The constructor argument every implementation takes: called exactly once.
    using Finished = std::function<void(const DownloadResult&)>;

    virtual ~Download() = default;
    /// Begins (or resumes from what is on disk).
    virtual void start() = 0;
    /// Stops early; keeps what is on disk for a later resume; finishes with FailReason::Cancelled.
    virtual void cancel() = 0;
    /// A snapshot for displays.
    virtual DownloadProgress progress() const = 0;
};

}  // namespace arina::transfer
