#include "extract/html_page_extractor.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "extract/direct_media_extractor.hpp"
#include "extract/manifest_extractor.hpp"
#include "extract/media_file_type.hpp"
#include "extract/page_answer.hpp"
#include "extract/url_name.hpp"
#include "media/manifest_detect.hpp"
#include "media/text.hpp"
#include "media/url_resolve.hpp"
#include "net/media_type.hpp"

namespace arina::extract {
namespace {

Error cancelled(std::string_view url) {
    return Error{FailReason::Cancelled, "extraction cancelled: " + std::string(url)};
}

// Servers that send no Content-Type (or text/plain) for a page: the markup says what it is.
bool looks_like_html(std::string_view body) {
    const std::string head = media::text::to_lower(body.substr(0, 1024));
    return head.find("<!doctype html") != std::string::npos || head.find("<html") != std::string::npos;
}

// The page's own name for the media: its URL's last path component without extension
// ("/videos/lighthouse-keeper/" -> "lighthouse-keeper", "/watch.php?v=1" -> "watch").
std::string page_id(std::string_view url) {
    std::string_view path = media::split_uri(url).path;
    while (path.ends_with('/')) path.remove_suffix(1);
    const auto slash = path.rfind('/');
    std::string id =
        file_stem(percent_decode(slash == std::string_view::npos ? path : path.substr(slash + 1)));
    return id.empty() ? std::string("page") : id;
}

std::string file_ext(const MediaCandidate& candidate) {
    if (auto by_url = media_file_type_of_url(candidate.url)) return by_url->ext;
    if (auto by_type = media_file_type_of_content_type(candidate.mime_type, candidate.url))
        return by_type->ext;
    return "mp4";  // <video> with neither: what browsers play everywhere
}

void add_file_streams(const PageScan& scan, Extraction& out) {
    int number = 0;
    for (const MediaCandidate& candidate : scan.candidates) {
        if (candidate.format != CandidateFormat::File) continue;
        media::Stream stream;
        stream.id = "html-" + std::to_string(++number);
        stream.type = candidate.audio_only ? media::StreamType::Audio : media::StreamType::Muxed;
        stream.height = candidate.height;
        stream.mime_type = candidate.mime_type;
        stream.name = candidate.label;
        StreamExtras extras;
        extras.file_url = candidate.url;
        extras.ext = file_ext(candidate);
        extras.protocol = media::text::to_lower(media::split_uri(candidate.url).scheme.value_or("https"));
        extras.format_note = !candidate.label.empty() ? candidate.label
                             : candidate.height       ? std::to_string(*candidate.height) + "p"
                                                      : std::string();
        out.extras.emplace(stream.id, std::move(extras));
        out.presentation.streams.push_back(std::move(stream));
    }
}

// One entry per <video>/<audio> element that names a media file, in page order: its best
// quality (the greatest height, else the first <source>). Elements that share no file with
// another are different media: a page with several is a playlist (as yt-dlp's generic
// extractor reads such pages), each entry a task of its own. Fewer than two: no entries.
std::vector<PlaylistEntry> entries_of_elements(const PageScan& scan, const MediaInfo& page) {
    std::vector<const MediaCandidate*> best;  // by element, in page order
    std::vector<int> numbers;
    for (const MediaCandidate& candidate : scan.candidates) {
        if (candidate.format != CandidateFormat::File || candidate.element == 0) continue;
        const auto at = std::find(numbers.begin(), numbers.end(), candidate.element);
        if (at == numbers.end()) {
            numbers.push_back(candidate.element);
            best.push_back(&candidate);
        } else if (auto& kept = best[static_cast<std::size_t>(at - numbers.begin())];
                   candidate.height.value_or(0) > kept->height.value_or(0)) {
            kept = &candidate;
        }
    }
    std::vector<PlaylistEntry> entries;
    if (best.size() < 2) return entries;
    for (std::size_t i = 0; i < best.size(); ++i) {
        const int index = static_cast<int>(i) + 1;
        entries.push_back({best[i]->url, page.id + "-" + std::to_string(index),
                           page.title + " (" + std::to_string(index) + ")", index, file_ext(*best[i])});
    }
    return entries;
}

}  // namespace

ExtractResult page_extraction(const PageScan& scan, std::string_view page_url, std::string_view webpage_url,
                              PageFetcher& fetcher, const CancelFlag& cancel) {
    Extraction out;
    out.kind = ExtractorKind::HtmlPage;
    out.info.id = page_id(page_url);
    out.info.title = scan.title.empty() ? out.info.id : scan.title;
    out.info.extractor = std::string(to_string(out.kind));
    out.info.description = scan.description;
    out.info.thumbnail_url = scan.thumbnail_url;
    out.info.upload_date = scan.upload_date;
    out.info.duration = scan.duration;
    out.info.webpage_url = std::string(webpage_url);
    out.subtitles = scan.subtitles;
    if (scan.cut) out.warnings.push_back("only the start of the page was read: " + std::string(page_url));

    // Manifests first (scan order puts them there): one that parses is the whole presentation.
    std::optional<Error> first_failure;
    std::size_t tries = 0;
    for (const MediaCandidate& candidate : scan.candidates) {
        if (candidate.format == CandidateFormat::File || tries++ == kMaxManifestTries) break;
        const auto kind =
            candidate.format == CandidateFormat::Hls ? media::ManifestKind::Hls : media::ManifestKind::Dash;
        ExtractResult manifest = fetch_manifest(candidate.url, fetcher, cancel, kind);
        if (auto* error = std::get_if<Error>(&manifest)) {
            if (error->reason == FailReason::Cancelled) return *error;
            out.warnings.push_back("manifest named on the page failed: " + error->message);
            if (!first_failure) first_failure = *error;
            continue;
        }
        Extraction& found = std::get<Extraction>(manifest);
        out.presentation = std::move(found.presentation);
        out.manifest_url = std::move(found.manifest_url);
        if (!out.info.duration) out.info.duration = out.presentation.duration;
        return out;
    }
    if (auto entries = entries_of_elements(scan, out.info); !entries.empty()) {
        out.entries = std::move(entries);
        out.playlist_title = out.info.title;
        return out;
    }
    add_file_streams(scan, out);
    if (out.presentation.streams.empty()) {
        if (first_failure) return *first_failure;
        return Error{FailReason::Unsupported, "no media named on page: " + std::string(page_url)};
    }
    return out;
}

ExtractResult HtmlPageExtractor::extract(const ExtractRequest& request, PageFetcher& fetcher,
                                         const CancelFlag& cancel) {
    if (cancel.load()) return cancelled(request.url);
    if (!is_http_url(request.url))
        return Error{FailReason::Unsupported, "not an http(s) URL: " + request.url};

    // The first answer is reused unless it is a cut-off page (the media may be further down).
    const bool reuse =
        request.first_answer && (!request.first_answer->truncated ||
                                 !net::is_page_type(net::media_type_of(request.first_answer->content_type)));
    Page page;
    if (reuse) {
        page = *request.first_answer;
    } else {
        page = fetcher.get(request.url, kMaxPageBytes);
        if (cancel.load()) return cancelled(request.url);
    }
    if (auto failure = answer_failure(page, request.url)) return *failure;
    const std::string url = answer_url(page, request.url);
    const std::string type = net::media_type_of(page.content_type);

    // Not a page after all: a URL without a telling extension is whatever its answer says.
    auto manifest = media::sniff_manifest(page.body);
    if (!manifest) manifest = media::manifest_kind_of_type(type);
    if (manifest) {
        if (!page.truncated && !page.body.empty()) return manifest_from_answer(page, request.url, *manifest);
        return fetch_manifest(request.url, fetcher, cancel, *manifest);
    }
    if (auto media = media_file_type_of_content_type(type, url))
        return direct_media_extraction(url, *media, type);
    const bool untyped = type.empty() || type == "text/plain" || type == "application/octet-stream";
    if (!net::is_page_type(type) && !(untyped && looks_like_html(page.body)))
        return Error{
            FailReason::Unsupported,
            "not a web page (" + (type.empty() ? std::string("no type") : type) + "): " + request.url};

    const PageScan scan = scan_html(page.body, url);
    if (scan.candidates.empty())
        return Error{FailReason::Unsupported, "no media named on page: " + request.url};
    return page_extraction(scan, url, request.url, fetcher, cancel);
}

}  // namespace arina::extract
