// The built-in extractor chain, cheapest first (see extractor.hpp).

#include "extract/direct_media_extractor.hpp"
#include "extract/extractor.hpp"
#include "extract/html_page_extractor.hpp"
#include "extract/manifest_extractor.hpp"
#include "extract/ytdlp_extractor.hpp"

namespace arina::extract {

std::vector<std::unique_ptr<Extractor>> default_extractors(bool use_ytdlp) {
    std::vector<std::unique_ptr<Extractor>> chain;
    chain.push_back(std::make_unique<DirectMediaExtractor>());
    chain.push_back(std::make_unique<ManifestExtractor>());
    chain.push_back(std::make_unique<HtmlPageExtractor>());
    // The yt-dlp bridge goes last, when use_ytdlp: everything the native extractors do not know.
    if (use_ytdlp) chain.push_back(make_ytdlp_extractor());
    return chain;
}

}  // namespace arina::extract
