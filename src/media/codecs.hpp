#pragma once
// Telling track kinds and containers apart from what manifests state: RFC 6381 codec strings,
// MIME types and file extensions.

#include <string_view>

#include "media/presentation.hpp"

namespace arina::media {

/// Which kinds of track a CODECS list ("avc1.64001f,mp4a.40.2") names.
struct CodecSummary {
    bool video = false;
    bool audio = false;
    bool subtitle = false;
};

/// Classifies each comma-separated codec by its four-character code; unknown codes are ignored.
CodecSummary summarize_codecs(std::string_view codecs);

/// Container from a segment URL's extension (".ts", ".m4s", ".vtt"...); Unknown if unrecognised.
Container container_from_url(std::string_view url);

/// Container from a DASH @mimeType ("video/mp4" -> Fmp4, "text/vtt" -> Vtt); Unknown otherwise.
Container container_from_mime(std::string_view mime_type);

}  // namespace arina::media
