#include "cli/download_archive.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

namespace arina::cli {

DownloadArchive::DownloadArchive(std::string path) : path_(std::move(path)) {
    if (path_.empty()) return;
    std::ifstream in(path_);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) entries_.insert(line);
    }
}

bool DownloadArchive::record(const std::string& url) {
    if (path_.empty() || !entries_.insert(url).second) return true;
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    const std::string line = url + "\n";
    const bool ok =
        ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

}  // namespace arina::cli
