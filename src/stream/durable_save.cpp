#include "stream/durable_save.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/atomic_file.hpp"

namespace arina::stream {
namespace {

Error sync_path(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return file_error(errno, "cannot open", path);
    const int status = ::fdatasync(fd);
    const int err = errno;
    ::close(fd);
    if (status != 0) return file_error(err, "cannot sync", path);
    return {};
}

}  // namespace

void SpillCleanup::add(std::uint64_t generation, std::vector<std::filesystem::path> files) {
    std::lock_guard lock(mutex_);
    for (auto& f : files) files_.emplace_back(generation, std::move(f));
}

void SpillCleanup::delete_through(std::uint64_t generation) {
    std::vector<std::filesystem::path> doomed;
    {
        std::lock_guard lock(mutex_);
        auto keep = files_.begin();
        for (auto& entry : files_) {
            if (entry.first <= generation)
                doomed.push_back(std::move(entry.second));
            else
                *keep++ = std::move(entry);
        }
        files_.erase(keep, files_.end());
    }
    std::error_code ec;
    for (const auto& f : doomed) std::filesystem::remove(f, ec);
}

Error save_durably(const SaveSnapshot& snapshot) {
    for (const auto& p : snapshot.parts)
        if (Error e = p->sync()) return e;
    bool any_spilled = false;
    for (const auto& track : snapshot.state.tracks) {
        for (const auto& f : track.ahead) {
            if (Error e = sync_path(snapshot.spill_dir / f.file)) return e;
            any_spilled = true;
        }
    }
    if (any_spilled) sync_directory(snapshot.spill_dir);
    if (Error e = save_stream_resume(snapshot.sidecar, snapshot.state)) return e;
    if (snapshot.cleanup) snapshot.cleanup->delete_through(snapshot.generation);
    return {};
}

}  // namespace arina::stream
