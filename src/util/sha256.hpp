#pragma once
// SHA-256 hex digests (OpenSSL EVP); used for resume-file checksums and by the tests.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace arina {

std::string sha256_hex(std::string_view data);
/// Streams the file; nullopt when it cannot be read.
std::optional<std::string> sha256_file_hex(const std::filesystem::path& path);

}  // namespace arina
