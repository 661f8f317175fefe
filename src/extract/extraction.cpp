#include "extract/extraction.hpp"

namespace arina::extract {

std::string_view to_string(ExtractorKind kind) {
    switch (kind) {
        case ExtractorKind::DirectMedia:
            return "direct";
        case ExtractorKind::Manifest:
            return "manifest";
        case ExtractorKind::HtmlPage:
            return "html";
        case ExtractorKind::YtDlp:
            return "yt-dlp";
    }
    return "unknown";
}

}  // namespace arina::extract
