#pragma once
// Small-file persistence that survives a crash at any instant: write a temporary
// file beside the target, fsync it, rename it over the target, fsync the directory.
// A reader therefore sees either the old content or the new, never a torn mix.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "util/fail_reason.hpp"

namespace arina {

/// Replaces `path` with `content` atomically. Returns an Error naming the file on failure.
Error write_file_atomically(const std::filesystem::path& path, std::string_view content);

/// Reads a whole (small) file; nullopt when it does not exist or cannot be read.
std::optional<std::string> read_small_file(const std::filesystem::path& path,
                                           std::size_t max_bytes = 64u << 20);

/// fsyncs a directory so that a rename inside it is durable.
void sync_directory(const std::filesystem::path& dir);

/// Maps an errno from a file operation to DiskFull or FileAccess, with a message naming the file.
Error file_error(int err, std::string_view what, const std::filesystem::path& path);

}  // namespace arina
