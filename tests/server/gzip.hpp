#pragma once
// Whole-representation gzip (Content-Encoding: gzip) with zlib.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace arina::testing {

std::string gzip_compress(std::string_view data);

/// Compresses `size` bytes of an open file read at positions; nullopt on a read error.
std::optional<std::string> gzip_compress_file(int fd, std::int64_t size);

}  // namespace arina::testing
