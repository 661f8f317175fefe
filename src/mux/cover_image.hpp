#pragma once
// The thumbnail to attach as cover art (Extras::thumbnail), read and checked before the output's
// header is written. JPEG and PNG are attached as they are, once libavcodec has decoded them (a
// truncated or mislabelled download is refused here, not shown as a broken cover in a player);
// WebP, which MP4 and Matroska players do not show as a cover, is decoded and re-encoded as PNG
// (cover_convert.hpp). The type is told by the file's first bytes, never by its name.

#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>

#include "mux/libav.hpp"

namespace arina::mux {

/// Thumbnails are a few hundred KiB; a file beyond this is not a thumbnail.
inline constexpr std::int64_t kMaxCoverFileBytes = 16 * 1024 * 1024;

struct CoverImage {
    AVCodecID codec = AV_CODEC_ID_NONE;  ///< AV_CODEC_ID_MJPEG or AV_CODEC_ID_PNG
    std::string bytes;                   ///< the JPEG or PNG file
    int width = 0;
    int height = 0;

    const char* mimetype() const { return codec == AV_CODEC_ID_PNG ? "image/png" : "image/jpeg"; }
    const char* filename() const { return codec == AV_CODEC_ID_PNG ? "cover.png" : "cover.jpg"; }
};

/// Reads `file` as a cover picture. The string, when that is what comes back, says why it cannot
/// be used ("not a JPEG, PNG or WebP picture"), for a warning; it does not repeat the path.
std::variant<CoverImage, std::string> load_cover_image(const std::filesystem::path& file);

}  // namespace arina::mux
