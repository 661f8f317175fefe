#include "core/extracted_source.hpp"

#include <algorithm>
#include <cctype>

#include "net/origin.hpp"

namespace arina {
namespace {

const extract::StreamExtras* extras_of(const extract::Extraction& x, const std::string& id) {
    auto it = x.extras.find(id);
    return it == x.extras.end() ? nullptr : &it->second;
}

void add_origin(std::vector<std::string>& origins, const std::string& url) {
    if (url.empty()) return;
    const std::string o = net::origin_of(url);
    if (!o.empty() && std::find(origins.begin(), origins.end(), o) == origins.end()) origins.push_back(o);
}

bool plain_extension(const std::string& ext) {
    return !ext.empty() && ext.size() <= 5 &&
           std::all_of(ext.begin(), ext.end(), [](unsigned char c) { return std::isalnum(c); });
}

}  // namespace

media::Presentation downloadable_presentation(const extract::Extraction& extraction,
                                              std::int64_t chunk_size) {
    media::Presentation p = extraction.presentation;
    chunk_size = std::max<std::int64_t>(chunk_size, 64 * 1024);
    for (media::Stream& s : p.streams) {
        const auto* extras = extras_of(extraction, s.id);
        if (!extras || extras->file_url.empty() || !s.fragments.empty()) continue;
        if (extras->filesize && *extras->filesize > 0) {
            for (std::int64_t begin = 0; begin < *extras->filesize; begin += chunk_size) {
                media::Fragment f;
                f.url = extras->file_url;
                f.byte_range = ByteRange{begin, std::min(begin + chunk_size, *extras->filesize)};
                f.sequence = static_cast<std::int64_t>(s.fragments.size());
                s.fragments.push_back(std::move(f));
            }
        } else {
            media::Fragment f;
            f.url = extras->file_url;
            s.fragments.push_back(std::move(f));
        }
    }
    return p;
}

std::vector<net::OriginHeaders> origin_headers(const extract::Extraction& extraction,
                                               const std::vector<std::string>& chosen) {
    std::vector<net::OriginHeaders> out;  // one per origin
    const auto add = [&out](const std::string& origin, const std::vector<std::string>& headers) {
        auto it = std::find_if(out.begin(), out.end(),
                               [&](const net::OriginHeaders& o) { return o.origins[0] == origin; });
        if (it == out.end()) it = out.insert(out.end(), net::OriginHeaders{{origin}, {}});
        for (const auto& h : headers)
            if (std::find(it->headers.begin(), it->headers.end(), h) == it->headers.end())
                it->headers.push_back(h);
    };
    for (const media::Stream& s : extraction.presentation.streams) {
        if (std::find(chosen.begin(), chosen.end(), s.id) == chosen.end()) continue;
        const auto* extras = extras_of(extraction, s.id);
        if (!extras || extras->http_headers.empty()) continue;
        std::vector<std::string> origins;
        add_origin(origins, extras->file_url);
        add_origin(origins, s.playlist_url);
        if (s.init) add_origin(origins, s.init->url);
        for (const auto& f : s.fragments) {
            add_origin(origins, f.url);
            if (f.key) add_origin(origins, f.key->key_url);
        }
        for (const auto& o : origins) add(o, extras->http_headers);
    }
    return out;
}

std::vector<std::string> chosen_ids(const std::vector<stream::SelectedFormat>& chosen) {
    std::vector<std::string> ids;
    for (const auto& sel : chosen) ids.push_back(sel.stream->id);
    return ids;
}

NamingFields naming_fields(const extract::Extraction& extraction,
                           const std::vector<stream::SelectedFormat>& chosen, const std::string& ext,
                           const std::string& platform, int playlist_index) {
    NamingFields f;
    f.title = extraction.info.title;
    f.id = extraction.info.id;
    f.ext = ext;
    f.platform = platform;
    f.upload_date = extraction.info.upload_date;
    f.uploader = extraction.info.uploader;
    for (const auto& sel : chosen) {
        f.format_id += (f.format_id.empty() ? "" : "+") + sel.stream->id;
        if (sel.stream->height && (!f.height || *sel.stream->height > *f.height))
            f.height = *sel.stream->height;
    }
    if (playlist_index > 0) f.playlist_index = playlist_index;
    return f;
}

std::string single_file_format(const extract::Extraction& extraction,
                               const std::vector<stream::SelectedFormat>& chosen) {
    if (chosen.size() != 1 || chosen.front().rendition) return {};
    const std::string& id = chosen.front().stream->id;
    const auto* extras = extras_of(extraction, id);
    if (!extras || extras->file_url.empty()) return {};
    // `chosen` may point into downloadable_presentation(), where the file has become ranges: a
    // format made of fragments of its own is the extraction's to say.
    const auto& streams = extraction.presentation.streams;
    const auto own =
        std::find_if(streams.begin(), streams.end(), [&](const media::Stream& s) { return s.id == id; });
    if (own == streams.end() || !own->fragments.empty()) return {};
    return id;
}

std::string file_extension(const extract::Extraction& extraction, const std::string& stream_id) {
    const auto* extras = extras_of(extraction, stream_id);
    if (extras && plain_extension(extras->ext)) return extras->ext;
    if (extras) {
        std::string path = extras->file_url.substr(0, extras->file_url.find_first_of("?#"));
        const auto slash = path.rfind('/');
        const auto dot = path.rfind('.');
        if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
            std::string ext = path.substr(dot + 1);
            std::transform(ext.begin(), ext.end(), ext.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (plain_extension(ext)) return ext;
        }
    }
    return "mp4";
}

}  // namespace arina
