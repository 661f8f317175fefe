#include "extract/ytdlp_json.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "extract/ytdlp_fields.hpp"
#include "extract/ytdlp_formats.hpp"
#include "media/limits.hpp"

namespace arina::extract {
namespace {

using ytdlp::Fields;
using ytdlp::is_http_url;
using ytdlp::Json;
using ytdlp::shown;

/// Far above real pages (YouTube offers ~100 languages x 6 caption formats); a bound for hostile ones.
constexpr std::size_t kMaxSubtitles = 20000;
constexpr std::size_t kMaxEntries = 1'000'000;

bool is_upload_date(const std::string& text) {
    return text.size() == 8 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// `thumbnail` when given, else the best of `thumbnails[]`: highest preference, then the largest
/// area, then the last (yt-dlp sorts them worst first).
std::string best_thumbnail(const Json& root, Fields& fields) {
    if (auto url = fields.text(root, "thumbnail", "the video"); url && is_http_url(*url)) return *url;
    const Json* list = fields.array(root, "thumbnails", "the video");
    if (list == nullptr) return {};
    std::string best;
    std::pair<double, double> best_rank{-1e300, -1};
    for (const Json& item : *list) {
        if (!item.is_object()) continue;
        auto url = fields.text(item, "url", "a thumbnail");
        if (!url || !is_http_url(*url)) continue;
        const double preference = fields.number(item, "preference", "a thumbnail").value_or(0);
        const double area = fields.number(item, "width", "a thumbnail").value_or(0) *
                            fields.number(item, "height", "a thumbnail").value_or(0);
        const std::pair<double, double> rank{preference, area};
        if (best.empty() || rank >= best_rank) {
            best = *url;
            best_rank = rank;
        }
    }
    return best;
}

MediaInfo map_info(const Json& root, Fields& fields) {
    constexpr std::string_view where = "the video";
    MediaInfo info;
    info.id = fields.text(root, "id", where).value_or("");
    info.title = fields.text(root, "title", where).value_or("");
    info.extractor = fields.text(root, "extractor_key", where).value_or("");
    if (info.extractor.empty()) info.extractor = fields.text(root, "extractor", where).value_or("");
    info.uploader = fields.text(root, "uploader", where).value_or("");
    if (info.uploader.empty()) info.uploader = fields.text(root, "channel", where).value_or("");
    if (auto date = fields.text(root, "upload_date", where)) {
        if (is_upload_date(*date))
            info.upload_date = *date;
        else
            fields.warn("yt-dlp JSON: upload_date " + shown(*date) + " is not YYYYMMDD; ignored");
    }
    info.description = fields.text(root, "description", where).value_or("");
    info.thumbnail_url = best_thumbnail(root, fields);
    if (auto page = fields.text(root, "webpage_url", where); page && is_http_url(*page))
        info.webpage_url = *page;
    else if (auto original = fields.text(root, "original_url", where); original && is_http_url(*original))
        info.webpage_url = *original;
    if (auto duration = fields.number(root, "duration", where);
        duration && *duration >= 0 && *duration <= media::kMaxDurationSeconds)
        info.duration = *duration;
    return info;
}

/// A flat entry's `url` (yt-dlp `_type` url), else a full entry's page. A full entry found on
/// the playlist's own page (several <video>s of one page) would only give the playlist again: its
/// `url` (the media yt-dlp chose for it) is the entry instead. YouTube's flat entries from older
/// yt-dlp carry the bare video id as `url`.
std::string entry_url(const Json& entry, const std::string& playlist_page, Fields& fields) {
    const auto type = fields.text(entry, "_type", "a playlist entry").value_or("");
    const auto url = fields.text(entry, "url", "a playlist entry").value_or("");
    const auto page = fields.text(entry, "webpage_url", "a playlist entry").value_or("");
    const bool flat = type == "url" || type == "url_transparent";
    if (flat && is_http_url(url)) return url;
    if (is_http_url(page) && page != playlist_page) return page;
    if (is_http_url(url)) return url;
    const auto ie_key = fields.text(entry, "ie_key", "a playlist entry").value_or("");
    const bool video_id = url.size() == 11 && std::all_of(url.begin(), url.end(), [](char c) {
                              return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                          });
    if (ie_key == "Youtube" && video_id) return "https://www.youtube.com/watch?v=" + url;
    return {};
}

void map_entries(const Json& list, Extraction& out, Fields& fields) {
    std::size_t skipped = 0;
    for (std::size_t i = 0; i < list.size() && out.entries.size() < kMaxEntries; ++i) {
        const Json& entry = list[i];
        PlaylistEntry e;
        if (entry.is_object()) e.url = entry_url(entry, out.info.webpage_url, fields);
        if (e.url.empty()) {
            ++skipped;
            continue;
        }
        e.id = fields.text(entry, "id", "a playlist entry").value_or("");
        e.title = fields.text(entry, "title", "a playlist entry").value_or("");
        const auto index = fields.integer(entry, "playlist_index", "a playlist entry");
        e.index =
            index && *index > 0 && *index <= 100'000'000 ? static_cast<int>(*index) : static_cast<int>(i + 1);
        out.entries.push_back(std::move(e));
    }
    if (skipped > 0)
        fields.note(std::to_string(skipped) +
                    " playlist entries left out: no http(s) URL (unavailable or private)");
}

void map_subtitles(const Json& root, const char* key, bool automatic, Extraction& out, Fields& fields) {
    const Json* by_language = fields.object(root, key, "the video");
    if (by_language == nullptr) return;
    std::set<std::string> other_protocols;
    for (const auto& [language, list] : by_language->items()) {
        if (!list.is_array()) continue;
        for (const Json& item : list) {
            if (out.subtitles.size() >= kMaxSubtitles) return;
            if (!item.is_object()) continue;
            const auto url = fields.text(item, "url", "a subtitle").value_or("");
            if (!is_http_url(url)) continue;  // yt-dlp lists some formats without a URL
            const auto protocol = fields.text(item, "protocol", "a subtitle").value_or("https");
            if (protocol != "https" && protocol != "http") {
                other_protocols.insert(protocol);
                continue;
            }
            SubtitleFile s;
            s.language = language;
            s.url = url;
            s.ext = fields.text(item, "ext", "a subtitle").value_or("");
            s.name = fields.text(item, "name", "a subtitle").value_or("");
            s.automatic = automatic;
            out.subtitles.push_back(std::move(s));
        }
    }
    for (const auto& protocol : other_protocols)
        fields.note("subtitles over " + shown(protocol) +
                    " left out: Arina fetches only http(s) subtitle files");
}

/// The formats (or the document itself, for yt-dlp's single-format output) -> the presentation.
void map_formats(const Json& root, Extraction& out, Fields& fields) {
    const Json* formats = fields.array(root, "formats", "the video");
    Json single;
    if ((formats == nullptr || formats->empty()) && root.contains("url")) {
        single = Json::array({root});  // a direct media URL: the top level is the one format
        formats = &single;
    }
    if (formats == nullptr) return;

    std::int64_t budget = media::kMaxFragmentsTotal;
    std::map<std::string, int> left_out;  // why -> how many
    std::set<std::string> ids;
    std::set<std::string> manifests;  // distinct manifest_url of the kept formats
    std::set<std::string> dash_only;  // DASH formats given only as an MPD
    bool any_fragments = false;
    bool any_playlist = false;
    bool any_file = false;
    for (std::size_t i = 0; i < formats->size(); ++i) {
        const Json& format = (*formats)[i];
        if (!format.is_object()) {
            ++left_out["not an object"];
            continue;
        }
        auto mapped = ytdlp::map_format(format, i, fields, budget);
        if (auto* reason = std::get_if<ytdlp::LeftOut>(&mapped)) {
            ++left_out[reason->why];
            continue;
        }
        auto& m = std::get<ytdlp::MappedFormat>(mapped);
        if (m.delivery == ytdlp::Delivery::DashManifest) {
            dash_only.insert(m.manifest_url);
            continue;
        }
        // format_id is the key of StreamExtras: it must be unique.
        if (!ids.insert(m.stream.id).second) {
            m.stream.id += "-" + std::to_string(i);
            ids.insert(m.stream.id);
        }
        any_fragments = any_fragments || m.delivery == ytdlp::Delivery::Fragments;
        any_playlist = any_playlist || m.delivery == ytdlp::Delivery::HlsPlaylist;
        any_file = any_file || m.delivery == ytdlp::Delivery::File;
        manifests.insert(m.manifest_url);
        out.extras.emplace(m.stream.id, std::move(m.extras));
        out.presentation.streams.push_back(std::move(m.stream));
    }

    for (const auto& [why, count] : left_out)
        fields.note(std::to_string(count) + (count == 1 ? " format" : " formats") +
                    " left out: " + shown(why) + " (Arina cannot fetch it)");
    auto& p = out.presentation;
    p.duration = out.info.duration;
    if (any_fragments) {
        p.kind = media::ManifestKind::Dash;
    } else if (any_playlist) {
        p.kind = media::ManifestKind::Hls;
        p.is_master = true;  // those streams' fragments come with their playlist
    } else {
        p.kind = media::ManifestKind::Dash;
    }
    // Formats that all came from one manifest: fetching it again renews expired URLs.
    const bool one_manifest = manifests.size() == 1 && !manifests.begin()->empty() && !any_file;
    if (one_manifest && !(any_fragments && any_playlist)) out.manifest_url = *manifests.begin();
    if (p.streams.empty() && dash_only.size() == 1) {
        out.manifest_url = *dash_only.begin();
        p.kind = media::ManifestKind::Dash;
        fields.note("yt-dlp gave the formats only as a DASH manifest: " + shown(out.manifest_url));
    } else if (!dash_only.empty()) {
        fields.note(std::to_string(dash_only.size()) + " DASH manifests without fragments left out");
    }
}

}  // namespace

Extraction map_ytdlp_json(const nlohmann::json& root) {
    Extraction out;
    out.kind = ExtractorKind::YtDlp;
    Fields fields;
    if (!root.is_object()) {
        out.warnings.push_back(std::string("yt-dlp JSON: the document is ") + root.type_name() +
                               ", not an object");
        return out;
    }
    out.info = map_info(root, fields);
    const auto type = fields.text(root, "_type", "the video").value_or("");
    const Json* entries = fields.array(root, "entries", "the video");
    if (type == "playlist" || type == "multi_video" || entries != nullptr) {
        out.playlist_title = out.info.title;
        if (entries != nullptr) map_entries(*entries, out, fields);
    } else {
        map_formats(root, out, fields);
        map_subtitles(root, "subtitles", false, out, fields);
        map_subtitles(root, "automatic_captions", true, out, fields);
    }
    fields.flush_into(out.warnings);
    return out;
}

std::variant<Extraction, JsonSyntaxError> parse_ytdlp_json(std::string_view text,
                                                           std::string* ytdlp_version) {
    try {
        const auto root = nlohmann::json::parse(text);
        if (ytdlp_version != nullptr) {
            ytdlp_version->clear();
            if (root.is_object() && root.contains("_version") && root["_version"].is_object()) {
                const auto& version = root["_version"];
                if (version.contains("version") && version["version"].is_string())
                    *ytdlp_version = version["version"].get<std::string>();
            }
        }
        return map_ytdlp_json(root);
    } catch (const nlohmann::json::parse_error& e) {
        return JsonSyntaxError{e.byte, e.what()};
    } catch (const nlohmann::json::exception& e) {
        // A number too large for a double ("1e999") is out_of_range, without a position.
        return JsonSyntaxError{0, e.what()};
    }
}

}  // namespace arina::extract
