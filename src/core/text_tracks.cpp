#include "core/text_tracks.hpp"

#include <set>
#include <utility>

#include "media/hls_parser.hpp"
#include "media/manifest_detect.hpp"
#include "media/webvtt.hpp"

namespace arina {

std::vector<extract::SubtitleFile> text_track_subtitles(const media::Presentation& presentation) {
    std::vector<extract::SubtitleFile> out;
    std::set<std::pair<std::string, std::string>> seen;  // (language, url)
    auto add = [&](const media::Stream& s, const std::string& url) {
        const std::string language = s.language.empty() ? "und" : s.language;
        if (url.empty() || !seen.emplace(language, url).second) return;
        out.push_back({language, url, "vtt", s.name, false});
    };
    for (const auto& rendition : presentation.renditions) {
        const media::Stream& s = rendition.stream;
        if (s.type == media::StreamType::Subtitle && s.container == media::Container::Vtt)
            add(s, s.playlist_url);
    }
    for (const auto& s : presentation.streams) {
        if (s.type != media::StreamType::Subtitle || s.container != media::Container::Vtt) continue;
        if (!s.playlist_url.empty())
            add(s, s.playlist_url);  // HLS: a subtitle media playlist given as the stream itself
        else if (s.fragments.size() == 1 && !s.fragments[0].byte_range && !s.init)
            add(s, s.fragments[0].url);  // DASH: one whole WebVTT file
    }
    return out;
}

extract::Page TextTrackFetcher::get(const std::string& url, std::size_t max_bytes) {
    extract::Page page = inner_.get(url, max_bytes);
    if (page.error || media::sniff_manifest(page.body) != media::ManifestKind::Hls) return page;
    const std::string base = page.effective_url.empty() ? url : page.effective_url;
    if (page.truncated) {
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
    std::vector<std::string> segments;
    std::size_t total = page.body.size();  // the playlist counts too: max_bytes is for all of it
    for (const auto& fragment : p.streams[0].fragments) {
        if (fragment.byte_range || fragment.key) {
            page.error = {FailReason::BadManifest, base + ": subtitle segments in byte ranges or encrypted"};
            return page;
        }
        extract::Page segment = inner_.get(fragment.url, max_bytes - std::min(total, max_bytes));
        if (segment.error) {
            page.error = segment.error;
            return page;
        }
        if (segment.truncated || total + segment.body.size() > max_bytes) {
            page.error = {FailReason::BadResponse,
                          base + ": subtitles larger than " + std::to_string(max_bytes) + " bytes"};
            return page;
        }
        total += segment.body.size();
        segments.push_back(std::move(segment.body));
    }
    page.body = media::join_webvtt_segments(segments);
    page.content_type = "text/vtt";
    page.truncated = false;
    return page;
}

}  // namespace arina
