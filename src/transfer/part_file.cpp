#include "transfer/part_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/atomic_file.hpp"

namespace arina::transfer {

std::variant<std::shared_ptr<PartFile>, Error> PartFile::open(const std::filesystem::path& path,
                                                              bool truncate) {
    const int flags = O_RDWR | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0);
    const int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return file_error(errno, "cannot create", path);
    return std::shared_ptr<PartFile>(new PartFile(path, fd));
}

PartFile::~PartFile() {
    if (fd_ >= 0) ::close(fd_);
}

Error PartFile::write_at(std::int64_t offset, std::span<const char> data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done,
                                   static_cast<off_t>(offset + static_cast<std::int64_t>(done)));
        if (n < 0) {
            if (errno == EINTR) continue;
            return file_error(errno, "cannot write", path_);
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

Error PartFile::read_at(std::int64_t offset, std::span<char> out) const {
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done,
                                  static_cast<off_t>(offset + static_cast<std::int64_t>(done)));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return file_error(errno, "cannot read", path_);
        if (n == 0) return file_error(EIO, "unexpected end of", path_);
        done += static_cast<std::size_t>(n);
    }
    return {};
}

Error PartFile::reserve(std::int64_t size) {
    if (size <= 0) return {};
    const int err = ::posix_fallocate(fd_, 0, static_cast<off_t>(size));
    if (err == 0) return {};
    if (err == ENOSPC || err == EDQUOT) return file_error(err, "cannot reserve space for", path_);
    return truncate(size);  // file system without fallocate: a sparse file will do
}

Error PartFile::truncate(std::int64_t size) {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return file_error(errno, "cannot resize", path_);
    return {};
}

Error PartFile::sync() {
    if (::fdatasync(fd_) != 0) return file_error(errno, "cannot sync", path_);
    return {};
}

}  // namespace arina::transfer
