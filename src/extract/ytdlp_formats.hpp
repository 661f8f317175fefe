#pragma once
// One yt-dlp format object -> one media::Stream and its StreamExtras (the rules are in
// ytdlp_json.hpp). Internal to the yt-dlp JSON mapping.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "extract/extraction.hpp"
#include "extract/ytdlp_fields.hpp"

namespace arina::extract::ytdlp {

/// How a format is fetched.
enum class Delivery {
    File,          ///< one plain http(s) resource (StreamExtras::file_url)
    HlsPlaylist,   ///< an HLS media playlist (Stream::playlist_url)
    Fragments,     ///< listed fragments (Stream::fragments)
    DashManifest,  ///< only a DASH manifest URL, no fragments: not a stream by itself
};

struct MappedFormat {
    Delivery delivery = Delivery::File;
    media::Stream stream;
    StreamExtras extras;
    std::string manifest_url;  ///< the format's manifest_url when it is an http(s) URL
};

/// Why a format was left out: one word for the warning that groups them ("rtmp", "DRM").
struct LeftOut {
    std::string why;
};

/// Maps format number `index` (0-based). `fragment_budget` is what the presentation may still
/// hold (media::kMaxFragmentsTotal overall) and is reduced by the fragments taken.
std::variant<MappedFormat, LeftOut> map_format(const Json& format, std::size_t index, Fields& fields,
                                               std::int64_t& fragment_budget);

}  // namespace arina::extract::ytdlp
