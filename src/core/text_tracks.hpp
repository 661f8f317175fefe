#pragma once
// The text tracks an HLS or DASH presentation carries, as subtitles the side files step fetches
// like yt-dlp's (--write-subs, --sub-langs, --embed-subs): an HLS subtitle rendition
// (#EXT-X-MEDIA:TYPE=SUBTITLES) is a media playlist of WebVTT segments, joined into one file with
// one header; a DASH text AdaptationSet (text/vtt, contentType text) of one whole WebVTT file is
// that file, one of WebVTT segments (SegmentTemplate, SegmentList) is joined like an HLS one; one
// whole TTML file (application/ttml+xml) is saved as it is (NAME.LANG.ttml). Tracks in any other
// form (text in MP4 segments, segmented TTML, byte ranges) are named as unavailable, so that a
// language asked for is never dropped in silence.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/side_files.hpp"
#include "extract/extractor.hpp"
#include "media/presentation.hpp"

namespace arina {

/// WebVTT files to fetch and join into one: the URLs in order, and for each the milliseconds its cue
/// times move by (multi-Period DASH: where its Period starts after the first Period, since a
/// Period's cue times count from its own start; 0 otherwise).
struct JoinedText {
    std::vector<std::string> urls;
    std::vector<std::int64_t> offsets_ms;
    friend bool operator==(const JoinedText&, const JoinedText&) = default;
};

struct TextTracks {
    /// One per language and URL, ext "vtt" or "ttml". For HLS the url is the rendition's media
    /// playlist; for segmented DASH WebVTT it is the first segment's URL, a key of `segments`.
    std::vector<extract::SubtitleFile> subtitles;
    /// Segmented or multi-Period DASH WebVTT: the key URL (the subtitle's url) -> what to join.
    std::map<std::string, JoinedText> segments;
    /// Tracks that cannot be had, with the reason.
    std::vector<UnavailableSubtitle> unavailable;
};

/// The presentation's text tracks.
TextTracks text_tracks_of(const media::Presentation& presentation);

/// The subtitles of text_tracks_of() alone (what -F lists).
std::vector<extract::SubtitleFile> text_track_subtitles(const media::Presentation& presentation);

/// A PageFetcher for subtitles: an answer that is an HLS media playlist is replaced by its WebVTT
/// segments, fetched through `inner` and joined (media::join_webvtt_segments), within `max_bytes`
/// in all; a URL that is a key of `segments` (segmented DASH WebVTT) is replaced the same way by
/// the segments it names; any other answer is passed on as it is.
class TextTrackFetcher final : public extract::PageFetcher {
  public:
    explicit TextTrackFetcher(extract::PageFetcher& inner, std::map<std::string, JoinedText> segments = {})
        : inner_(inner), segments_(std::move(segments)) {}
    extract::Page get(const std::string& url, std::size_t max_bytes) override;
    extract::Page head(const std::string& url) override { return inner_.head(url); }

  private:
    /// Fetches `urls` and joins them; errors and the size limit are reported against `name`.
    extract::Page joined(const std::string& name, const JoinedText& text, std::size_t max_bytes,
                         std::size_t used, extract::Page page);

    extract::PageFetcher& inner_;
    std::map<std::string, JoinedText> segments_;
};

}  // namespace arina
