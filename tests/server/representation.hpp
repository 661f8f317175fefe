#pragma once
// What a response body is made of: bytes in memory or an open file, plus the metadata that goes
// into the response headers (validators, type, encoding).

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "server/unique_fd.hpp"

namespace arina::testing {

struct Representation {
    std::int64_t size = 0;
    std::shared_ptr<const std::string> bytes;  ///< the body, when held in memory ...
    UniqueFd file;                             ///< ... or else an open file, read at positions
    std::string etag;                          ///< strong and quoted; "" for generated error pages
    std::time_t modified = 0;
    std::string content_type;
    bool gzip = false;  ///< the bytes are gzipped: send Content-Encoding: gzip
};

/// In memory, with ETag = 16 hex digits of the content's SHA-256.
std::shared_ptr<const Representation> bytes_representation(std::string body, std::string content_type,
                                                           std::time_t modified);
/// A short generated body (error pages): no validators.
std::shared_ptr<const Representation> text_representation(std::string text);
/// Opens a regular file; ETag from size and modification time. nullptr when not a readable file.
std::shared_ptr<const Representation> file_representation(const std::filesystem::path& file,
                                                          std::string content_type);
/// The gzipped variant (a different representation, so a different ETag). nullptr on a read error.
std::shared_ptr<const Representation> gzipped(const Representation& plain);

/// From the extension: the media types a downloader meets (.ts, .m3u8, .mpd, .mp4, .m4a, ...).
std::string guess_content_type(std::string_view path);

}  // namespace arina::testing
