#pragma once
// A URL that is itself a media file: by its path's extension (no request at all), or by the
// Content-Type of the answer the caller already has (ExtractRequest::first_answer). The result is
// one Stream with StreamExtras::file_url, downloaded like any plain file.

#include <string_view>

#include "extract/extractor.hpp"
#include "extract/media_file_type.hpp"

namespace arina::extract {

class DirectMediaExtractor final : public Extractor {
  public:
    ExtractorKind kind() const override { return ExtractorKind::DirectMedia; }
    /// Unsupported unless the URL's extension or the first answer's type is a media file's;
    /// a first answer with an HTTP error status ends the chain with that error.
    ExtractResult extract(const ExtractRequest& request, PageFetcher& fetcher,
                          const CancelFlag& cancel) override;
};

/// The Extraction for the media file at `url`: one Stream "direct" (Audio for audio types,
/// otherwise Muxed) whose extras carry file_url = url and the extension; id and title from the
/// URL's file name without extension ("media" when it has none), webpage_url = url.
/// `mime_type` (may be empty) becomes the stream's mime_type.
Extraction direct_media_extraction(std::string_view url, const MediaFileType& type,
                                   std::string_view mime_type);

}  // namespace arina::extract
