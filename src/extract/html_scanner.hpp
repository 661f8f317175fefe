#pragma once
// What a web page names as its media, read from its HTML (parsed by gumbo, an HTML5 parser:
// never regular expressions over markup). A pure function: the page's text and URL in, the
// candidates and the page's descriptive facts out. The HTML page extractor decides what to fetch.
//
// Read from the page:
//   <video src>, <audio src>, their <source src type> children (res/size/label give a height),
//   <track kind=subtitles|captions src srclang label> inside them;
//   <meta property="og:video" | og:video:url | og:video:secure_url | og:video:type>,
//   twitter:player:stream (+ :content_type), og:title, og:description, og:image, <title>,
//   <meta name=description>, <base href>;
//   JSON-LD (<script type="application/ld+json">, @graph arrays and nested objects): VideoObject
//   contentUrl, name, description, uploadDate, thumbnailUrl, duration, height;
//   .m3u8/.mpd/.mp4 URLs in string literals of inline scripts (player configs, "\/" escaped).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extraction.hpp"

namespace arina::extract {

enum class CandidateFormat {
    Hls,   ///< an HLS playlist (.m3u8 or an HLS media type)
    Dash,  ///< a DASH MPD (.mpd or application/dash+xml)
    File,  ///< a plain media file
};

/// Where on the page a candidate was named.
enum class CandidateSource { VideoTag, AudioTag, SourceTag, OpenGraph, TwitterStream, JsonLd, Script };

struct MediaCandidate {
    std::string url;  ///< absolute http(s) URL, resolved against <base href> or the page URL
    CandidateFormat format = CandidateFormat::File;
    CandidateSource source = CandidateSource::VideoTag;
    bool audio_only = false;    ///< <audio>, an audio/* type or an audio extension
    std::string mime_type;      ///< the type the page states (lower case, no parameters), or empty
    std::optional<int> height;  ///< from res/size/label/title attributes ("720p") or JSON-LD height
    std::string label;          ///< the page's label for this quality ("HD", "720p"), or empty
    /// The <video>/<audio> element that names it, numbered 1, 2, ... in page order (its <source>
    /// children share its number: qualities of one media); 0 when named elsewhere (meta tags,
    /// JSON-LD, scripts). Different numbers are different media.
    int element = 0;
};

struct PageScan {
    /// Unique URLs; manifests (HLS, DASH) first, then files, each group in page order; at most
    /// kMaxCandidates.
    std::vector<MediaCandidate> candidates;
    std::vector<SubtitleFile> subtitles;  ///< from <track>, unique URLs, in page order
    /// og:title, else the JSON-LD VideoObject's name, else <title>; trimmed, white space collapsed.
    std::string title;
    std::string description;    ///< og:description, else JSON-LD description, else <meta name=description>
    std::string thumbnail_url;  ///< og:image, else JSON-LD thumbnailUrl; absolute
    std::string upload_date;    ///< JSON-LD uploadDate as YYYYMMDD
    std::optional<double> duration;  ///< JSON-LD duration, seconds
    /// Only the start of the page was read: it is longer than kMaxScannedBytes, or nests so deep
    /// that parsing all of it would take too long (html_budget.hpp).
    bool cut = false;
};

inline constexpr std::size_t kMaxCandidates = 64;
inline constexpr std::size_t kMaxSubtitles = 64;
/// Bytes of a page that are scanned; the rest is ignored (the page fetcher caps pages anyway).
inline constexpr std::size_t kMaxScannedBytes = 8 * 1024 * 1024;

/// Scans `html` fetched from `page_url` (the URL after redirects). Never fails: a page that
/// names nothing gives an empty candidate list.
PageScan scan_html(std::string_view html, std::string_view page_url);

}  // namespace arina::extract
