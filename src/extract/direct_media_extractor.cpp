#include "extract/direct_media_extractor.hpp"

#include <string>

#include "extract/page_answer.hpp"
#include "extract/url_name.hpp"
#include "media/manifest_detect.hpp"
#include "media/text.hpp"
#include "media/url_resolve.hpp"
#include "net/media_type.hpp"

namespace arina::extract {

Extraction direct_media_extraction(std::string_view url, const MediaFileType& type,
                                   std::string_view mime_type) {
    constexpr const char* kStreamId = "direct";
    Extraction out;
    out.kind = ExtractorKind::DirectMedia;
    std::string stem = file_stem(url_file_name(url));
    if (stem.empty()) stem = "media";
    out.info.id = stem;
    out.info.title = stem;
    out.info.extractor = std::string(to_string(out.kind));
    out.info.webpage_url = std::string(url);

    media::Stream stream;
    stream.id = kStreamId;
    stream.type = type.audio ? media::StreamType::Audio : media::StreamType::Muxed;
    stream.mime_type = std::string(mime_type);
    out.presentation.streams.push_back(std::move(stream));

    StreamExtras extras;
    extras.file_url = std::string(url);
    extras.ext = type.ext;
    // yt-dlp's protocol names for a plain file are the URL's scheme.
    if (const auto scheme = media::split_uri(url).scheme) extras.protocol = media::text::to_lower(*scheme);
    out.extras.emplace(kStreamId, std::move(extras));
    return out;
}

ExtractResult DirectMediaExtractor::extract(const ExtractRequest& request, PageFetcher& /*fetcher*/,
                                            const CancelFlag& cancel) {
    if (cancel.load()) return Error{FailReason::Cancelled, "extraction cancelled: " + request.url};
    if (!is_http_url(request.url))
        return Error{FailReason::Unsupported, "not an http(s) URL: " + request.url};
    if (!request.first_answer) {
        // The extension is enough: no request is made, the download itself will meet the file.
        if (auto by_url = media_file_type_of_url(request.url))
            return direct_media_extraction(request.url, *by_url, {});
        return Error{FailReason::Unsupported, "not a media file URL: " + request.url};
    }
    const Page& answer = *request.first_answer;
    if (auto failure = answer_failure(answer, request.url)) return *failure;
    const std::string url = answer_url(answer, request.url);
    if (auto by_type = media_file_type_of_content_type(answer.content_type, url))
        return direct_media_extraction(url, *by_type, net::media_type_of(answer.content_type));
    // A page or a playlist behind a media extension is what the answer says it is; a generic type
    // (application/octet-stream, none) leaves the extension to decide.
    const std::string type = net::media_type_of(answer.content_type);
    if (!net::is_page_type(type) && !media::manifest_kind_of_type(type) && !type.starts_with("text/")) {
        if (auto by_url = media_file_type_of_url(url)) return direct_media_extraction(url, *by_url, {});
    }
    return Error{FailReason::Unsupported, "not a media file URL: " + request.url};
}

}  // namespace arina::extract
