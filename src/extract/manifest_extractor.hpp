#pragma once
// A URL that is an HLS or DASH manifest: by its extension (.m3u8, .mpd), by the Content-Type of
// the caller's first answer, or by that answer's first bytes ("#EXTM3U", "<MPD"). The manifest
// is parsed by media::parse_hls / media::parse_dash into the presentation as it is; a malformed
// one is a BadManifest error that ends the chain.

#include <optional>
#include <string_view>

#include "extract/extractor.hpp"
#include "media/presentation.hpp"

namespace arina::extract {

class ManifestExtractor final : public Extractor {
  public:
    ExtractorKind kind() const override { return ExtractorKind::Manifest; }
    /// Uses the first answer's body when it is the whole manifest; otherwise one GET. Without a
    /// first answer only a .m3u8/.mpd URL is fetched: any other URL is Unsupported here, so the
    /// page extractor's single GET decides what it is (and hands manifests back to
    /// manifest_from_answer below).
    ExtractResult extract(const ExtractRequest& request, PageFetcher& fetcher,
                          const CancelFlag& cancel) override;
};

/// Parses an answer already fetched for `url` as a manifest. The family comes from the body's
/// first bytes, else the Content-Type, else `fallback`. Extraction{kind Manifest, manifest_url =
/// the answer's effective URL, id and title = its file name without extension, webpage_url = url};
/// a parse failure is BadManifest naming the URL.
ExtractResult manifest_from_answer(const Page& answer, std::string_view url, media::ManifestKind fallback);

/// GETs `url` (at most media::kMaxManifestBytes) and parses it as manifest_from_answer does. HTTP
/// errors and fetch failures end the chain (page_answer.hpp); a larger answer is BadManifest.
ExtractResult fetch_manifest(std::string_view url, PageFetcher& fetcher, const CancelFlag& cancel,
                             media::ManifestKind fallback);

}  // namespace arina::extract
