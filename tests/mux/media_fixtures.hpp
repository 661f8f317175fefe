#pragma once
// Small media files for the mux tests, made on demand with the ffmpeg program, and ffprobe-based checks
// of mux outputs. Each file is made once per test process, in a directory removed at exit.

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace arina::test::media {

/// The path of fixture `name`, making it first if needed. Names:
///   "av.ts"           4 s H.264 (with B-frames) + AAC, MPEG-TS, clock starting at 1.4 s as ffmpeg writes it
///   "other.ts"        3 s, encoded separately (its clock restarts at 1.4 s too)
///   "late.ts"         3 s, encoded separately with its clock starting at 100 s
///   "video.mp4"       4 s video only, fragmented MP4 (empty moov, one fragment per keyframe), as DASH
///   "audio.mp4"       4 s audio only, fragmented MP4
///   "hls_fmp4.mp4"    4 s H.264 + AAC from ffmpeg's HLS muxer in fMP4 mode: init.mp4 + *.m4s appended
///   "pcm.mkv"         1 s H.264 + PCM audio + SubRip subtitles in Matroska
///   "vp9.webm"        2 s VP9 + Opus WebM
///   "vorbis.webm"     1 s VP9 + Vorbis WebM
///   "cover.jpg"       a 320x180 picture as JPEG; "cover.png" the same as PNG
///   "cover.webp"      the same as lossy WebP (decodes to yuv420p); "cover_lossless.webp" lossless (argb)
/// Fails the current test (and returns an empty path) when ffmpeg cannot make it.
std::filesystem::path fixture(const std::string& name);

/// A scratch directory for outputs, fresh per call.
std::filesystem::path scratch_dir();

/// Appends files byte-wise into `out`, as the fragment downloader does.
void concatenate(const std::vector<std::filesystem::path>& parts, const std::filesystem::path& out);

/// Runs the ffmpeg program with `args` (after -hide_banner -nostdin -v error -y) and returns what it
/// printed (stdout and stderr); a test failure when it exits with an error.
std::string ffmpeg_output(const std::vector<std::string>& args);

/// ffprobe -show_format -show_streams as JSON (empty object and a test failure when ffprobe fails).
nlohmann::json ffprobe(const std::filesystem::path& file);

/// Per stream index, the DTS (seconds) of every packet in file order, from ffprobe -show_packets.
/// Packets without a DTS (a cover picture) are left out.
std::map<int, std::vector<double>> packet_dts(const std::filesystem::path& file);

/// ffmpeg's decoder errors when decoding the whole file ("" when it plays cleanly).
std::string decode_errors(const std::filesystem::path& file);

}  // namespace arina::test::media
