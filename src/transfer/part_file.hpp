#pragma once
// The `.part` file a download writes into: positional writes from the engine thread,
// fsync and rename from the disk thread. Shared between the two, hence shared_ptr.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <variant>

#include "util/fail_reason.hpp"

namespace arina::transfer {

class PartFile {
  public:
    /// Opens (creating if needed) without truncating; `truncate` empties it first.
    static std::variant<std::shared_ptr<PartFile>, Error> open(const std::filesystem::path& path,
                                                               bool truncate);
    ~PartFile();
    PartFile(const PartFile&) = delete;
    PartFile& operator=(const PartFile&) = delete;

    /// Writes all of `data` at `offset`.
    Error write_at(std::int64_t offset, std::span<const char> data);
    /// Reads `out.size()` bytes at `offset` (bytes written earlier, to compare an answer with).
    Error read_at(std::int64_t offset, std::span<char> out) const;
    /// Reserves `size` bytes on disk so that a full disk shows up now, not at 90 %.
    Error reserve(std::int64_t size);
    Error truncate(std::int64_t size);
    /// Makes written bytes durable (fdatasync).
    Error sync();
    const std::filesystem::path& path() const { return path_; }

  private:
    PartFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
    std::filesystem::path path_;
    int fd_ = -1;
};

}  // namespace arina::transfer
