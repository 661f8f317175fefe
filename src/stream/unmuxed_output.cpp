#include "stream/unmuxed_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>

#include "util/atomic_file.hpp"

namespace arina::stream {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kTsPacket = 188;

std::string read_head(const fs::path& path, std::size_t bytes) {
    std::string head(bytes, '\0');
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    const ssize_t got = ::pread(fd, head.data(), head.size(), 0);
    ::close(fd);
    head.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    return head;
}

// Renames `from` to DIR/STEM.EXT, else DIR/STEM-1.EXT, ... never replacing a file that exists.
std::variant<fs::path, Error> rename_to_free_name(const fs::path& from, const fs::path& dir,
                                                  const std::string& stem, std::string_view ext) {
    for (int n = 0; n < 1000; ++n) {
        const fs::path to = dir / (stem + (n == 0 ? "" : "-" + std::to_string(n)) + "." + std::string(ext));
        int status = ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE);
        if (status != 0 && errno == EINVAL) {
            // A file system without RENAME_NOREPLACE: check, then rename (racy, but only with ourselves).
            std::error_code ec;
            if (fs::exists(fs::symlink_status(to, ec))) continue;
            status = ::rename(from.c_str(), to.c_str());
        }
        if (status == 0) return to;
        if (errno != EEXIST) return file_error(errno, "cannot rename " + from.string() + " to", to);
    }
    return Error{FailReason::FileAccess,
                 "no free name for " + (dir / (stem + "." + std::string(ext))).string()};
}

}  // namespace

std::string_view unmuxed_extension(std::string_view head) {
    if (!head.empty() && static_cast<unsigned char>(head[0]) == 0x47) {
        bool synced = true;
        for (std::size_t at = kTsPacket; at < head.size() && at <= 2 * kTsPacket; at += kTsPacket)
            synced = synced && static_cast<unsigned char>(head[at]) == 0x47;
        if (synced) return "ts";
    }
    if (head.size() >= 8) {
        static constexpr std::array<std::string_view, 7> kBoxes = {"ftyp", "styp", "moof", "moov",
                                                                   "sidx", "emsg", "prft"};
        const std::string_view type = head.substr(4, 4);
        for (std::string_view box : kBoxes)
            if (type == box) return "m4s";
    }
    return "bin";
}

std::variant<std::vector<fs::path>, Error> keep_unmuxed(const std::vector<UnmuxedPart>& parts,
                                                        const fs::path& output, const fs::path& sidecar) {
    const fs::path dir = output.parent_path();
    const std::string stem = output.stem().string();
    std::vector<fs::path> kept;
    std::error_code ec;
    std::size_t non_empty = 0;
    for (const auto& p : parts)
        if (fs::file_size(p.part, ec) > 0 && !ec) ++non_empty;
    for (const auto& p : parts) {
        const auto size = fs::file_size(p.part, ec);
        if (ec || size == 0) continue;
        const std::string head = read_head(p.part, 2 * kTsPacket + 1);
        const std::string name = non_empty == 1 ? stem : stem + "." + p.role;
        auto renamed = rename_to_free_name(p.part, dir, name, unmuxed_extension(head));
        if (auto* e = std::get_if<Error>(&renamed)) return *e;
        kept.push_back(std::get<fs::path>(renamed));
    }
    fs::remove(sidecar, ec);
    sync_directory(dir.empty() ? fs::path(".") : dir);
    return kept;
}

}  // namespace arina::stream
