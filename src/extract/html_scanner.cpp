#include "extract/html_scanner.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "extract/html_budget.hpp"
#include "extract/html_document.hpp"
#include "extract/json_ld.hpp"
#include "extract/media_file_type.hpp"
#include "extract/script_urls.hpp"
#include "extract/url_name.hpp"
#include "media/manifest_detect.hpp"
#include "media/text.hpp"
#include "media/url_resolve.hpp"
#include "net/media_type.hpp"

namespace arina::extract {
namespace {

// Candidates gathered before resolving, filtering and removing duplicates; more than are kept,
// so that manifests named late on a page still win over files named early.
constexpr std::size_t kMaxRawCandidates = 4 * kMaxCandidates;
constexpr std::size_t kMaxVideosPerJsonLd = 16;
constexpr std::size_t kMaxTitleBytes = 1024;
constexpr std::size_t kMaxDescriptionBytes = 16 * 1024;
constexpr std::size_t kMaxCollectedText = 64 * 1024;
// Signed CDN URLs run to a few KiB; a longer "URL" is junk or an attack.
constexpr std::size_t kMaxUrlBytes = 16 * 1024;

struct RawCandidate {
    std::string url;  // as written on the page
    CandidateSource source = CandidateSource::VideoTag;
    bool in_audio = false;
    std::string mime_type;
    std::optional<int> height;
    std::string label;
    int element = 0;  // see MediaCandidate::element
};

struct RawTrack {
    std::string src, language, label;
};

// Everything the walk over the tree writes down, in document order; resolved afterwards, since a
// <base href> applies to the whole document wherever it stands.
struct Collected {
    std::string base_href;
    bool base_seen = false;
    std::string og_title, og_description, og_image, meta_description, html_title;
    bool title_seen = false;
    std::vector<RawCandidate> candidates;
    int media_elements = 0;                       // <video> and <audio> elements seen so far
    std::optional<std::size_t> open_graph_video;  // index of the og:video structure being described
    std::optional<std::size_t> twitter_stream;
    std::vector<RawTrack> tracks;
    std::vector<JsonLdVideo> json_ld;
};

std::string_view attribute(const GumboElement& element, const char* name) {
    const GumboAttribute* found = gumbo_get_attribute(&element.attributes, name);
    return found == nullptr ? std::string_view{} : std::string_view(found->value);
}

bool is_html(const GumboElement& element, GumboTag tag) {
    return element.tag == tag && element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

const GumboElement* parent_element(const GumboNode& node) {
    const GumboNode* parent = node.parent;
    if (parent == nullptr || (parent->type != GUMBO_NODE_ELEMENT && parent->type != GUMBO_NODE_TEMPLATE))
        return nullptr;
    return &parent->v.element;
}

// The text directly inside an element (<title>, <script> hold one text node).
std::string text_of(const GumboElement& element) {
    std::string text;
    for (unsigned i = 0; i < element.children.length; ++i) {
        const auto* child = static_cast<const GumboNode*>(element.children.data[i]);
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE ||
            child->type == GUMBO_NODE_CDATA) {
            text += child->v.text.text;
            if (text.size() > kMaxCollectedText && element.tag != GUMBO_TAG_SCRIPT) break;
        }
    }
    return text;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Trimmed, runs of white space made one space, cut to `limit` bytes on a UTF-8 boundary.
std::string collapse_whitespace(std::string_view text, std::size_t limit) {
    std::string out;
    bool pending_space = false;
    for (char c : text) {
        if (is_space(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out += ' ';
        pending_space = false;
        out += c;
        if (out.size() > limit + 4) break;
    }
    if (out.size() > limit) {
        std::size_t cut = limit;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out.resize(cut);
        while (!out.empty() && out.back() == ' ') out.pop_back();
    }
    return out;
}

// "720p", "1080p60", "HD 720", "1280x720", "720" -> the height; "4K", "HD" -> nothing.
std::optional<int> height_from_label(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] < '0' || text[i] > '9') {
            ++i;
            continue;
        }
        const std::size_t start = i;
        int value = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 6)
            value = value * 10 + (text[i++] - '0');
        // "h264" is not a height; the 720 of "1280x720" is.
        const bool after_width = start > 1 && (text[start - 1] == 'x' || text[start - 1] == 'X') &&
                                 text[start - 2] >= '0' && text[start - 2] <= '9';
        const bool after_letter = start > 0 && !after_width &&
                                  ((text[start - 1] >= 'a' && text[start - 1] <= 'z') ||
                                   (text[start - 1] >= 'A' && text[start - 1] <= 'Z'));
        const bool ends_run = i == text.size() || text[i] == 'p' || text[i] == 'P' ||
                              !((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z') ||
                                (text[i] >= '0' && text[i] <= '9'));
        const bool is_width = i < text.size() && (text[i] == 'x' || text[i] == 'X');
        if (!after_letter && ends_run && !is_width && value >= 100 && value <= 8640) return value;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    }
    return std::nullopt;
}

std::optional<int> height_of_tag(const GumboElement& element) {
    for (const char* name : {"res", "size", "data-res", "data-quality", "label", "title"}) {
        if (auto height = height_from_label(attribute(element, name))) return height;
    }
    return std::nullopt;
}

bool add_candidate(Collected& page, RawCandidate candidate) {
    const std::string_view url = media::text::trim(candidate.url);
    if (url.empty() || url.size() > kMaxUrlBytes || page.candidates.size() >= kMaxRawCandidates) return false;
    page.candidates.push_back(std::move(candidate));
    return true;
}

void on_media_element(Collected& page, const GumboElement& element, CandidateSource source, bool in_audio) {
    std::string_view src = attribute(element, "src");
    if (src.empty()) src = attribute(element, "data-src");  // lazily loaded players
    RawCandidate candidate;
    candidate.url = std::string(src);
    candidate.source = source;
    candidate.in_audio = in_audio;
    candidate.mime_type = net::media_type_of(attribute(element, "type"));
    candidate.height = height_of_tag(element);
    candidate.label = collapse_whitespace(attribute(element, "label"), kMaxTitleBytes);
    // A <source> belongs to the element visited just before its siblings: its parent.
    candidate.element = page.media_elements;
    add_candidate(page, std::move(candidate));
}

void on_track(Collected& page, const GumboElement& element) {
    const std::string kind = media::text::to_lower(media::text::trim(attribute(element, "kind")));
    // A track without kind is a subtitle track (HTML's missing-value default).
    if (!kind.empty() && kind != "subtitles" && kind != "captions") return;
    if (page.tracks.size() >= kMaxSubtitles) return;
    page.tracks.push_back(RawTrack{std::string(attribute(element, "src")),
                                   std::string(media::text::trim(attribute(element, "srclang"))),
                                   collapse_whitespace(attribute(element, "label"), kMaxTitleBytes)});
}

// An Open Graph video is a structure: og:video (or og:video:url) starts one, the properties after
// it (secure_url, type) describe it. Twitter's player stream works the same way.
void on_meta(Collected& page, const GumboElement& element) {
    std::string_view key = attribute(element, "property");
    if (key.empty()) key = attribute(element, "name");
    const std::string name = media::text::to_lower(media::text::trim(key));
    const std::string_view content = attribute(element, "content");
    if (name.empty() || content.empty()) return;
    auto start_structure = [&](CandidateSource source, std::optional<std::size_t>& current) {
        const std::size_t index = page.candidates.size();
        if (add_candidate(page, RawCandidate{std::string(content), source, false, {}, {}, {}}))
            current = index;
    };
    if (name == "og:video" || name == "og:video:url") {
        // og:video:url repeating og:video is the same video.
        if (name == "og:video:url" && page.open_graph_video &&
            page.candidates[*page.open_graph_video].url == content)
            return;
        start_structure(CandidateSource::OpenGraph, page.open_graph_video);
    } else if (name == "og:video:secure_url") {
        const std::string_view secure = media::text::trim(content);
        if (!page.open_graph_video)
            start_structure(CandidateSource::OpenGraph, page.open_graph_video);
        else if (!secure.empty() && secure.size() <= kMaxUrlBytes)  // as add_candidate would check
            page.candidates[*page.open_graph_video].url = std::string(secure);
    } else if (name == "og:video:type") {
        if (page.open_graph_video)
            page.candidates[*page.open_graph_video].mime_type = net::media_type_of(content);
    } else if (name == "og:video:height") {
        if (page.open_graph_video)
            page.candidates[*page.open_graph_video].height = height_from_label(content);
    } else if (name == "twitter:player:stream") {
        start_structure(CandidateSource::TwitterStream, page.twitter_stream);
    } else if (name == "twitter:player:stream:content_type") {
        if (page.twitter_stream)
            page.candidates[*page.twitter_stream].mime_type = net::media_type_of(content);
    } else if (name == "og:title" && page.og_title.empty()) {
        page.og_title = std::string(content);
    } else if (name == "og:description" && page.og_description.empty()) {
        page.og_description = std::string(content);
    } else if ((name == "og:image" || name == "og:image:url" || name == "og:image:secure_url") &&
               page.og_image.empty()) {
        page.og_image = std::string(content);
    } else if (name == "description" && page.meta_description.empty()) {
        page.meta_description = std::string(content);
    }
}

void on_script(Collected& page, const GumboElement& element) {
    const std::string type = net::media_type_of(attribute(element, "type"));
    const std::string text = text_of(element);
    if (type == "application/ld+json") {
        for (JsonLdVideo& video : video_objects_in_json_ld(text, kMaxVideosPerJsonLd)) {
            if (!video.content_url.empty())
                add_candidate(
                    page,
                    RawCandidate{video.content_url, CandidateSource::JsonLd, false, {}, video.height, {}});
            page.json_ld.push_back(std::move(video));
        }
        return;
    }
    const std::size_t room = kMaxRawCandidates - std::min(kMaxRawCandidates, page.candidates.size());
    for (std::string& url : media_urls_in_script(text, room))
        add_candidate(page, RawCandidate{std::move(url), CandidateSource::Script, false, {}, {}, {}});
}

void on_element(Collected& page, const GumboNode& node) {
    const GumboElement& element = node.v.element;
    if (element.tag_namespace != GUMBO_NAMESPACE_HTML) return;  // <svg><title> is not the page's
    const GumboElement* parent = parent_element(node);
    const bool in_video = parent != nullptr && is_html(*parent, GUMBO_TAG_VIDEO);
    const bool in_audio = parent != nullptr && is_html(*parent, GUMBO_TAG_AUDIO);
    switch (element.tag) {
        case GUMBO_TAG_BASE:
            if (!page.base_seen && !attribute(element, "href").empty()) {
                page.base_seen = true;
                page.base_href = std::string(attribute(element, "href"));
            }
            break;
        case GUMBO_TAG_TITLE:
            if (!page.title_seen) {
                page.title_seen = true;
                page.html_title = text_of(element);
            }
            break;
        case GUMBO_TAG_META:
            on_meta(page, element);
            break;
        case GUMBO_TAG_VIDEO:
            ++page.media_elements;
            on_media_element(page, element, CandidateSource::VideoTag, false);
            break;
        case GUMBO_TAG_AUDIO:
            ++page.media_elements;
            on_media_element(page, element, CandidateSource::AudioTag, true);
            break;
        case GUMBO_TAG_SOURCE:  // <picture><source> is an image
            if (in_video || in_audio) on_media_element(page, element, CandidateSource::SourceTag, in_audio);
            break;
        case GUMBO_TAG_TRACK:
            if (in_video || in_audio) on_track(page, element);
            break;
        case GUMBO_TAG_SCRIPT:
            if (attribute(element, "src").empty()) on_script(page, element);
            break;
        default:
            break;
    }
}

// Pre-order walk with an explicit stack: nesting depth costs heap, never call stack.
Collected collect(const GumboNode* root) {
    Collected page;
    std::vector<const GumboNode*> stack{root};
    while (!stack.empty()) {
        const GumboNode* node = stack.back();
        stack.pop_back();
        const GumboVector* children = nullptr;
        if (node->type == GUMBO_NODE_DOCUMENT) {
            children = &node->v.document.children;
        } else if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
            on_element(page, *node);
            children = &node->v.element.children;
        }
        if (children == nullptr) continue;
        for (unsigned i = children->length; i > 0; --i)
            stack.push_back(static_cast<const GumboNode*>(children->data[i - 1]));
    }
    return page;
}

// Types that players (mediaelement.js, video.js plugins) give <source> for a site's embed, which
// is a page, not media.
bool is_embed_type(std::string_view type) {
    constexpr std::array<std::string_view, 7> kEmbeds{"video/youtube",     "video/x-youtube", "video/vimeo",
                                                      "video/dailymotion", "video/facebook",  "video/twitch",
                                                      "video/soundcloud"};
    return std::find(kEmbeds.begin(), kEmbeds.end(), type) != kEmbeds.end();
}

std::optional<MediaCandidate> finish(const RawCandidate& raw, std::string_view base) {
    MediaCandidate out;
    out.url = media::resolve_url(base, raw.url);
    if (!is_http_url(out.url) || is_embed_type(raw.mime_type)) return std::nullopt;
    out.source = raw.source;
    out.mime_type = raw.mime_type;
    out.height = raw.height;
    out.label = raw.label;
    out.element = raw.element;
    const auto manifest = media::manifest_kind_of_type(raw.mime_type)
                              ? media::manifest_kind_of_type(raw.mime_type)
                              : media::manifest_kind_of_url(out.url);
    if (manifest)
        out.format = *manifest == media::ManifestKind::Hls ? CandidateFormat::Hls : CandidateFormat::Dash;
    const auto by_type = media_file_type_of_content_type(raw.mime_type, out.url);
    const auto by_url = media_file_type_of_url(out.url);
    const bool typed_media = by_type.has_value();
    // A stated type that is neither media nor a manifest (text/html for an embedded player,
    // application/x-shockwave-flash) is not a file to download.
    if (!manifest && !raw.mime_type.empty() && !typed_media) return std::nullopt;
    // Meta tags name player pages as often as media: only a media type or extension counts there.
    const bool from_meta =
        raw.source == CandidateSource::OpenGraph || raw.source == CandidateSource::TwitterStream;
    if (from_meta && !manifest && !typed_media && !by_url) return std::nullopt;
    out.audio_only = !manifest && (raw.in_audio || (by_type ? by_type->audio : (by_url && by_url->audio)));
    return out;
}

std::string first_non_empty(std::initializer_list<std::string_view> texts) {
    for (std::string_view text : texts)
        if (!media::text::trim(text).empty()) return std::string(text);
    return {};
}

}  // namespace

PageScan scan_html(std::string_view html, std::string_view page_url) {
    const std::string_view parsed = html.substr(0, parseable_prefix(html.substr(0, kMaxScannedBytes)));
    Collected page;
    {
        const HtmlDocument document(parsed);
        page = collect(document.root());
    }
    std::string base(page_url);
    if (page.base_seen) {
        const std::string resolved = media::resolve_url(page_url, page.base_href);
        if (is_http_url(resolved)) base = resolved;
    }

    PageScan scan;
    scan.cut = parsed.size() < html.size();
    std::unordered_map<std::string, std::size_t> seen;  // URL -> its candidate
    for (const RawCandidate& raw : page.candidates) {
        auto candidate = finish(raw, base);
        if (!candidate) continue;
        if (const auto it = seen.find(candidate->url); it != seen.end()) {
            // Named twice (og:video in the head, then a <source> of a <video>): one candidate,
            // which belongs to the element and has the height either place gave.
            MediaCandidate& kept = scan.candidates[it->second];
            if (kept.element == 0) kept.element = candidate->element;
            if (!kept.height) kept.height = candidate->height;
            continue;
        }
        seen.emplace(candidate->url, scan.candidates.size());
        scan.candidates.push_back(std::move(*candidate));
    }
    std::stable_partition(scan.candidates.begin(), scan.candidates.end(),
                          [](const MediaCandidate& c) { return c.format != CandidateFormat::File; });
    if (scan.candidates.size() > kMaxCandidates) scan.candidates.resize(kMaxCandidates);

    std::unordered_set<std::string> seen_tracks;
    for (const RawTrack& track : page.tracks) {
        if (media::text::trim(track.src).empty()) continue;
        SubtitleFile subtitle;
        subtitle.url = media::resolve_url(base, track.src);
        if (!is_http_url(subtitle.url) || !seen_tracks.insert(subtitle.url).second) continue;
        subtitle.language = track.language;
        subtitle.name = track.label;
        subtitle.ext = url_path_extension(subtitle.url);
        if (subtitle.ext.empty() || subtitle.ext.size() > 5)
            subtitle.ext = "vtt";  // <track>'s format is WebVTT
        scan.subtitles.push_back(std::move(subtitle));
    }

    const JsonLdVideo no_video;
    const JsonLdVideo& video = page.json_ld.empty() ? no_video : page.json_ld.front();
    scan.title =
        collapse_whitespace(first_non_empty({page.og_title, video.name, page.html_title}), kMaxTitleBytes);
    scan.description =
        collapse_whitespace(first_non_empty({page.og_description, video.description, page.meta_description}),
                            kMaxDescriptionBytes);
    const std::string thumbnail = first_non_empty({page.og_image, video.thumbnail_url});
    if (!thumbnail.empty()) {
        std::string resolved = media::resolve_url(base, thumbnail);
        if (is_http_url(resolved)) scan.thumbnail_url = std::move(resolved);
    }
    for (const JsonLdVideo& each : page.json_ld) {
        if (scan.upload_date.empty()) scan.upload_date = each.upload_date;
        if (!scan.duration) scan.duration = each.duration;
    }
    return scan;
}

}  // namespace arina::extract
