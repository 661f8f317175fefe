#pragma once
// A web page that names its media in its HTML (scan_html): the first HLS/DASH manifest it names
// is fetched and parsed into the presentation, otherwise the media files it names become Streams
// with StreamExtras::file_url (several <source> qualities, several streams), unless two or more
// <video>/<audio> elements name different files: then the page is a playlist, one entry per
// element (its best quality), as yt-dlp's generic extractor reads it. The page gives the
// title, thumbnail, description, upload date and <track> subtitles. A page that names nothing is
// Unsupported, so that the next extractor (yt-dlp) gets its turn.

#include <cstddef>
#include <string_view>

#include "extract/extractor.hpp"
#include "extract/html_scanner.hpp"

namespace arina::extract {

/// Largest page read (bytes); the rest of a longer page is not scanned.
inline constexpr std::size_t kMaxPageBytes = 4 * 1024 * 1024;

/// Manifests named on a page that are tried, in order, before its media files are used instead.
inline constexpr std::size_t kMaxManifestTries = 3;

class HtmlPageExtractor final : public Extractor {
  public:
    ExtractorKind kind() const override { return ExtractorKind::HtmlPage; }
    /// Uses the first answer when it is the whole page, else one GET (at most kMaxPageBytes). An
    /// answer that turns out to be a manifest or a media file (by Content-Type or first bytes) is
    /// handed to the manifest or direct-media logic, so a URL without a telling extension costs
    /// one request whatever it is. An HTTP error status ends the chain.
    ExtractResult extract(const ExtractRequest& request, PageFetcher& fetcher,
                          const CancelFlag& cancel) override;
};

/// What a scanned page becomes (scan.candidates must not be empty): one GET per manifest tried.
/// `page_url` is the page's URL after redirects, `webpage_url` the URL asked for.
ExtractResult page_extraction(const PageScan& scan, std::string_view page_url, std::string_view webpage_url,
                              PageFetcher& fetcher, const CancelFlag& cancel);

}  // namespace arina::extract
