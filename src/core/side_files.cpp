#include "core/side_files.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "media/webvtt.hpp"
#include "util/atomic_file.hpp"
#include "util/output_template.hpp"

namespace arina {
namespace {

constexpr std::size_t kMaxSubtitleBytes = 16u << 20;
constexpr std::size_t kMaxThumbnailBytes = 16u << 20;

std::vector<std::string> split_langs(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text.empty() ? std::string("en") : text);
    for (std::string item; std::getline(in, item, ',');) {
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

bool lang_matches(const std::string& wanted, const std::string& lang) {
    if (wanted == "all") return true;
    if (wanted.size() >= 2 && wanted.ends_with(".*"))
        return lang.starts_with(wanted.substr(0, wanted.size() - 2));
    return wanted == lang;
}

int ext_rank(const std::string& ext) {
    if (ext == "vtt") return 0;
    if (ext == "srt") return 1;
    return 2;
}

bool asked_for(const std::vector<std::string>& wanted, const std::string& language) {
    return std::any_of(wanted.begin(), wanted.end(),
                       [&](const std::string& w) { return lang_matches(w, language); });
}

bool embeddable(const std::string& ext) {
    return ext == "vtt" || ext == "srt";
}

// "ttml" -> "TTML", as a format is named in a message.
std::string format_name(const std::string& ext) {
    std::string name = ext;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return name;
}

// "Title [id].mp4" -> "Title [id]" in the same directory.
std::filesystem::path stem_path(const std::filesystem::path& media_path) {
    return media_path.parent_path() / media_path.stem();
}

std::string image_extension(const std::string& url, const std::string& content_type,
                            const std::string& body) {
    if (body.size() >= 3 && static_cast<unsigned char>(body[0]) == 0xFF &&
        static_cast<unsigned char>(body[1]) == 0xD8)
        return "jpg";
    if (body.starts_with("\x89PNG")) return "png";
    if (body.size() >= 12 && body.compare(0, 4, "RIFF") == 0 && body.compare(8, 4, "WEBP") == 0)
        return "webp";
    if (content_type == "image/jpeg") return "jpg";
    if (content_type == "image/png") return "png";
    if (content_type == "image/webp") return "webp";
    (void)url;
    return {};
}

}  // namespace

std::vector<extract::SubtitleFile> chosen_subtitles(const std::vector<extract::SubtitleFile>& offered,
                                                    const std::string& sub_langs) {
    std::vector<extract::SubtitleFile> chosen;
    const auto wanted = split_langs(sub_langs);
    for (const auto& s : offered) {
        if (s.url.empty() || !asked_for(wanted, s.language)) continue;
        auto same = std::find_if(chosen.begin(), chosen.end(),
                                 [&](const extract::SubtitleFile& c) { return c.language == s.language; });
        if (same == chosen.end()) {
            chosen.push_back(s);
            continue;
        }
        // Manual over automatic, then the format the muxer reads best.
        const auto key = [](const extract::SubtitleFile& f) {
            return std::make_pair(f.automatic, ext_rank(f.ext));
        };
        if (key(s) < key(*same)) *same = s;
    }
    return chosen;
}

SideFiles fetch_side_files(const extract::Extraction& extraction, const SideFileOptions& options,
                           const std::filesystem::path& media_path, extract::PageFetcher& fetcher,
                           const std::vector<UnavailableSubtitle>& unavailable) {
    SideFiles out;
    if (options.embed_metadata) {
        out.extras.tags.title = extraction.info.title;
        out.extras.tags.artist = extraction.info.uploader;
        out.extras.tags.date = extraction.info.upload_date;
        out.extras.tags.description = extraction.info.description;
        out.extras.tags.webpage_url = extraction.info.webpage_url;
    }
    const std::filesystem::path stem = stem_path(media_path);
    if (options.write_subs || options.embed_subs) {
        const auto chosen = chosen_subtitles(extraction.subtitles, options.sub_langs);
        const auto wanted = split_langs(options.sub_langs);
        std::vector<std::string> warned;
        for (const auto& u : unavailable) {
            const bool served =
                std::any_of(chosen.begin(), chosen.end(),
                            [&](const extract::SubtitleFile& c) { return c.language == u.language; });
            if (served || !asked_for(wanted, u.language) ||
                std::find(warned.begin(), warned.end(), u.language) != warned.end())
                continue;
            warned.push_back(u.language);
            out.warnings.push_back("subtitle " + u.language + " left out: " + u.reason);
        }
        for (const auto& sub : chosen) {
            const std::string lang = portable_name(sub.language);
            const std::string ext = portable_name(sub.ext.empty() ? "vtt" : sub.ext);
            if (lang.empty() || ext.empty()) continue;
            const bool embed = options.embed_subs && embeddable(ext);
            if (options.embed_subs && !embed) {
                out.warnings.push_back("subtitle " + sub.language + " not embedded: " + format_name(ext) +
                                       " subtitles cannot be embedded, only WebVTT and SubRip");
                if (!options.write_subs) continue;
            }
            const extract::Page page = fetcher.get(sub.url, kMaxSubtitleBytes);
            if (page.error) {
                out.warnings.push_back("subtitle " + sub.language + " left out: " + page.error.message);
                continue;
            }
            const std::filesystem::path path = stem.string() + "." + lang + "." + ext;
            if (Error e = write_file_atomically(path, page.body)) {
                out.warnings.push_back("subtitle " + sub.language + " left out: " + e.message);
                continue;
            }
            out.files.push_back(path);
            if (embed) {
                mux::ExternalSubtitle subtitle{path, sub.language, sub.name};
                // An HLS rendition's cues are in the media's clock through its X-TIMESTAMP-MAP, and
                // the media's first timestamp is seldom 0 (10 s, 1.4 s): the mux places them by it.
                if (ext == "vtt")
                    if (const auto map = media::webvtt_timestamp_map(page.body))
                        subtitle.media_clock_offset_us = map->offset_us();
                out.extras.subtitles.push_back(std::move(subtitle));
                if (!options.write_subs) out.remove_after.push_back(path);
            }
        }
    }
    if (options.embed_thumbnail && !extraction.info.thumbnail_url.empty()) {
        const extract::Page page = fetcher.get(extraction.info.thumbnail_url, kMaxThumbnailBytes);
        const std::string ext =
            page.error ? std::string() : image_extension(page.effective_url, page.content_type, page.body);
        if (page.error) {
            out.warnings.push_back("thumbnail left out: " + page.error.message);
        } else if (ext.empty() || page.truncated) {
            out.warnings.push_back("thumbnail left out: " + extraction.info.thumbnail_url +
                                   " is not a JPEG, PNG or WebP picture");
        } else {
            const std::filesystem::path path = stem.string() + "." + ext;
            if (Error e = write_file_atomically(path, page.body)) {
                out.warnings.push_back("thumbnail left out: " + e.message);
            } else {
                out.files.push_back(path);
                out.remove_after.push_back(path);
                out.extras.thumbnail = path;
            }
        }
    }
    return out;
}

}  // namespace arina
