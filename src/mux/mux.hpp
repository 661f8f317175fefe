#pragma once
// Stream-copy muxing with libavformat, in process: the fragment downloader leaves one file per selected
// stream (concatenated MPEG-TS segments, fragmented MP4 init + fragments, or WebM) and mux() joins them
// into the final MP4 or Matroska file without re-encoding and without the ffmpeg program.
//
// What is copied: every video and audio stream of every input. Subtitle streams are copied only when the
// output container can carry their codec (e.g. WebVTT/SubRip into Matroska, mov_text into MP4) and are
// dropped otherwise; data streams (timed ID3, SCTE-35), cover pictures and streams whose parameters the
// demuxer could not determine (a PID declared but never carried) are always dropped. A video or audio codec
// that the container cannot hold (PCM into MP4; also Vorbis, which libavformat would write into MP4 under
// a private object type few players read) fails with FailReason::Unsupported instead of being dropped
// silently. Streams that first appear in the middle of an input (a new PID after an MPEG-TS
// discontinuity) are dropped too: the output's stream list is fixed when its header is written.
//
// Extras (extras.hpp): MuxOptions::extras adds container metadata, subtitles from separate files and a
// cover picture. They never fail a mux that would succeed without them: a subtitle or picture that
// cannot be read or converted, a tag left out, each becomes a line in MuxReport::warnings.
// remux_with_extras() applies them to a file that was downloaded whole.
//
// Timestamps: packets of all inputs are interleaved by DTS in a common time base, reading one packet ahead
// per input, so memory stays bounded whatever the file sizes. Jumps inside an input (HLS
// EXT-X-DISCONTINUITY: a segment from another encode whose clock restarts or leaps) are repaired so the
// output timeline is monotonic and gap-free, and the output starts at 0; see timeline.hpp for the rule.
// ADTS AAC (from MPEG-TS or raw .aac) goes through the aac_adtstoasc bitstream filter, which both
// containers need.
//
// Files: the output is written to a temporary path and renamed over `output` only after the trailer is
// written and the data is synced, so a failed or cancelled mux never leaves a partial file under the final
// name; on failure the temporary file is removed.
//
// Inputs are opened with a demuxer whitelist (MPEG-TS, MP4/MOV, Matroska/WebM, raw AAC/MP3/AC-3/E-AC-3)
// and the file protocol only: a downloaded "segment" that is really an HLS playlist or a concat script must
// not make libavformat open other files or URLs.
//
// Errors name the file and the step that failed ("cannot open input /x/video.ts: Invalid data found when
// processing input"). The first two tell apart bytes that are not media libavformat can read (the
// caller may keep them as they are) from media it read but could not write:
//   Unsupported  an input is not a recognised media file, is corrupt (a demuxer error while reading it),
//                or has no audio or video (or no packets: an init segment alone);
//   MuxFailed    the inputs were read, but the output refused them: a codec the chosen container cannot
//                carry, a header, packet or trailer the muxer would not write;
//   FileAccess   an input cannot be read, or the output cannot be created, written or renamed;
//   DiskFull     no space left while writing the output;
//   Cancelled    MuxOptions::cancelled returned true;
//   Internal     libavformat refused something it should accept (a bug on our side).
//
// libav's own console logging is switched off on first use (see libav_error.hpp); its last error line is
// appended to our messages instead.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mux/extras.hpp"
#include "mux/growing_input.hpp"
#include "util/fail_reason.hpp"

namespace arina::mux {

/// The output container. Mp4 is the default; `--merge-output-format mkv` selects Matroska.
enum class Container { Mp4, Mkv };

/// "mp4" -> Mp4; "mkv" or "matroska" -> Mkv (the --merge-output-format words); nullopt otherwise.
std::optional<Container> container_from_name(std::string_view name);

/// The file extension for a container, without the dot: "mp4", "mkv".
std::string_view extension(Container container);

/// One input file; all its (supported) streams are copied.
struct MuxInput {
    std::filesystem::path path;
    /// Set when the file is still being written: it is read as it grows (growing_input.hpp), as
    /// a stream that cannot seek, and an abandoned input ends the mux with FailReason::Cancelled.
    std::shared_ptr<GrowingInput> growing;
};

struct MuxOptions {
    Container container = Container::Mp4;
    /// MP4 only: move the index (moov) to the front after writing, so playback can start before the
    /// whole file has been read (web players, network shares). Costs one extra pass over the file.
    bool faststart = true;
    /// Polled every few dozen packets; returning true stops the mux with FailReason::Cancelled.
    /// Called on the muxing thread, so it should be cheap (an atomic load).
    std::function<bool()> cancelled;
    /// Called on the muxing thread every few dozen packets with the output time written so far, in
    /// seconds (compare with probe() durations of the inputs for a percentage).
    std::function<void(double seconds_written)> progress;
    /// Where to write before the final rename; empty means `output` + ".tmp" (same directory, so the rename
    /// stays on one file system).
    std::filesystem::path temp_path;
    /// Metadata, subtitle files and a cover picture to add (extras.hpp). Default: none.
    Extras extras;
};

struct MuxReport {
    double duration_seconds = 0;  ///< from the first to the last presented instant of the output
    int video_streams = 0;
    int audio_streams = 0;
    int subtitle_streams = 0;
    std::int64_t packets = 0;          ///< packets written
    int discontinuities = 0;           ///< timestamp jumps repaired, over all inputs
    std::int64_t dropped_packets = 0;  ///< corrupt packets skipped (an ADTS frame the AAC filter rejects)
    bool cover_attached = false;       ///< Extras::thumbnail went in
    /// What was left out of the extras and why, one sentence each naming the file or tag ("subtitle
    /// /x/en.vtt left out: ..."). The output is complete without them.
    std::vector<std::string> warnings;
};

/// Copies the streams of `inputs` into `output` (replacing it if it exists). See the file comment.
/// Blocking; runs on the caller's thread and may run on several threads at once for different outputs.
/// Never throws: out-of-memory and exceptions from the callbacks come back as FailReason::Internal.
std::variant<MuxReport, Error> mux(const std::vector<MuxInput>& inputs, const std::filesystem::path& output,
                                   const MuxOptions& options = {});

/// Rewrites a finished media file (one downloaded whole: an .mp4, .webm, .mkv) with `options.extras`
/// added: its streams are copied as mux() copies them, its own global metadata is kept (our tags
/// win; values cleaned like ours), a cover picture it already has is not (as with mux() inputs). `output` may
/// be `input` itself: the new file is written to the temporary path and renamed over it only when complete,
/// so on any failure `input` is left exactly as it was. Errors and threads as for mux().
std::variant<MuxReport, Error> remux_with_extras(const std::filesystem::path& input,
                                                 const std::filesystem::path& output,
                                                 const MuxOptions& options);

}  // namespace arina::mux
