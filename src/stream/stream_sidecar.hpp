#pragma once
// The resume sidecar of a stream download, `NAME.EXT.stream.arina` beside the stream part files:
// for each stream, how many fragments are durably in its part file (always a prefix, because
// fragments are appended in order) and how long the file was at that point, and which fragments
// after that prefix had already arrived (out of order) and wait in the spill area `NAME.EXT.ahead/`,
// one file each. After a crash the part files are cut back to those lengths, the spilled fragments
// are taken from their files, and only the others are fetched again: at most those in flight.
//
// One line of JSON with a SHA-256 checksum, written atomically (temp file, fsync, rename) on the
// disk thread, and only after the part files were fdatasync'ed. Format: docs/resume-format.md
// ("Stream downloads").

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/fail_reason.hpp"

namespace arina::stream {

/// A fragment that arrived before its turn, kept in a file of its own in the spill area.
struct SpilledFragment {
    std::int64_t number = 0;    ///< 1-based position in the stream (VOD)
    std::int64_t sequence = 0;  ///< media sequence number (matches live fragments across refreshes)
    std::string file;           ///< name inside the spill directory
    std::int64_t bytes = 0;     ///< its (decrypted) length

    friend bool operator==(const SpilledFragment&, const SpilledFragment&) = default;
};

/// What is on disk for one selected stream.
struct TrackResume {
    std::string format_id;            ///< Stream::id of the format
    std::string file;                 ///< the part file's name, relative to the sidecar's directory
    std::int64_t fragments_done = 0;  ///< fragments written (or skipped) from the start, in order
    std::int64_t bytes = 0;           ///< part file length covering exactly those fragments (+ init sections)
    std::int64_t next_sequence = 0;   ///< media sequence number of the first fragment not yet written
    std::int64_t fragments_total = -1;  ///< fragments in the stream when it began (VOD); -1 for live
    std::string init_id;      ///< which init section was written last ("" = none); see init_identity()
    std::string init_sha256;  ///< SHA-256 of its (decrypted) bytes
    std::vector<std::int64_t>
        skipped;  ///< 1-based numbers of fragments left out (skip_unavailable_fragments)
    /// Fragments after the prefix that are durably in the spill area (version 2; none in version 1).
    std::vector<SpilledFragment> ahead;

    friend bool operator==(const TrackResume&, const TrackResume&) = default;
};

struct StreamResumeState {
    std::string url;                  ///< the manifest URL the download was started with
    std::string container;            ///< "mp4" or "mkv"
    bool live = false;                ///< a live recording (fragments are matched by sequence number)
    std::vector<TrackResume> tracks;  ///< in the order of the selected formats

    friend bool operator==(const StreamResumeState&, const StreamResumeState&) = default;
};

std::string encode_stream_resume(const StreamResumeState& state);
/// Parses and verifies the checksum; corrupt or foreign files give FailReason::Internal. Reads
/// version 2 and the older version 1 (which has no spilled fragments).
std::variant<StreamResumeState, Error> decode_stream_resume(std::string_view text);
/// Writes atomically (temp file, fsync, rename, directory fsync).
Error save_stream_resume(const std::filesystem::path& path, const StreamResumeState& state);
/// monostate when the file does not exist.
std::variant<std::monostate, StreamResumeState, Error> load_stream_resume(const std::filesystem::path& path);

}  // namespace arina::stream
