#include "mux/input_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "mux/input_file.hpp"
#include "mux/libav_error.hpp"
#include "util/atomic_file.hpp"

namespace arina::mux {
namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
static_assert(AV_NOPTS_VALUE == kNoTimestamp, "kNoTimestamp must be libav's AV_NOPTS_VALUE");
#pragma GCC diagnostic pop

TimeBase time_base_of(AVRational rational) {
    return {rational.num, rational.den};
}

bool is_copyable(const AVStream& stream) {
    const AVCodecParameters& params = *stream.codecpar;
    if (stream.disposition & AV_DISPOSITION_ATTACHED_PIC) return false;  // a cover image, not a track
    if (params.codec_id == AV_CODEC_ID_NONE) return false;
    if (stream.time_base.num <= 0 || stream.time_base.den <= 0) return false;
    switch (params.codec_type) {
        // No container can describe a track without these; they are missing when a stream is declared
        // (an MPEG-TS PMT entry) but never carried.
        case AVMEDIA_TYPE_VIDEO:
            return params.width > 0 && params.height > 0;
        case AVMEDIA_TYPE_AUDIO:
            return params.sample_rate > 0;
        case AVMEDIA_TYPE_SUBTITLE:
            return true;
        default:
            return false;
    }
}

// AAC framed with ADTS headers, as MPEG-TS and raw .aac carry it. MP4 and Matroska both want raw AAC
// frames plus an AudioSpecificConfig, which the aac_adtstoasc filter produces.
bool is_adts_aac(const AVFormatContext& context, const AVStream& stream) {
    if (stream.codecpar->codec_id != AV_CODEC_ID_AAC) return false;
    const char* demuxer = context.iformat->name;
    return std::strcmp(demuxer, "mpegts") == 0 || std::strcmp(demuxer, "aac") == 0;
}

}  // namespace

InputReader::InputReader(std::filesystem::path path, InputContextPtr context,
                         std::shared_ptr<GrowingInput> growing)
    : path_(std::move(path)), context_(std::move(context)), growing_(std::move(growing)) {}

InputReader::~InputReader() = default;

std::variant<std::unique_ptr<InputReader>, Error> InputReader::open(const std::filesystem::path& path,
                                                                    std::shared_ptr<GrowingInput> growing) {
    auto opened = open_input_file(path, growing);
    if (auto* error = std::get_if<Error>(&opened)) return std::move(*error);
    std::unique_ptr<InputReader> reader(
        new InputReader(path, std::move(std::get<InputContextPtr>(opened)), std::move(growing)));

    const AVFormatContext& context = *reader->context_;
    reader->position_of_.assign(context.nb_streams, -1);
    std::vector<TimelineRepair::StreamClock> clocks;
    for (unsigned i = 0; i < context.nb_streams; ++i) {
        const AVStream& source = *context.streams[i];
        if (!is_copyable(source)) continue;
        Stream stream;
        stream.input_index = static_cast<int>(i);
        stream.source = &source;
        stream.params = source.codecpar;
        stream.time_base = time_base_of(source.time_base);
        reader->filters_.emplace_back();
        if (is_adts_aac(context, source)) {
            if (Error error = reader->add_adts_filter(stream)) return error;
        }
        reader->position_of_[i] = static_cast<int>(reader->streams_.size());
        clocks.push_back({stream.time_base, source.codecpar->codec_type == AVMEDIA_TYPE_SUBTITLE});
        reader->streams_.push_back(stream);
    }
    reader->timeline_ = TimelineRepair(std::move(clocks));
    return reader;
}

Error InputReader::add_adts_filter(Stream& stream) {
    const AVBitStreamFilter* kind = av_bsf_get_by_name("aac_adtstoasc");
    AVBSFContext* raw = nullptr;
    if (kind == nullptr || av_bsf_alloc(kind, &raw) < 0)
        return {FailReason::Internal,
                "the aac_adtstoasc bitstream filter is not available in this libavcodec"};
    BitstreamFilterPtr filter(raw);
    int status = avcodec_parameters_copy(filter->par_in, stream.source->codecpar);
    filter->time_base_in = stream.source->time_base;
    if (status >= 0) status = av_bsf_init(filter.get());
    if (status < 0)
        return av_failure(FailReason::Internal, "cannot set up the AAC filter for " + path_.string(), status);
    stream.params = filter->par_out;
    stream.time_base = time_base_of(filter->time_base_out);
    filters_.back() = std::move(filter);
    return {};
}

std::int64_t InputReader::start_us() const {
    std::int64_t start = kNoTimestamp;
    for (const Stream& stream : streams_) {
        if (stream.source->start_time == kNoTimestamp) continue;
        const std::int64_t us =
            rescale(stream.source->start_time, time_base_of(stream.source->time_base), kMicroseconds);
        start = (start == kNoTimestamp) ? us : std::min(start, us);
    }
    if (start == kNoTimestamp && context_->start_time != kNoTimestamp) start = context_->start_time;
    return start;
}

std::variant<PacketPtr, Error> InputReader::next() {
    while (pending_.empty()) {
        if (finished_) return PacketPtr{};
        if (Error error = read_more()) return error;
    }
    PacketPtr packet = std::move(pending_.front());
    pending_.pop_front();
    retime(*packet);
    return packet;
}

Error InputReader::read_more() {
    PacketPtr packet = make_packet();
    forget_libav_log();
    const int status = av_read_frame(context_.get(), packet.get());
    if (is_end_of_file(status)) {
        finished_ = true;
        return flush_filters();
    }
    if (status < 0) {
        if (growing_ && growing_->extent().abandoned) return abandoned_error(path_);
        if (errno_of(status) != 0 && errno_of(status) != EINVAL)
            return file_error(errno_of(status), "cannot read", path_);
        return av_failure(FailReason::Unsupported, "cannot read input " + path_.string(), status);
    }
    // Streams left out, and streams that appear only after the header (a new PID after a discontinuity):
    // the output's stream list is already fixed.
    const int index = packet->stream_index;
    if (index < 0 || static_cast<std::size_t>(index) >= position_of_.size() || position_of_[index] < 0)
        return {};
    const auto position = static_cast<std::size_t>(position_of_[index]);
    if (streams_[position].output_index < 0) return {};
    packet->stream_index = static_cast<int>(position);
    if (filters_[position]) return filter(position, std::move(packet));
    pending_.push_back(std::move(packet));
    return {};
}

Error InputReader::filter(std::size_t position, PacketPtr packet) {
    const int status = av_bsf_send_packet(filters_[position].get(), packet.get());
    if (status < 0) {
        ++dropped_packets_;
        return {};
    }
    return drain_filter(position);
}

Error InputReader::drain_filter(std::size_t position) {
    while (true) {
        PacketPtr out = make_packet();
        const int status = av_bsf_receive_packet(filters_[position].get(), out.get());
        if (is_try_again(status) || is_end_of_file(status)) return {};
        if (status < 0) {
            if (errno_of(status) == ENOMEM)
                return av_failure(FailReason::Internal, "cannot filter AAC of " + path_.string(), status);
            // A damaged ADTS frame in a long recording: losing ~21 ms of audio beats failing the download.
            ++dropped_packets_;
            continue;
        }
        out->stream_index = static_cast<int>(position);
        pending_.push_back(std::move(out));
    }
}

Error InputReader::flush_filters() {
    for (std::size_t position = 0; position < filters_.size(); ++position) {
        if (!filters_[position] || streams_[position].output_index < 0) continue;
        av_bsf_send_packet(filters_[position].get(), nullptr);
        if (Error error = drain_filter(position)) return error;
    }
    return {};
}

void InputReader::retime(AVPacket& packet) {
    const auto position = static_cast<std::size_t>(packet.stream_index);
    const Stream& stream = streams_[position];
    const TimelineRepair::Stamp stamp = timeline_.repair(position, {packet.dts, packet.pts, packet.duration});
    const std::int64_t origin = rescale(origin_us_, kMicroseconds, stream.time_base);
    packet.dts = sub_saturated(stamp.dts, origin);
    packet.pts = sub_saturated(stamp.pts, origin);
    packet.duration = stamp.duration;
    packet.time_base = AVRational{stream.time_base.num, stream.time_base.den};
    packet.stream_index = stream.output_index;
}

}  // namespace arina::mux
