#include <fcntl.h>
#include <unistd.h>

#include <utility>

#include "stream/track.hpp"

// The spill area: fragments that completed ahead of the write position and still wait at a sidecar
// save are also written one file each next to the part file, so that a crash loses only the fragments in
// flight (see docs/resume-format.md). Kept apart from track.cpp, which fetches and orders fragments.

namespace arina::stream {
namespace {

// Writes `data` to a new file `path` (replacing one left by an earlier run). False on any error,
// after removing what was written: a spill file is an optimisation, never a reason to fail.
bool write_whole_file(const std::filesystem::path& path, std::string_view data) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    bool ok = true;
    while (ok && !data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) data.remove_prefix(static_cast<std::size_t>(n));
    }
    ok = ::close(fd) == 0 && ok;
    if (!ok) ::unlink(path.c_str());
    return ok;
}

// The whole file if it is exactly `bytes` long, else nullopt.
std::optional<std::string> read_exactly(const std::filesystem::path& path, std::int64_t bytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string data(static_cast<std::size_t>(bytes) + 1, '\0');  // one more: a longer file is refused
    std::size_t got = 0;
    while (got < data.size()) {
        const ssize_t n = ::pread(fd, data.data() + got, data.size() - got, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (got != static_cast<std::size_t>(bytes)) return std::nullopt;
    data.resize(got);
    return data;
}

}  // namespace

void Track::spill(std::int64_t key) {
    const Slot* slot = slot_of(key);
    if (settings_.spill_dir.empty() || !slot || slot->state != Slot::State::Done || slot->pieces > 1 ||
        spilled_.contains(key))
        return;
    if (!spill_dir_made_) {
        std::error_code ec;
        std::filesystem::create_directories(settings_.spill_dir, ec);
        if (ec) return;
        spill_dir_made_ = true;
    }
    SpilledFragment f;
    f.number = slot->number;
    f.sequence = slot->fragment.sequence;
    f.file = settings_.label + "-" +
             (settings_.live ? "s" + std::to_string(f.sequence) : std::to_string(f.number));
    f.bytes = static_cast<std::int64_t>(slot->data.size());
    if (!write_whole_file(settings_.spill_dir / f.file, slot->data)) return;
    spilled_.emplace(key, std::move(f));
}

void Track::spill_waiting() {
    for (const auto& slot : slots_)
        if (slot.state == Slot::State::Done) spill(slot.key);
}

// A slot about to be made from the sidecar's spilled fragment `identity` (number, live: sequence)
// takes that fragment's bytes instead of fetching them, when its file is intact.
void Track::restore(Slot& slot, std::int64_t identity) {
    auto it = to_restore_.find(identity);
    if (it == to_restore_.end()) return;
    SpilledFragment f = std::move(it->second);
    to_restore_.erase(it);
    const std::filesystem::path path = settings_.spill_dir / f.file;
    auto data = read_exactly(path, f.bytes);
    if (!data) {
        obsolete_spills_.push_back(path);
        return;
    }
    slot.data = std::move(*data);
    slot.state = Slot::State::Done;
    held_bytes_ += f.bytes;
    ++restored_;
    spilled_.emplace(slot.key, std::move(f));
}

void Track::forget_spill(std::int64_t key) {
    auto it = spilled_.find(key);
    if (it == spilled_.end()) return;
    obsolete_spills_.push_back(settings_.spill_dir / it->second.file);
    spilled_.erase(it);
}

std::vector<std::filesystem::path> Track::take_obsolete_spills() {
    return std::exchange(obsolete_spills_, {});
}

}  // namespace arina::stream
