#pragma once
// What an extractor finds at a URL: the media's formats in Arina's one media model
// (media::Presentation, so the one format selector serves manifests, pages and yt-dlp alike),
// what the media is called and where it comes from, its subtitles, or - for a playlist or a
// channel - the entries that each become a task of their own. Plain data, no I/O.
//
// How the formats are expressed in the model, whatever found them:
//   - an HLS/DASH manifest: the parsed presentation as it is (master variants keep their
//     playlist_url, fragments filled once their playlist is fetched);
//   - a plain media file (https .mp4/.webm/.m4a, yt-dlp protocol "https"): one Stream with
//     `file_url` set and no fragments; with a known size the downloader fetches it in byte
//     ranges like any other file;
//   - a format made of fragments (yt-dlp "http_dash_segments" with `fragments`): a Stream
//     whose fragments are filled;
//   - a format that is an HLS media playlist (yt-dlp "m3u8_native"): a Stream with
//     playlist_url set, like an HLS master's variant.
// Each Stream may carry request headers (`StreamExtras::http_headers`) that go with every
// request of that format - and only to the hosts of that format's URLs.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "media/presentation.hpp"

namespace arina::extract {

/// Which extractor answered; also shown by -F and `arina config show`.
enum class ExtractorKind {
    DirectMedia,  ///< the URL is a media file (by extension or Content-Type)
    Manifest,     ///< the URL is an HLS or DASH manifest (by URL, Content-Type or first bytes)
    HtmlPage,     ///< a web page whose HTML names the media (<video>, og:video, JSON-LD, scripts)
    YtDlp,        ///< yt-dlp's extractor for the site
};

/// What the media is, as far as the source tells. Empty text / nullopt = not known.
struct MediaInfo {
    std::string id;           ///< the site's id for the media; native extractors derive one from the URL
    std::string title;        ///< og:title, <title>, yt-dlp's title; never trusted as a file name
    std::string extractor;    ///< yt-dlp's extractor key ("Youtube", "generic") or the native kind
    std::string uploader;     ///< channel or user name
    std::string upload_date;  ///< YYYYMMDD
    std::string description;
    std::string thumbnail_url;       ///< absolute URL of the best thumbnail
    std::string webpage_url;         ///< the page the media was found on
    std::optional<double> duration;  ///< seconds
};

/// A subtitle offered as a separate file (yt-dlp `subtitles`, <track kind="subtitles">).
/// HLS/DASH text tracks are Streams of type Subtitle in the presentation instead.
struct SubtitleFile {
    std::string language;  ///< as the source names it ("en", "pt-BR", "live_chat")
    std::string url;
    std::string ext;         ///< "vtt", "srt", "ttml", "json3" ...
    std::string name;        ///< human label when given
    bool automatic = false;  ///< auto-generated captions (yt-dlp `automatic_captions`)
};

/// Extra facts about one Stream of the presentation, keyed by Stream::id, that the manifest
/// model has no field for.
struct StreamExtras {
    /// "Name: value" lines sent with every request of this stream (fragments, init, keys,
    /// playlist) and only to the hosts its URLs point to: sites hand out per-format headers
    /// (Referer, Origin, cookies) that must not leak to other hosts.
    std::vector<std::string> http_headers;
    /// A plain media file: the whole resource is this stream (fragments empty).
    std::string file_url;
    std::optional<std::int64_t> filesize;  ///< bytes, when the source states it (exact)
    std::string ext;                       ///< the format's own extension ("mp4", "webm", "m4a")
    std::string protocol;                  ///< as yt-dlp names it ("https", "m3u8_native", ...)
    std::string format_note;               ///< "1080p", "medium", "DASH audio" ...
};

/// One entry of a playlist or channel: becomes its own task (its URL extracted when it runs).
struct PlaylistEntry {
    std::string url;
    std::string id;
    std::string title;
    int index = 0;  ///< 1-based position in the playlist (the template's playlist_index)
    /// Set when the entry is a media file itself (a page's <video> element): its extension. Such
    /// an entry is named from its own title and id (yt-dlp's generic extractor: "PAGE TITLE (N)",
    /// "PAGEID-N"), since its URL names nothing else; empty: the URL is extracted again (a page).
    std::string ext;
};

/// Everything an extractor found.
struct Extraction {
    ExtractorKind kind = ExtractorKind::DirectMedia;
    MediaInfo info;
    /// The formats. Empty streams when `entries` is set (a playlist has no formats itself).
    media::Presentation presentation;
    /// Keyed by media::Stream::id; a stream without an entry has no extras.
    std::map<std::string, StreamExtras> extras;
    /// When the formats came from one manifest URL: fetching it again refreshes expired
    /// fragment URLs without re-running the extractor. Empty otherwise.
    std::string manifest_url;
    std::vector<SubtitleFile> subtitles;
    /// A playlist or channel: each entry becomes a task. Empty for a single media.
    std::vector<PlaylistEntry> entries;
    std::string playlist_title;
    /// Worth telling the user (an old yt-dlp, a format left out and why).
    std::vector<std::string> warnings;

    bool is_playlist() const { return !entries.empty(); }
};

std::string_view to_string(ExtractorKind kind);

}  // namespace arina::extract
