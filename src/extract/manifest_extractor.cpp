#include "extract/manifest_extractor.hpp"

#include <chrono>
#include <string>

#include "extract/page_answer.hpp"
#include "extract/url_name.hpp"
#include "media/dash_parser.hpp"
#include "media/hls_parser.hpp"
#include "media/limits.hpp"
#include "media/manifest_detect.hpp"
#include "net/media_type.hpp"

namespace arina::extract {
namespace {

Error cancelled(std::string_view url) {
    return Error{FailReason::Cancelled, "extraction cancelled: " + std::string(url)};
}

media::Result<media::Presentation> parse(media::ManifestKind kind, std::string_view text,
                                         std::string_view base) {
    if (kind == media::ManifestKind::Hls) return media::parse_hls(text, base);
    media::DashOptions options;
    // Live MPDs need the wall clock to know which segments are published; static ones ignore it.
    options.now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    return media::parse_dash(text, base, options);
}

}  // namespace

ExtractResult manifest_from_answer(const Page& answer, std::string_view url, media::ManifestKind fallback) {
    const std::string base = answer_url(answer, url);
    const media::ManifestKind kind =
        media::sniff_manifest(answer.body)
            .value_or(media::manifest_kind_of_type(answer.content_type).value_or(fallback));
    auto parsed = parse(kind, answer.body, base);
    if (auto* error = std::get_if<Error>(&parsed))
        return Error{FailReason::BadManifest, base + ": " + error->message};

    Extraction out;
    out.kind = ExtractorKind::Manifest;
    out.presentation = std::move(std::get<media::Presentation>(parsed));
    out.manifest_url = base;
    std::string stem = file_stem(url_file_name(base));
    if (stem.empty()) stem = "manifest";
    out.info.id = stem;
    out.info.title = stem;
    out.info.extractor = std::string(to_string(out.kind));
    out.info.webpage_url = std::string(url);
    out.info.duration = out.presentation.duration;
    return out;
}

ExtractResult fetch_manifest(std::string_view url, PageFetcher& fetcher, const CancelFlag& cancel,
                             media::ManifestKind fallback) {
    if (cancel.load()) return cancelled(url);
    const std::string target(url);
    const Page page = fetcher.get(target, media::kMaxManifestBytes);
    if (cancel.load()) return cancelled(url);
    if (auto failure = answer_failure(page, url)) return *failure;
    if (page.truncated)
        return Error{FailReason::BadManifest, answer_url(page, url) + ": manifest larger than " +
                                                  std::to_string(media::kMaxManifestBytes / (1024 * 1024)) +
                                                  " MiB"};
    return manifest_from_answer(page, url, fallback);
}

ExtractResult ManifestExtractor::extract(const ExtractRequest& request, PageFetcher& fetcher,
                                         const CancelFlag& cancel) {
    if (cancel.load()) return cancelled(request.url);
    if (!is_http_url(request.url))
        return Error{FailReason::Unsupported, "not an http(s) URL: " + request.url};
    std::optional<media::ManifestKind> kind;
    if (request.first_answer) {
        const Page& answer = *request.first_answer;
        if (auto failure = answer_failure(answer, request.url)) return *failure;
        kind = media::sniff_manifest(answer.body);
        if (!kind) kind = media::manifest_kind_of_type(answer.content_type);
        if (kind && !answer.truncated && !answer.body.empty())
            return manifest_from_answer(answer, request.url, *kind);
        // What the server answered is the truth: a page or a file behind a .m3u8 name is not a
        // manifest. Only an answer that says nothing (no body, no telling type) leaves it to the URL.
        const std::string type = net::media_type_of(answer.content_type);
        const bool says_nothing =
            answer.body.empty() &&
            (type.empty() || type == "application/octet-stream" || type == "text/plain");
        if (!kind && !says_nothing) return Error{FailReason::Unsupported, "not a manifest: " + request.url};
    }
    if (!kind) kind = media::manifest_kind_of_url(request.url);
    if (!kind) return Error{FailReason::Unsupported, "not a manifest URL: " + request.url};
    return fetch_manifest(request.url, fetcher, cancel, *kind);
}

}  // namespace arina::extract
