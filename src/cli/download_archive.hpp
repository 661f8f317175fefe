#pragma once
// --download-archive: a text file of finished URLs, one per line; URLs in it are
// skipped, and each download that completes is appended (and flushed) at once, so
// a crash loses at most the line being written.

#include <set>
#include <string>

namespace arina::cli {

class DownloadArchive {
  public:
    /// An empty path disables the archive.
    explicit DownloadArchive(std::string path);
    bool contains(const std::string& url) const { return entries_.count(url) > 0; }
    /// Appends and fsyncs; returns false (and keeps going) when the file cannot be written.
    bool record(const std::string& url);
    bool enabled() const { return !path_.empty(); }

  private:
    std::string path_;
    std::set<std::string> entries_;
};

}  // namespace arina::cli
