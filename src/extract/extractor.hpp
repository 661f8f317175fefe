#pragma once
// Page URL -> Extraction. An Extractor looks at a URL (and, when it needs to, at what the URL
// serves) and says what media is there; a chain of them is tried in order, cheapest first:
//
//   DirectMediaExtractor   the URL's extension or Content-Type says media file     (no request
//                                                                                    or one HEAD)
//   ManifestExtractor      .m3u8/.mpd, an HLS/DASH Content-Type, or first bytes
//                          "#EXTM3U" / "<MPD"                                       (one GET)
//   HtmlPageExtractor      a text/html page naming its media: <video>/<source>,
//                          og:video, JSON-LD contentUrl, .m3u8/.mpd/.mp4 in scripts  (one GET,
//                                                                                    parsed by gumbo)
//   YtDlpExtractor         everything else, and sites the platform detector knows   (a child
//                                                                                    process)
//
// Extractors are synchronous and run on a thread of their own (never the engine thread, never a
// UI thread): the caller (core) gives them a PageFetcher that does HTTP through Arina's engine
// and a CancelFlag it sets to stop them; a cancelled extractor returns FailReason::Cancelled
// promptly (a yt-dlp child is killed).

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "extract/extraction.hpp"
#include "net/http_options.hpp"
#include "util/fail_reason.hpp"

namespace arina::extract {

/// What one fetch of a page brought back.
struct Page {
    Error error;                ///< reason None on success (HTTP errors are errors here)
    int status = 0;             ///< final HTTP status
    std::string effective_url;  ///< after redirects: the base for relative URLs
    std::string content_type;   ///< media type without parameters, lower case ("text/html")
    std::string body;           ///< at most the asked number of bytes
    bool truncated = false;     ///< the body was longer than asked
};

/// HTTP for extractors, implemented by core over the transfer engine (and by tests over a
/// loopback client). Blocking; called from the extraction thread.
class PageFetcher {
  public:
    virtual ~PageFetcher() = default;
    /// GET `url` with the request's HTTP options, keeping at most `max_bytes` of the body.
    virtual Page get(const std::string& url, std::size_t max_bytes) = 0;
    /// The answer's head only (status, effective URL, content type; body empty).
    virtual Page head(const std::string& url) = 0;
};

/// Set from any thread to stop an extraction.
using CancelFlag = std::atomic<bool>;

/// What to extract and how to reach it.
struct ExtractRequest {
    std::string url;
    net::HttpOptions http;  ///< user agent, proxy, cookies file, extra headers, TLS
    /// yt-dlp: the executable (empty: "yt-dlp" on PATH), extra arguments from the platform
    /// profile (--extractor-args ...), --cookies-from-browser, and how long it may take.
    std::string ytdlp_path;
    std::vector<std::string> ytdlp_extra_args;
    std::string cookies_from_browser;
    double ytdlp_timeout_seconds = 120;
    /// Playlists and channels: list entries only (yt-dlp --flat-playlist), each becomes a task.
    bool flat_playlist = true;
    /// What the caller already knows of the URL's answer (a download that began as a plain file
    /// and met text/html passes the first bytes on), so the page is not fetched twice.
    std::optional<Page> first_answer;
};

using ExtractResult = std::variant<Extraction, Error>;

class Extractor {
  public:
    virtual ~Extractor() = default;
    virtual ExtractorKind kind() const = 0;
    /// Extract `request.url`. An extractor that finds nothing of its kind returns an Error with
    /// FailReason::Unsupported and the chain goes on to the next one; any other Error ends the
    /// chain (a 404 page is not handed to yt-dlp to fail again more slowly).
    virtual ExtractResult extract(const ExtractRequest& request, PageFetcher& fetcher,
                                  const CancelFlag& cancel) = 0;
};

/// The extractors in the order above. `use_ytdlp` false leaves yt-dlp out (native only).
std::vector<std::unique_ptr<Extractor>> default_extractors(bool use_ytdlp = true);

/// Tries `extractors` in order: the first Extraction wins; Unsupported from every one of them
/// gives Unsupported naming the URL ("no media found at URL: ..."), any other Error ends the
/// chain.
ExtractResult run_chain(const std::vector<std::unique_ptr<Extractor>>& extractors,
                        const ExtractRequest& request, PageFetcher& fetcher, const CancelFlag& cancel);

}  // namespace arina::extract
