#include "mux/probe.hpp"

#include "mux/input_file.hpp"
#include "mux/libav.hpp"

namespace arina::mux {
namespace {

StreamKind kind_of(AVMediaType type) {
    switch (type) {
        case AVMEDIA_TYPE_VIDEO:
            return StreamKind::Video;
        case AVMEDIA_TYPE_AUDIO:
            return StreamKind::Audio;
        case AVMEDIA_TYPE_SUBTITLE:
            return StreamKind::Subtitle;
        case AVMEDIA_TYPE_DATA:
            return StreamKind::Data;
        case AVMEDIA_TYPE_ATTACHMENT:
            return StreamKind::Attachment;
        default:
            return StreamKind::Unknown;
    }
}

std::string language_of(const AVStream& stream) {
    const AVDictionaryEntry* entry = av_dict_get(stream.metadata, "language", nullptr, 0);
    return entry ? entry->value : "";
}

}  // namespace

std::string_view to_string(StreamKind kind) {
    switch (kind) {
        case StreamKind::Video:
            return "video";
        case StreamKind::Audio:
            return "audio";
        case StreamKind::Subtitle:
            return "subtitle";
        case StreamKind::Data:
            return "data";
        case StreamKind::Attachment:
            return "attachment";
        case StreamKind::Unknown:
            break;
    }
    return "unknown";
}

std::variant<ProbeInfo, Error> probe(const std::filesystem::path& path) {
    auto opened = open_input_file(path);
    if (auto* error = std::get_if<Error>(&opened)) return std::move(*error);
    const AVFormatContext& context = *std::get<InputContextPtr>(opened);

    ProbeInfo info;
    info.format = context.iformat->name;
    if (context.duration > 0) info.duration_seconds = static_cast<double>(context.duration) / AV_TIME_BASE;
    for (unsigned i = 0; i < context.nb_streams; ++i) {
        const AVStream& stream = *context.streams[i];
        const AVCodecParameters& params = *stream.codecpar;
        StreamInfo s;
        s.index = static_cast<int>(i);
        s.kind = kind_of(params.codec_type);
        s.codec = avcodec_get_name(params.codec_id);
        if (s.kind == StreamKind::Video) {
            s.width = params.width;
            s.height = params.height;
        } else if (s.kind == StreamKind::Audio) {
            s.sample_rate = params.sample_rate;
            s.channels = params.ch_layout.nb_channels;
        }
        s.language = language_of(stream);
        info.streams.push_back(std::move(s));
    }
    return info;
}

}  // namespace arina::mux
