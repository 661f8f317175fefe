#pragma once
// What comes with a video found on a page, fetched before the video itself: its subtitle files
// (--write-subs / --embed-subs, the languages --sub-langs names) and its thumbnail
// (--embed-thumbnail), written next to where the video will be ("Title [id].en.vtt",
// "Title [id].jpg"), plus the container tags from what the page says of the media. Runs on the
// extraction thread (blocking fetches); a subtitle or picture that cannot be had is a warning, never
// a failed download.

#include <filesystem>
#include <string>
#include <vector>

#include "extract/extractor.hpp"
#include "mux/extras.hpp"

namespace arina {

struct SideFileOptions {
    bool write_subs = false;
    bool embed_subs = false;
    std::string sub_langs;  ///< "en,de", "all", "en.*"; empty: "en"
    bool embed_metadata = true;
    bool embed_thumbnail = false;
};

struct SideFiles {
    mux::Extras extras;                               ///< tags, and the files to embed
    std::vector<std::filesystem::path> files;         ///< every file written
    std::vector<std::filesystem::path> remove_after;  ///< fetched only to embed: removed once embedded
    std::vector<std::string> warnings;
};

/// A subtitle offered in a form that cannot be had (e.g. an HLS/DASH text track in MP4 segments):
/// when its language is asked for and nothing else serves it, a warning names it.
struct UnavailableSubtitle {
    std::string language;
    std::string reason;  ///< "text in MP4 segments (stpp) is not supported"
};

/// The subtitles of `extraction` that `sub_langs` asks for, one per language (a manual subtitle
/// before an automatic one; WebVTT before SubRip before anything else).
std::vector<extract::SubtitleFile> chosen_subtitles(const std::vector<extract::SubtitleFile>& offered,
                                                    const std::string& sub_langs);

/// Fetches and writes what `options` asks for; `media_path` is where the video will be. Only
/// WebVTT and SubRip can be embedded: with --embed-subs another format (TTML, json3) is a warning,
/// and the file is fetched only if --write-subs keeps it. A language asked for that only
/// `unavailable` offers is a warning "subtitle LANG left out: REASON".
SideFiles fetch_side_files(const extract::Extraction& extraction, const SideFileOptions& options,
                           const std::filesystem::path& media_path, extract::PageFetcher& fetcher,
                           const std::vector<UnavailableSubtitle>& unavailable = {});

}  // namespace arina
