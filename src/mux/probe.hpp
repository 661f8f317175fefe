#pragma once
// What a media file holds, as libavformat sees it: the downloader checks fragments and merged files with
// it, and tests check mux() outputs. Opens the file with the same demuxer whitelist as mux().

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/fail_reason.hpp"

namespace arina::mux {

enum class StreamKind { Video, Audio, Subtitle, Data, Attachment, Unknown };

/// "video", "audio", "subtitle", "data", "attachment", "unknown" (ffprobe's codec_type words).
std::string_view to_string(StreamKind kind);

struct StreamInfo {
    int index = 0;  ///< position in the file
    StreamKind kind = StreamKind::Unknown;
    std::string codec;     ///< libav codec name: "h264", "aac", "vp9", ... ("none" when unknown)
    int width = 0;         ///< video only
    int height = 0;        ///< video only
    int sample_rate = 0;   ///< audio only
    int channels = 0;      ///< audio only
    std::string language;  ///< ISO 639 code from the stream's metadata, empty when absent
};

struct ProbeInfo {
    std::string format;            ///< demuxer name, e.g. "mpegts", "mov,mp4,m4a,3gp,3g2,mj2"
    double duration_seconds = -1;  ///< -1 when unknown. For MPEG-TS this is libav's estimate and is wrong
                                   ///< after a discontinuity; mux() reports the real length of its output.
    std::vector<StreamInfo> streams;
};

/// Reads the header (and, for formats without one, the first few megabytes) of `path`.
/// Errors as for mux() inputs: FileAccess when unreadable, Unsupported when not a recognised media file.
std::variant<ProbeInfo, Error> probe(const std::filesystem::path& path);

}  // namespace arina::mux
