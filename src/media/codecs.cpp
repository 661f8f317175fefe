#include "media/codecs.hpp"

#include <array>
#include <string>

#include "media/text.hpp"

namespace arina::media {
namespace {

enum class CodecKind { Unknown, Video, Audio, Subtitle };

CodecKind classify(std::string_view codec) {
    const std::string fourcc = text::to_lower(codec.substr(0, codec.find('.')));
    static constexpr std::array<std::string_view, 14> kVideo = {"avc1", "avc3", "hvc1",   "hev1", "dvh1",
                                                                "dvhe", "vp08", "vp8",    "vp09", "vp9",
                                                                "av01", "mp4v", "theora", "vvc1"};
    static constexpr std::array<std::string_view, 12> kAudio = {
        "mp4a", "ac-3", "ec-3", "ac-4", "opus", "flac", "vorbis", "mp3", "alac", "dtsc", "dtse", "mha1"};
    static constexpr std::array<std::string_view, 4> kText = {"wvtt", "stpp", "tx3g", "c608"};
    for (auto v : kVideo) {
        if (fourcc == v) return CodecKind::Video;
    }
    for (auto a : kAudio) {
        if (fourcc == a) return CodecKind::Audio;
    }
    for (auto t : kText) {
        if (fourcc == t) return CodecKind::Subtitle;
    }
    return CodecKind::Unknown;
}

}  // namespace

CodecSummary summarize_codecs(std::string_view codecs) {
    CodecSummary summary;
    while (!codecs.empty()) {
        const auto comma = codecs.find(',');
        switch (classify(text::trim(codecs.substr(0, comma)))) {
            case CodecKind::Video:
                summary.video = true;
                break;
            case CodecKind::Audio:
                summary.audio = true;
                break;
            case CodecKind::Subtitle:
                summary.subtitle = true;
                break;
            case CodecKind::Unknown:
                break;
        }
        if (comma == std::string_view::npos) break;
        codecs.remove_prefix(comma + 1);
    }
    return summary;
}

Container container_from_url(std::string_view url) {
    const std::string ext = text::url_extension(url);
    if (ext == "ts" || ext == "m2ts" || ext == "mts") return Container::Ts;
    if (ext == "m4s" || ext == "mp4" || ext == "m4v" || ext == "m4a" || ext == "cmfv" || ext == "cmfa" ||
        ext == "cmft" || ext == "m4f") {
        return Container::Fmp4;
    }
    if (ext == "webm") return Container::Webm;
    if (ext == "vtt" || ext == "webvtt") return Container::Vtt;
    if (ext == "ttml" || ext == "dfxp") return Container::Ttml;
    if (ext == "aac" || ext == "mp3" || ext == "ac3" || ext == "ec3") return Container::PackedAudio;
    return Container::Unknown;
}

Container container_from_mime(std::string_view mime_type) {
    const std::string mime = text::to_lower(text::trim(mime_type.substr(0, mime_type.find(';'))));
    if (mime == "video/mp4" || mime == "audio/mp4" || mime == "application/mp4") return Container::Fmp4;
    if (mime == "video/webm" || mime == "audio/webm") return Container::Webm;
    if (mime == "text/vtt") return Container::Vtt;
    if (mime == "application/ttml+xml") return Container::Ttml;
    if (mime == "video/mp2t") return Container::Ts;
    return Container::Unknown;
}

}  // namespace arina::media
