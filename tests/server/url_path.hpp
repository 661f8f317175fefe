#pragma once
// Mapping URL paths below a served directory to files, without letting a request escape it.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace arina::testing {

/// %XX decoding; nullopt on a malformed escape. '+' stays '+' (it only means space in forms).
std::optional<std::string> percent_decode(std::string_view text);

/// The relative file path named by the part of a URL path below a directory prefix ("a/b%20c.ts").
/// Each segment is decoded on its own, so an encoded "/" cannot join segments. nullopt for ".."
/// segments, NUL or '/' inside a segment, and malformed escapes; empty for "" (the directory itself).
std::optional<std::filesystem::path> relative_file_path(std::string_view below_prefix);

}  // namespace arina::testing
