#pragma once
// Saving a stream download's resume state so that it never claims what a power cut could lose:
// the part files, then the spill files the state names, are fdatasync'ed before the sidecar is
// replaced; only then are the spill files it no longer names deleted.
//
// A save is captured on the engine thread (SaveSnapshot) and runs on the disk thread. Saves of one
// download share a DiskWorker key, so a queued save may be replaced by a newer one: the spill files
// to delete are therefore kept in a SpillCleanup shared by all saves of the download, each tagged
// with the save (generation) whose state first no longer names it. A save deletes the files of
// its own and every earlier generation, so a replaced save's files are deleted by its successor.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "stream/stream_sidecar.hpp"
#include "transfer/part_file.hpp"

namespace arina::stream {

/// Spill files waiting for a sidecar that no longer names them. Thread-safe.
class SpillCleanup {
  public:
    /// Files that the state captured by save `generation` (and every later one) no longer names.
    void add(std::uint64_t generation, std::vector<std::filesystem::path> files);
    /// Deletes the files added for `generation` and earlier; called once that save is durable.
    void delete_through(std::uint64_t generation);

  private:
    std::mutex mutex_;
    std::vector<std::pair<std::uint64_t, std::filesystem::path>> files_;
};

/// Everything one save needs, captured on the engine thread.
struct SaveSnapshot {
    std::vector<std::shared_ptr<transfer::PartFile>> parts;
    std::filesystem::path sidecar;
    std::filesystem::path spill_dir;  ///< where the state's SpilledFragment files are
    StreamResumeState state;
    std::shared_ptr<SpillCleanup> cleanup;
    std::uint64_t generation = 0;
};

/// Disk thread: syncs the part files and the spill files `snapshot.state` names (and their
/// directory), replaces the sidecar, then deletes the spill files up to this generation.
Error save_durably(const SaveSnapshot& snapshot);

}  // namespace arina::stream
