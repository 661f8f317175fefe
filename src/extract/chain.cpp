#include "extract/extractor.hpp"

namespace arina::extract {

ExtractResult run_chain(const std::vector<std::unique_ptr<Extractor>>& extractors,
                        const ExtractRequest& request, PageFetcher& fetcher, const CancelFlag& cancel) {
    for (const auto& extractor : extractors) {
        if (cancel.load()) return Error{FailReason::Cancelled, "extraction cancelled: " + request.url};
        auto result = extractor->extract(request, fetcher, cancel);
        if (auto* error = std::get_if<Error>(&result); error && error->reason == FailReason::Unsupported)
            continue;  // not this extractor's kind of URL: the next one may know it
        return result;
    }
    return Error{FailReason::Unsupported, "no media found at URL: " + request.url};
}

}  // namespace arina::extract
