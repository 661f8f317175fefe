#pragma once
// The text tracks an HLS or DASH presentation carries, as subtitles the side files step fetches
// like yt-dlp's (--write-subs, --sub-langs, --embed-subs): an HLS subtitle rendition
// (#EXT-X-MEDIA:TYPE=SUBTITLES) is a media playlist of WebVTT segments, joined into one file with
// one header; a DASH text AdaptationSet (text/vtt, contentType text) of one whole WebVTT file is
// that file.

#include <vector>

#include "extract/extractor.hpp"
#include "media/presentation.hpp"

namespace arina {

/// The presentation's WebVTT text tracks, one per language and name, as SubtitleFile (ext "vtt";
/// for HLS the url is the rendition's media playlist). Tracks of other formats (TTML, WebVTT or
/// TTML in MP4) and segmented DASH text are left out.
std::vector<extract::SubtitleFile> text_track_subtitles(const media::Presentation& presentation);

/// A PageFetcher for subtitles: an answer that is an HLS media playlist is replaced by its WebVTT
/// segments, fetched through `inner` and joined (media::join_webvtt_segments), within `max_bytes`
/// in all; any other answer is passed on as it is.
class TextTrackFetcher final : public extract::PageFetcher {
  public:
    explicit TextTrackFetcher(extract::PageFetcher& inner) : inner_(inner) {}
    extract::Page get(const std::string& url, std::size_t max_bytes) override;
    extract::Page head(const std::string& url) override { return inner_.head(url); }

  private:
    extract::PageFetcher& inner_;
};

}  // namespace arina
