#pragma once
// A finished stream whose bytes libavformat cannot read (segments that are not MPEG-TS, fMP4,
// WebM or raw audio; a demuxer error) is never thrown away: each stream's part file, which holds
// its decrypted fragments (and init sections) concatenated in order, is kept under the output's
// name with an extension that says what the bytes are. The download then succeeds with a warning:
// the file holds exactly what the server sent.
//
// Pure naming functions, and one blocking step for the disk thread.

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/fail_reason.hpp"

namespace arina::stream {

/// The extension (without the dot) for a stream's bytes, by their first bytes: "ts" for MPEG-TS
/// (a 0x47 sync byte every 188 bytes), "m4s" for ISO BMFF (ftyp, styp, moof, moov, sidx... at the
/// start), "bin" for anything else. Give at least the first 377 bytes when there are that many.
std::string_view unmuxed_extension(std::string_view first_bytes);

/// One stream's part file and what to call it.
struct UnmuxedPart {
    std::filesystem::path part;  ///< NAME.EXT.<role>.part
    std::string role;            ///< "video", "audio", "av", ...
};

/// Renames each non-empty part file to DIR/NAME.<ext> (one stream) or DIR/NAME.<role>.<ext>
/// (several), where `output` is DIR/NAME.mp4|mkv, never over an existing file (NAME-1.<ext>, ...
/// instead), then removes `sidecar` and syncs the directory. Returns the kept files in the order
/// of `parts`. Blocking: for the disk thread.
std::variant<std::vector<std::filesystem::path>, Error> keep_unmuxed(const std::vector<UnmuxedPart>& parts,
                                                                     const std::filesystem::path& output,
                                                                     const std::filesystem::path& sidecar);

}  // namespace arina::stream
