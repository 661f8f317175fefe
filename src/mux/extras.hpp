#pragma once
// What comes with the video besides its own streams: container metadata (title, uploader, date,
// description, page URL), subtitles from separate files and a cover picture. Plain data, filled by
// whoever knows the media (the extractor's MediaInfo and subtitle downloads) and handed to mux() in
// MuxOptions::extras, or to remux_with_extras() for a file that was downloaded whole.
//
// Everything here may come from a web page and is treated as hostile: tag values lose control
// characters and invalid UTF-8 and are cut to a bounded length (metadata_tags.hpp); a subtitle or
// picture that cannot be read or converted is left out with a warning in MuxReport::warnings, and
// never fails the mux: the video is not thrown away for a subtitle.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace arina::mux {

/// Container metadata. Empty fields are not written.
///
/// Where they end up (as `ffprobe -show_format` shows them):
///   field          MP4 (iTunes-style atoms)    Matroska (segment title, then tags)
///   title          title (©nam)                title (Info/Title)
///   artist         artist (©ART)               ARTIST
///   date           date (©day)                 DATE
///   description    description (desc)          DESCRIPTION
///   comment        comment (©cmt)              COMMENT
///   webpage_url    comment, if `comment` is    PURL, and COMMENT if `comment` is empty
///                  empty (MP4 has no PURL)
///   extra          only keys MP4 knows         every key, upper-cased (FOO_BAR)
///                  (genre, album, ...)
struct Tags {
    std::string title;
    std::string artist;  ///< the uploader or channel
    /// YYYYMMDD (yt-dlp's upload_date) or YYYY-MM-DD; written as YYYY-MM-DD. Anything else is left
    /// out with a warning.
    std::string date;
    std::string description;  ///< may have several lines
    std::string comment;
    std::string webpage_url;  ///< the page the media came from
    /// Free key/values, in order (a repeated key: the last wins). Keys are made of lower-case ASCII
    /// letters, digits and '_' (other characters become '_'); a key that would overwrite a field
    /// above or the container's own bookkeeping (encoder, major_brand, ...) is left out with a warning.
    std::vector<std::pair<std::string, std::string>> extra;

    bool empty() const {
        return title.empty() && artist.empty() && date.empty() && description.empty() && comment.empty() &&
               webpage_url.empty() && extra.empty();
    }
};

/// A subtitle in a file of its own: WebVTT (.vtt) or SubRip (.srt), detected by content. (TTML is
/// refused with a warning: libavformat has no reader for it.) Into Matroska the cues are copied as
/// they are (webvtt / subrip); into MP4 they are converted to mov_text (3GPP timed text), the only
/// text subtitle MP4 players read. Cue times are taken as media time: 0 is the start of the output.
struct ExternalSubtitle {
    std::filesystem::path path;
    /// As the source names it: "en", "pt-BR", "eng". Common ISO 639-1 codes become the ISO 639-2
    /// code the container wants ("en" -> "eng"; "de" -> "deu" in MP4, "ger" in Matroska); other
    /// codes are written as given. Empty: no language ("und").
    std::string language;
    std::string title;  ///< the track's name ("English (auto-generated)"); empty: none
    /// Microseconds that turn a cue time into a time of the inputs' own clock (an HLS WebVTT
    /// file's X-TIMESTAMP-MAP). Set, the cues are placed against the inputs' first timestamp as
    /// the pictures and sound are; empty, cue times count from the output's start.
    std::optional<std::int64_t> media_clock_offset_us;
};

/// Everything mux() adds to the output besides the inputs' streams. Default: nothing.
struct Extras {
    Tags tags;
    std::vector<ExternalSubtitle> subtitles;
    /// A picture to attach as cover art: JPEG or PNG as they are; WebP (yt-dlp's usual thumbnail)
    /// is converted to PNG first. MP4: an attached_pic video stream; Matroska: an attachment
    /// cover.jpg / cover.png with its MIME type. Empty: none.
    std::filesystem::path thumbnail;

    bool empty() const { return tags.empty() && subtitles.empty() && thumbnail.empty(); }
};

}  // namespace arina::mux
