#pragma once
// The sidecar that lets a plain-file download continue after a crash: `NAME.part`
// holds the bytes, `NAME.part.arina` says which of them are valid and what the
// server's validators were. Format: docs/resume-format.md.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>

#include "util/fail_reason.hpp"
#include "util/interval_set.hpp"

namespace arina::store {

struct ResumeState {
    std::string url;
    std::int64_t size = -1;     ///< total bytes; -1 when unknown
    std::string etag;           ///< strong ETag, or empty
    std::string last_modified;  ///< Last-Modified value, or empty
    IntervalSet done;           ///< byte ranges already in the .part file

    friend bool operator==(const ResumeState&, const ResumeState&) = default;
};

/// The sidecar's path for a .part file.
std::filesystem::path resume_path_for(const std::filesystem::path& part_file);

/// Serialises with a checksum over the content, so a torn or edited file is detected.
std::string encode_resume_state(const ResumeState& state);

/// Parses and verifies; an Error (FailReason::BadResponse is never used here: corrupt
/// sidecars are FailReason::Internal with a message) when anything is off.
std::variant<ResumeState, Error> decode_resume_state(std::string_view text);

/// Writes atomically (temp file, fsync, rename).
Error save_resume_state(const std::filesystem::path& path, const ResumeState& state);

/// nullopt when the file is missing; Error when it exists but is corrupt.
std::variant<std::monostate, ResumeState, Error> load_resume_state(const std::filesystem::path& path);

}  // namespace arina::store
