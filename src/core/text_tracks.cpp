#include "core/text_tracks.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "media/hls_parser.hpp"
#include "media/manifest_detect.hpp"
#include "media/webvtt.hpp"

namespace arina {
namespace {

std::string language_of(const media::Stream& s) {
    return s.language.empty() ? "und" : s.language;
}

// Why a DASH text stream cannot be had as a file, or empty when it can.
std::string unsupported_form(const media::Stream& s) {
    if (s.container == media::Container::Vtt || s.container == media::Container::Ttml) {
        const bool ranges = std::any_of(s.fragments.begin(), s.fragments.end(),
                                        [](const media::Fragment& f) { return bool(f.byte_range); });
        if (s.init || ranges) return "text in byte ranges or with an init section is not supported";
        if (s.fragments.empty()) return "the track names no file";
        if (s.container == media::Container::Ttml && s.fragments.size() > 1)
            return "segmented DASH TTML is not supported";
        return {};
    }
    const std::string codecs = s.codecs.empty() ? s.mime_type : s.codecs;
    return "text in MP4 segments (" + (codecs.empty() ? std::string("unknown codec") : codecs) +
           ") is not supported";
}

}  // namespace

TextTracks text_tracks_of(const media::Presentation& presentation) {
    TextTracks out;
    std::set<std::pair<std::string, std::string>> seen;  // (language, url)
    auto add = [&](const media::Stream& s, const std::string& url, const char* ext) {
        const std::string language = language_of(s);
        if (url.empty() || !seen.emplace(language, url).second) return false;
        out.subtitles.push_back({language, url, ext, s.name, false});
        return true;
    };
    for (const auto& rendition : presentation.renditions) {
        const media::Stream& s = rendition.stream;
        if (s.type == media::StreamType::Subtitle && s.container == media::Container::Vtt)
            add(s, s.playlist_url, "vtt");
    }
    for (const auto& s : presentation.streams) {
        if (s.type != media::StreamType::Subtitle) continue;
        if (!s.playlist_url.empty()) {
            // HLS: a subtitle media playlist given as the stream itself.
            if (s.container == media::Container::Vtt) add(s, s.playlist_url, "vtt");
            continue;
        }
        if (const std::string why = unsupported_form(s); !why.empty()) {
            out.unavailable.push_back({language_of(s), why});
            continue;
        }
        const char* ext = s.container == media::Container::Ttml ? "ttml" : "vtt";
        if (s.fragments.size() == 1) {
            add(s, s.fragments[0].url, ext);  // DASH: one whole WebVTT or TTML file
            continue;
        }
        // DASH WebVTT in segments, or one file per Period: fetched and joined like an HLS
        // rendition's, each Period's cues moved to where the Period starts.
        if (add(s, s.fragments[0].url, ext)) {
            JoinedText& text = out.segments[s.fragments[0].url];
            std::map<int, double> period_start;  // a Period's first fragment starts it
            for (const auto& f : s.fragments) period_start.emplace(f.discontinuity, f.start);
            const double first = period_start.at(s.fragments[0].discontinuity);
            for (const auto& f : s.fragments) {
                text.urls.push_back(f.url);
                text.offsets_ms.push_back(std::llround((period_start.at(f.discontinuity) - first) * 1000));
            }
        }
    }
    return out;
}

std::vector<extract::SubtitleFile> text_track_subtitles(const media::Presentation& presentation) {
    return text_tracks_of(presentation).subtitles;
}

extract::Page TextTrackFetcher::joined(const std::string& name, const JoinedText& text, std::size_t max_bytes,
                                       std::size_t used, extract::Page page) {
    std::vector<std::string> segments;
    std::size_t total = used;
    for (const auto& url : text.urls) {
        extract::Page segment = inner_.get(url, max_bytes - std::min(total, max_bytes));
        if (segment.error) {
            page.error = segment.error;
            return page;
        }
        if (segment.truncated || total + segment.body.size() > max_bytes) {
            page.error = {FailReason::BadResponse,
                          name + ": subtitles larger than " + std::to_string(max_bytes) + " bytes"};
            return page;
        }
        total += segment.body.size();
        segments.push_back(std::move(segment.body));
    }
    page.body = media::join_webvtt_segments(segments, text.offsets_ms);
    page.content_type = "text/vtt";
    page.truncated = false;
    return page;
}

extract::Page TextTrackFetcher::get(const std::string& url, std::size_t max_bytes) {
    if (auto it = segments_.find(url); it != segments_.end()) {
        extract::Page page;
        page.effective_url = url;
        return joined(url, it->second, max_bytes, 0, std::move(page));
    }
    extract::Page page = inner_.get(url, max_bytes);
    if (page.error || media::sniff_manifest(page.body) != media::ManifestKind::Hls) return page;
    const std::string base = page.effective_url.empty() ? url : page.effective_url;
    // The playlist counts toward the limit too; one cut short is too large, not malformed.
    if (page.truncated || page.body.size() > max_bytes) {
        page.error = {FailReason::BadResponse,
                      base + ": subtitles larger than " + std::to_string(max_bytes) + " bytes"};
        return page;
    }
    auto parsed = media::parse_hls(page.body, base);
    if (auto* error = std::get_if<Error>(&parsed)) {
        page.error = {error->reason, base + ": " + error->message};
        return page;
    }
    const auto& p = std::get<media::Presentation>(parsed);
    if (p.streams.size() != 1 || p.streams[0].fragments.empty()) {
        page.error = {FailReason::BadManifest, base + ": not a WebVTT subtitle playlist"};
        return page;
    }
    // IMSC or WebVTT in fMP4 (#EXT-X-MAP): not text to join.
    if (p.streams[0].init || p.streams[0].container == media::Container::Fmp4) {
        page.error = {FailReason::Unsupported, base + ": subtitles in MP4 segments are not supported"};
        return page;
    }
    JoinedText text;
    for (const auto& fragment : p.streams[0].fragments) {
        if (fragment.byte_range || fragment.key) {
            page.error = {FailReason::BadManifest, base + ": subtitle segments in byte ranges or encrypted"};
            return page;
        }
        text.urls.push_back(fragment.url);
    }
    const std::size_t used = page.body.size();
    return joined(base, text, max_bytes, used, std::move(page));
}

}  // namespace arina
