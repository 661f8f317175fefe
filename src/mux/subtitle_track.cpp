#include "mux/subtitle_track.hpp"

#include <cstring>
#include <fstream>
#include <new>
#include <system_error>
#include <vector>

#include "mux/input_file.hpp"
#include "mux/libav_error.hpp"
#include "mux/utf8.hpp"

namespace arina::mux {
namespace {

// Only the text subtitle demuxers: a ".vtt" that is really a playlist or a concat script must not
// make libavformat open anything else.
constexpr const char* kSubtitleDemuxers = "webvtt,srt";

// Room for one encoded cue; the ffmpeg program uses the same bound.
constexpr int kMaxEncodedCueBytes = 1024 * 1024;

struct SubtitleFree {
    void operator()(AVSubtitle* subtitle) const noexcept {
        avsubtitle_free(subtitle);
        delete subtitle;
    }
};
using SubtitlePtr = std::unique_ptr<AVSubtitle, SubtitleFree>;

// The first bytes of the file, after a UTF-8 byte order mark and blank lines.
std::string head_of(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    char head[64] = {};
    in.read(head, sizeof head);
    const std::string text(head, static_cast<std::size_t>(in.gcount()));
    std::size_t start = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    start = text.find_first_not_of(" \t\r\n", start);
    return start == std::string::npos ? std::string() : text.substr(start);
}

std::variant<InputContextPtr, std::string> open_subtitle_file(const std::filesystem::path& file) {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::exists(status)) return std::string("the file does not exist");
    if (!std::filesystem::is_regular_file(status)) return std::string("not a regular file");
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) return "cannot read it: " + ec.message();
    if (size > static_cast<std::uintmax_t>(kMaxSubtitleFileBytes))
        return "larger than " + std::to_string(kMaxSubtitleFileBytes / (1024 * 1024)) + " MiB";
    // TTML is XML; libavformat has an encoder for it but no reader, so name the real problem.
    const std::string head = head_of(file);
    if (head.compare(0, 1, "<") == 0)
        return std::string("TTML (XML) subtitles cannot be read; WebVTT or SubRip only");

    Dictionary options;
    options.set("format_whitelist", kSubtitleDemuxers);
    options.set("protocol_whitelist", "file");
    AVFormatContext* raw = nullptr;
    const std::string url = file_url(file);
    forget_libav_log();
    const int opened = avformat_open_input(&raw, url.c_str(), nullptr, options.address());
    if (opened < 0) return "not a WebVTT or SubRip file (" + describe_av_error(opened) + ")";
    InputContextPtr context(raw);
    // libavformat picks the WebVTT reader for any ".vtt" name; WebVTT itself requires the signature.
    if (std::strcmp(context->iformat->name, "webvtt") == 0 && head.compare(0, 6, "WEBVTT") != 0)
        return std::string("not a WebVTT or SubRip file (no WEBVTT signature)");
    return context;
}

// A cue whose text is not UTF-8 (a legacy SubRip file), its text read as Latin-1: libavcodec
// refuses to convert anything but UTF-8, and both containers' players expect it.
PacketPtr recoded_as_utf8(const AVPacket& cue) {
    const std::string text =
        latin1_to_utf8({reinterpret_cast<const char*>(cue.data), static_cast<std::size_t>(cue.size)});
    PacketPtr packet = make_packet();
    if (av_new_packet(packet.get(), static_cast<int>(text.size())) < 0 ||
        av_packet_copy_props(packet.get(), &cue) < 0)
        throw std::bad_alloc();
    std::memcpy(packet->data, text.data(), text.size());
    return packet;
}

// The first subtitle stream, or null.
const AVStream* subtitle_stream(const AVFormatContext& context) {
    for (unsigned i = 0; i < context.nb_streams; ++i)
        if (context.streams[i]->codecpar->codec_type == AVMEDIA_TYPE_SUBTITLE) return context.streams[i];
    return nullptr;
}

// Decodes cues to ASS and encodes them as mov_text.
class MovTextConverter {
  public:
    static std::variant<std::unique_ptr<MovTextConverter>, std::string> create(const AVStream& source) {
        const AVCodec* decoder = avcodec_find_decoder(source.codecpar->codec_id);
        const AVCodec* encoder = avcodec_find_encoder(AV_CODEC_ID_MOV_TEXT);
        if (decoder == nullptr)
            return std::string("this libavcodec cannot decode ") +
                   avcodec_get_name(source.codecpar->codec_id);
        if (encoder == nullptr) return std::string("this libavcodec has no mov_text encoder");
        std::unique_ptr<MovTextConverter> converter(new MovTextConverter);
        converter->decoder_.reset(avcodec_alloc_context3(decoder));
        converter->encoder_.reset(avcodec_alloc_context3(encoder));
        if (!converter->decoder_ || !converter->encoder_) throw std::bad_alloc();
        AVCodecContext& dec = *converter->decoder_;
        int status = avcodec_parameters_to_context(&dec, source.codecpar);
        dec.pkt_timebase = source.time_base;
        if (status >= 0) status = avcodec_open2(&dec, decoder, nullptr);
        if (status < 0) return "cannot decode it: " + describe_av_error(status);

        // mov_text takes its default style from the decoder's ASS header, as the ffmpeg program passes it.
        AVCodecContext& enc = *converter->encoder_;
        enc.time_base = source.time_base;
        if (dec.subtitle_header != nullptr && dec.subtitle_header_size > 0) {
            const auto size = static_cast<std::size_t>(dec.subtitle_header_size);
            enc.subtitle_header = static_cast<std::uint8_t*>(av_mallocz(size + 1));
            if (enc.subtitle_header == nullptr) throw std::bad_alloc();
            std::memcpy(enc.subtitle_header, dec.subtitle_header, size);
            enc.subtitle_header_size = dec.subtitle_header_size;
        }
        status = avcodec_open2(&enc, encoder, nullptr);
        if (status < 0) return "cannot convert it to mov_text: " + describe_av_error(status);
        converter->buffer_.resize(kMaxEncodedCueBytes);
        return converter;
    }

    // The parameters of the mov_text stream (with the sample description the encoder made).
    CodecParametersPtr params() const {
        CodecParametersPtr params(avcodec_parameters_alloc());
        if (!params || avcodec_parameters_from_context(params.get(), encoder_.get()) < 0)
            throw std::bad_alloc();
        return params;
    }

    // One cue converted, timing taken from `cue`; null when it cannot be decoded or encoded, or shows
    // nothing.
    PacketPtr convert(AVPacket& cue, bool& failed) {
        failed = false;
        SubtitlePtr subtitle(new AVSubtitle{});
        int got = 0;
        const int decoded = avcodec_decode_subtitle2(decoder_.get(), subtitle.get(), &got, &cue);
        if (decoded < 0) {
            failed = true;
            return nullptr;
        }
        if (!got || subtitle->num_rects == 0) return nullptr;
        const int size =
            avcodec_encode_subtitle(encoder_.get(), buffer_.data(), kMaxEncodedCueBytes, subtitle.get());
        if (size < 0) {
            failed = true;
            return nullptr;
        }
        PacketPtr packet = make_packet();
        if (av_new_packet(packet.get(), size) < 0) throw std::bad_alloc();
        std::memcpy(packet->data, buffer_.data(), static_cast<std::size_t>(size));
        packet->pts = cue.pts;
        packet->duration = cue.duration;
        if (packet->duration <= 0 && subtitle->end_display_time > subtitle->start_display_time)
            packet->duration = av_rescale_q(subtitle->end_display_time - subtitle->start_display_time,
                                            AVRational{1, 1000}, cue.time_base);
        return packet;
    }

  private:
    MovTextConverter() = default;
    CodecContextPtr decoder_;
    CodecContextPtr encoder_;
    std::vector<std::uint8_t> buffer_;
};

}  // namespace

std::variant<std::unique_ptr<SubtitleTrack>, std::string> SubtitleTrack::load(
    const std::filesystem::path& file, const OutputWriter& writer, Container container) {
    quiet_libav_logging();
    auto opened = open_subtitle_file(file);
    if (auto* why = std::get_if<std::string>(&opened)) return std::move(*why);
    InputContextPtr context = std::move(std::get<InputContextPtr>(opened));
    const AVStream* source = subtitle_stream(*context);
    if (source == nullptr || source->time_base.num <= 0 || source->time_base.den <= 0)
        return std::string("no subtitle stream in it");

    std::unique_ptr<SubtitleTrack> track(new SubtitleTrack);
    track->path_ = file;
    track->time_base_ = {source->time_base.num, source->time_base.den};
    const AVCodecID codec = source->codecpar->codec_id;
    const bool copy =
        writer.can_hold(codec) && (container != Container::Mp4 || codec == AV_CODEC_ID_MOV_TEXT);
    std::unique_ptr<MovTextConverter> converter;
    if (copy) {
        track->params_.reset(avcodec_parameters_alloc());
        if (!track->params_ || avcodec_parameters_copy(track->params_.get(), source->codecpar) < 0)
            throw std::bad_alloc();
        track->params_->codec_tag = 0;
    } else if (container == Container::Mp4) {
        auto made = MovTextConverter::create(*source);
        if (auto* why = std::get_if<std::string>(&made)) return std::move(*why);
        converter = std::move(std::get<std::unique_ptr<MovTextConverter>>(made));
        track->params_ = converter->params();
    } else {
        return std::string(avcodec_get_name(codec)) + " subtitles cannot go into Matroska";
    }

    for (std::size_t read = 0; read <= kMaxCues; ++read) {
        PacketPtr packet = make_packet();
        forget_libav_log();
        const int status = av_read_frame(context.get(), packet.get());
        if (is_end_of_file(status)) break;
        if (status < 0) return "cannot read it: " + describe_av_error(status);
        if (read == kMaxCues) return "more than " + std::to_string(kMaxCues) + " cues";
        if (packet->stream_index != source->index) continue;
        // A cue without a time, or before the video starts, has no place in the output.
        if (packet->pts == kNoTimestamp || packet->pts < 0) continue;
        packet->time_base = source->time_base;
        if (packet->size > 0 &&
            !is_utf8({reinterpret_cast<const char*>(packet->data), static_cast<std::size_t>(packet->size)})) {
            packet = recoded_as_utf8(*packet);
            ++track->recoded_cues_;
        }
        if (converter) {
            bool failed = false;
            PacketPtr converted = converter->convert(*packet, failed);
            if (failed) ++track->failed_cues_;
            if (!converted) continue;
            packet = std::move(converted);
        }
        packet->dts = packet->pts;
        packet->time_base = source->time_base;
        packet->pos = -1;
        track->packets_.push_back(std::move(packet));
        ++track->cues_;
    }
    if (track->cues_ == 0)
        return track->failed_cues_ > 0 ? std::string("none of its cues could be converted to mov_text")
                                       : std::string("it has no cues");
    return track;
}

void SubtitleTrack::place_against(std::int64_t origin_us) {
    if (!media_clock_offset_us_) return;
    const std::int64_t shift = rescale(*media_clock_offset_us_ - origin_us, kMicroseconds, time_base_);
    if (shift == 0) return;
    std::deque<PacketPtr> placed;
    for (PacketPtr& packet : packets_) {
        std::int64_t pts = packet->pts + shift;
        std::int64_t duration = packet->duration;
        if (pts < 0) {
            if (duration <= 0 || pts + duration <= 0) continue;  // over before the output starts
            duration += pts;
            pts = 0;
        }
        packet->pts = packet->dts = pts;
        packet->duration = duration;
        placed.push_back(std::move(packet));
    }
    packets_ = std::move(placed);
}

PacketPtr SubtitleTrack::next() {
    if (packets_.empty()) return nullptr;
    PacketPtr packet = std::move(packets_.front());
    packets_.pop_front();
    packet->stream_index = output_index_;
    return packet;
}

}  // namespace arina::mux
