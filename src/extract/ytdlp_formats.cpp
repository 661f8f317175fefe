#include "extract/ytdlp_formats.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

#include "media/limits.hpp"
#include "media/url_resolve.hpp"

namespace arina::extract::ytdlp {
namespace {

/// yt-dlp writes "none" for a codec that is absent; null or missing means not known.
bool absent(const std::optional<std::string>& codec) {
    return codec && *codec == "none";
}
bool present(const std::optional<std::string>& codec) {
    return codec && !codec->empty() && *codec != "none";
}

media::Container container_for(const std::string& ext, const std::string& yt_container, Delivery delivery) {
    if (ext == "webm" || yt_container == "webm_dash") return media::Container::Webm;
    const bool fragmented =
        delivery == Delivery::Fragments || yt_container == "mp4_dash" || yt_container == "m4a_dash";
    if ((ext == "mp4" || ext == "m4a" || ext == "m4v") && fragmented) return media::Container::Fmp4;
    if (ext == "ts") return media::Container::Ts;
    if (ext == "vtt") return media::Container::Vtt;
    return media::Container::Unknown;
}

/// "Name: value" lines; names and values that would break a request line are refused.
std::vector<std::string> header_lines(const Json& headers, std::string_view where, Fields& fields) {
    std::vector<std::string> lines;
    for (const auto& [name, value] : headers.items()) {
        if (!value.is_string()) {
            fields.warn("yt-dlp JSON: " + std::string(where) + ": header " + shown(name) +
                        " is not a string; ignored");
            continue;
        }
        const auto& text = value.get_ref<const std::string&>();
        const bool bad_name = name.empty() || std::any_of(name.begin(), name.end(), [](char c) {
                                  return static_cast<unsigned char>(c) <= 0x20 || c == ':' || c == 0x7f;
                              });
        const bool bad_value =
            std::any_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
        if (bad_name || bad_value) {
            fields.warn("yt-dlp JSON: " + std::string(where) + ": header " + shown(name) +
                        " has characters not allowed in a request; ignored");
            continue;
        }
        lines.push_back(name + ": " + text);
    }
    return lines;
}

std::optional<Delivery> delivery_for(const std::string& protocol) {
    if (protocol == "https" || protocol == "http") return Delivery::File;
    if (protocol == "m3u8_native" || protocol == "m3u8") return Delivery::HlsPlaylist;
    if (protocol == "http_dash_segments" || protocol == "http_dash_segments_native")
        return Delivery::Fragments;
    return std::nullopt;
}

/// yt-dlp always writes `protocol`; when a hand-made JSON lacks it, the URL tells.
std::string guess_protocol(const std::string& url) {
    const auto path_end = url.find_first_of("?#");
    const std::string path = url.substr(0, path_end);
    if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".m3u8") == 0) return "m3u8_native";
    if (url.rfind("http://", 0) == 0) return "http";
    return "https";
}

/// Fills `stream.fragments` (and `init`); false with `why` set when a fragment is unusable.
bool take_fragments(const Json& list, const std::optional<std::string>& base, std::string_view where,
                    Fields& fields, std::int64_t& budget, media::Stream& stream, std::string& why) {
    const auto count = static_cast<std::int64_t>(list.size());
    if (count > media::kMaxFragmentsPerStream || count > budget) {
        why = "too many fragments";
        return false;
    }
    std::vector<media::Fragment> fragments;
    fragments.reserve(list.size());
    std::vector<bool> timed;
    timed.reserve(list.size());
    double start = 0;
    for (const Json& item : list) {
        if (!item.is_object()) {
            why = "a fragment that is not an object";
            return false;
        }
        media::Fragment fragment;
        if (auto url = fields.text(item, "url", where); url && !url->empty()) {
            fragment.url = *url;
        } else if (auto path = fields.text(item, "path", where); path && base) {
            fragment.url = media::resolve_url(*base, *path);
        } else {
            why = "a fragment without url or path";
            return false;
        }
        if (!is_http_url(fragment.url)) {
            why = "a fragment URL that is not http(s)";
            return false;
        }
        const auto duration = fields.number(item, "duration", where);
        timed.push_back(duration.has_value());
        fragment.duration = std::clamp(duration.value_or(0.0), 0.0, media::kMaxDurationSeconds);
        fragment.start = start;
        start = std::min(start + fragment.duration, media::kMaxDurationSeconds);
        fragment.sequence = static_cast<std::int64_t>(fragments.size());
        fragments.push_back(std::move(fragment));
    }
    if (fragments.empty()) {
        why = "no fragments";
        return false;
    }
    // yt-dlp lists a DASH Initialization as the first fragment, without a duration.
    if (fragments.size() >= 2 && !timed[0] && timed[1]) {
        stream.init = std::move(fragments.front());
        fragments.erase(fragments.begin());
        for (auto& f : fragments) {
            f.sequence -= 1;
        }
    }
    budget -= static_cast<std::int64_t>(fragments.size());
    stream.fragments = std::move(fragments);
    return true;
}

}  // namespace

std::variant<MappedFormat, LeftOut> map_format(const Json& format, std::size_t index, Fields& fields,
                                               std::int64_t& fragment_budget) {
    MappedFormat out;
    auto& s = out.stream;
    auto& x = out.extras;
    s.id = fields.text(format, "format_id", "a format").value_or("");
    if (s.id.empty()) s.id = "format-" + std::to_string(index);
    const std::string where = "format " + shown(s.id);

    const std::string url = fields.text(format, "url", where).value_or("");
    x.protocol = fields.text(format, "protocol", where).value_or("");
    if (x.protocol.empty()) x.protocol = guess_protocol(url);
    x.ext = fields.text(format, "ext", where).value_or("");
    x.format_note = fields.text(format, "format_note", where).value_or("");
    if (auto manifest = fields.text(format, "manifest_url", where); manifest && is_http_url(*manifest))
        out.manifest_url = *manifest;

    if (fields.flag(format, "has_drm", where)) return LeftOut{"DRM"};
    if (x.ext == "mhtml" || x.protocol == "mhtml") return LeftOut{"mhtml storyboards"};
    const auto delivery = delivery_for(x.protocol);
    if (!delivery) return LeftOut{x.protocol};
    out.delivery = *delivery;

    switch (*delivery) {
        case Delivery::File:
            if (!is_http_url(url)) return LeftOut{"a URL that is not http(s)"};
            x.file_url = url;
            break;
        case Delivery::HlsPlaylist:
            if (!is_http_url(url)) return LeftOut{"a URL that is not http(s)"};
            s.playlist_url = url;
            break;
        case Delivery::Fragments: {
            const Json* list = fields.array(format, "fragments", where);
            if (list == nullptr || list->empty()) {
                if (out.manifest_url.empty()) return LeftOut{"DASH without fragments or manifest"};
                out.delivery = Delivery::DashManifest;
                break;
            }
            auto base = fields.text(format, "fragment_base_url", where);
            if (base && !is_http_url(*base)) base.reset();
            std::string why;
            if (!take_fragments(*list, base, where, fields, fragment_budget, s, why)) return LeftOut{why};
            break;
        }
        case Delivery::DashManifest:
            break;
    }

    // What the format carries: "none" is yt-dlp's word for absent.
    const auto vcodec = fields.text(format, "vcodec", where);
    const auto acodec = fields.text(format, "acodec", where);
    if (absent(vcodec) && absent(acodec)) return LeftOut{"neither video nor audio"};
    if (absent(vcodec))
        s.type = media::StreamType::Audio;
    else if (absent(acodec))
        s.type = media::StreamType::Video;
    else
        s.type = media::StreamType::Muxed;
    std::string codecs;
    for (const auto& codec : {vcodec, acodec}) {
        if (!present(codec)) continue;
        if (!codecs.empty()) codecs += ',';
        codecs += *codec;
    }
    s.codecs = codecs;

    auto positive_int = [&](const char* key, std::int64_t max) -> std::optional<int> {
        const auto value = fields.integer(format, key, where);
        if (!value || *value <= 0 || *value > max) return std::nullopt;
        return static_cast<int>(*value);
    };
    s.width = positive_int("width", 100000);
    s.height = positive_int("height", 100000);
    s.audio_channels = positive_int("audio_channels", 1024);
    s.sample_rate = positive_int("asr", 10'000'000);
    if (auto fps = fields.number(format, "fps", where); fps && *fps > 0 && *fps < 10000) s.frame_rate = *fps;
    // kbit/s -> bit/s: tbr is the total; without it, video and audio bitrates add up.
    auto kbps = [&](const char* key) {
        const auto value = fields.number(format, key, where);
        return value && *value > 0 && *value < 1e9 ? *value : 0.0;
    };
    double total = kbps("tbr");
    if (total == 0) total = kbps("vbr") + kbps("abr");
    s.bandwidth = std::llround(total * 1000);
    s.language = fields.text(format, "language", where).value_or("");
    s.name = x.format_note;
    const std::string yt_container = fields.text(format, "container", where).value_or("");
    s.container = container_for(x.ext, yt_container, out.delivery);

    if (auto size = fields.integer(format, "filesize", where); size && *size > 0) x.filesize = *size;
    fields.integer(format, "filesize_approx", where);  // type-checked only: not exact, not used
    if (const Json* headers = fields.object(format, "http_headers", where))
        x.http_headers = header_lines(*headers, where, fields);
    return out;
}

}  // namespace arina::extract::ytdlp
