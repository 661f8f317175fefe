#include "mux/output_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <system_error>
#include <utility>

#include "mux/input_file.hpp"
#include "mux/libav_error.hpp"
#include "mux/libav_handles.hpp"
#include "util/atomic_file.hpp"

namespace arina::mux {
namespace {

const char* muxer_name(Container container) {
    return container == Container::Mkv ? "matroska" : "mp4";
}

Error sync_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return file_error(errno, "cannot open", path);
    const int synced = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (synced != 0) return file_error(err, "cannot sync", path);
    return {};
}

}  // namespace

OutputWriter::OutputWriter(std::filesystem::path temp_path, AVFormatContext* context)
    : temp_path_(std::move(temp_path)), context_(context) {}

OutputWriter::~OutputWriter() {
    if (context_->pb != nullptr) avio_closep(&context_->pb);
    avformat_free_context(context_);
    if (file_created_ && !committed_) {
        // Only a regular file: a temp path pointing at a device or through a symlink is not ours to unlink.
        std::error_code ec;
        if (std::filesystem::is_regular_file(std::filesystem::symlink_status(temp_path_, ec)))
            std::filesystem::remove(temp_path_, ec);
    }
}

std::variant<std::unique_ptr<OutputWriter>, Error> OutputWriter::create(
    const std::filesystem::path& temp_path, Container container) {
    quiet_libav_logging();
    AVFormatContext* raw = nullptr;
    const std::string url = file_url(temp_path);
    const int status = avformat_alloc_output_context2(&raw, nullptr, muxer_name(container), url.c_str());
    if (status < 0 || raw == nullptr)
        return av_failure(FailReason::Internal,
                          std::string("libavformat has no ") + muxer_name(container) + " muxer", status);
    return std::unique_ptr<OutputWriter>(new OutputWriter(temp_path, raw));
}

bool OutputWriter::can_hold(AVCodecID codec) const {
    return avformat_query_codec(context_->oformat, codec, FF_COMPLIANCE_NORMAL) == 1;
}

std::variant<int, Error> OutputWriter::add_stream(const AVCodecParameters& params, TimeBase time_base,
                                                  const AVStream* source) {
    AVStream* stream = avformat_new_stream(context_, nullptr);
    if (stream == nullptr || avcodec_parameters_copy(stream->codecpar, &params) < 0)
        return Error{FailReason::Internal, "out of memory adding a stream to " + temp_path_.string()};
    // The input container's tag (an MPEG-TS stream type, a QuickTime fourcc) may mean nothing, or
    // something else, in the output container: let the muxer choose.
    stream->codecpar->codec_tag = 0;
    stream->time_base = AVRational{time_base.num, time_base.den};  // a hint; the muxer may pick another
    // libavformat refuses a stream whose aspect ratio differs from its codec parameters'.
    stream->sample_aspect_ratio = params.sample_aspect_ratio;
    if (source != nullptr) {
        stream->avg_frame_rate = source->avg_frame_rate;
        stream->r_frame_rate = source->r_frame_rate;
        stream->disposition = source->disposition;
        if (const AVDictionaryEntry* language = av_dict_get(source->metadata, "language", nullptr, 0))
            av_dict_set(&stream->metadata, "language", language->value, 0);
    }
    last_dts_.push_back(kNoTimestamp);
    return stream->index;
}

void OutputWriter::set_stream_tag(int index, const std::string& key, const std::string& value) {
    AVStream* stream = context_->streams[index];
    if (av_dict_set(&stream->metadata, key.c_str(), value.c_str(), 0) < 0) throw std::bad_alloc();
}

std::variant<int, Error> OutputWriter::add_attachment(std::string_view bytes, const std::string& filename,
                                                      const std::string& mimetype) {
    AVStream* stream = avformat_new_stream(context_, nullptr);
    if (stream == nullptr)
        return Error{FailReason::Internal, "out of memory adding an attachment to " + temp_path_.string()};
    stream->codecpar->codec_type = AVMEDIA_TYPE_ATTACHMENT;
    const std::size_t padded = bytes.size() + AV_INPUT_BUFFER_PADDING_SIZE;
    stream->codecpar->extradata = static_cast<std::uint8_t*>(av_mallocz(padded));
    if (stream->codecpar->extradata == nullptr) throw std::bad_alloc();
    std::memcpy(stream->codecpar->extradata, bytes.data(), bytes.size());
    stream->codecpar->extradata_size = static_cast<int>(bytes.size());
    set_stream_tag(stream->index, "filename", filename);
    set_stream_tag(stream->index, "mimetype", mimetype);
    last_dts_.push_back(kNoTimestamp);
    return stream->index;
}

std::variant<int, Error> OutputWriter::add_attached_picture(AVCodecID codec, int width, int height) {
    AVStream* stream = avformat_new_stream(context_, nullptr);
    if (stream == nullptr)
        return Error{FailReason::Internal, "out of memory adding a picture to " + temp_path_.string()};
    stream->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
    stream->codecpar->codec_id = codec;
    stream->codecpar->width = width;
    stream->codecpar->height = height;
    stream->disposition = AV_DISPOSITION_ATTACHED_PIC;
    stream->time_base = AVRational{1, 90000};
    last_dts_.push_back(kNoTimestamp);
    return stream->index;
}

Error OutputWriter::write_attached_picture(int index, std::string_view bytes) {
    PacketPtr packet = make_packet();
    if (av_new_packet(packet.get(), static_cast<int>(bytes.size())) < 0) throw std::bad_alloc();
    std::memcpy(packet->data, bytes.data(), bytes.size());
    packet->stream_index = index;
    packet->pts = 0;
    packet->dts = 0;
    packet->flags |= AV_PKT_FLAG_KEY;
    forget_libav_log();
    const int written = av_interleaved_write_frame(context_, packet.get());
    if (written < 0)
        return io_or(FailReason::MuxFailed, "cannot write the cover picture to " + temp_path_.string(),
                     written);
    return {};
}

void OutputWriter::set_tag(const std::string& key, const std::string& value) {
    if (av_dict_set(&context_->metadata, key.c_str(), value.c_str(), 0) < 0) throw std::bad_alloc();
}

Error OutputWriter::io_or(FailReason reason, const std::string& what, int code) const {
    // A failed write leaves its errno in the I/O context even when the muxer reports something vaguer.
    const int io_status = (context_->pb != nullptr && context_->pb->error < 0) ? context_->pb->error : code;
    if (const int err = errno_of(io_status); err != 0 && err != EINVAL && err != ENOMEM)
        return file_error(err, "cannot write", temp_path_);
    return av_failure(reason, what, code);
}

Error OutputWriter::open(bool faststart) {
    const std::string url = file_url(temp_path_);
    forget_libav_log();
    const int opened = avio_open(&context_->pb, url.c_str(), AVIO_FLAG_WRITE);
    if (opened < 0) {
        if (errno_of(opened) != 0) return file_error(errno_of(opened), "cannot create", temp_path_);
        return av_failure(FailReason::FileAccess, "cannot create " + temp_path_.string(), opened);
    }
    file_created_ = true;

    Dictionary options;
    if (faststart && std::string(context_->oformat->name) == "mp4") options.set("movflags", "+faststart");
    forget_libav_log();
    const int written = avformat_write_header(context_, options.address());
    // Header failures that are not I/O are nearly always a codec or parameter the container refuses.
    if (written < 0)
        return io_or(FailReason::MuxFailed, "cannot write the header of " + temp_path_.string(), written);
    return {};
}

void OutputWriter::keep_dts_increasing(int stream, AVPacket& packet) {
    // Rounding to a coarser output time base (Matroska's milliseconds) can make two DTS equal; MP4 needs them
    // strictly increasing, Matroska non-decreasing. Same fix as the ffmpeg program: move DTS (and PTS where
    // it would fall below DTS) up to the smallest allowed value.
    std::int64_t& last = last_dts_[static_cast<std::size_t>(stream)];
    if (last != kNoTimestamp) {
        const bool strict = (context_->oformat->flags & AVFMT_TS_NONSTRICT) == 0;
        const std::int64_t lowest = strict ? add_saturated(last, 1) : last;
        if (packet.dts < lowest) packet.dts = lowest;
    }
    if (packet.pts < packet.dts) packet.pts = packet.dts;
    last = packet.dts;
}

Error OutputWriter::write(AVPacket& packet) {
    const int stream = packet.stream_index;
    const AVRational out_base = context_->streams[stream]->time_base;
    av_packet_rescale_ts(&packet, packet.time_base, out_base);
    packet.time_base = out_base;
    packet.pos = -1;
    keep_dts_increasing(stream, packet);

    const TimeBase base{out_base.num, out_base.den};
    const std::int64_t start = rescale(packet.pts, base, kMicroseconds);
    const std::int64_t end = rescale(add_saturated(packet.pts, packet.duration), base, kMicroseconds);
    first_us_ = (first_us_ == kNoTimestamp) ? start : std::min(first_us_, start);
    end_us_ = (end_us_ == kNoTimestamp) ? end : std::max(end_us_, end);

    forget_libav_log();
    const int written = av_interleaved_write_frame(context_, &packet);
    if (written < 0)
        return io_or(
            FailReason::MuxFailed,
            "cannot write a packet of stream #" + std::to_string(stream) + " to " + temp_path_.string(),
            written);
    return {};
}

Error OutputWriter::commit_to(const std::filesystem::path& final_path) {
    forget_libav_log();
    const int trailer = av_write_trailer(context_);
    if (trailer < 0) return io_or(FailReason::MuxFailed, "cannot finish " + temp_path_.string(), trailer);
    // avio_close() does not report a failed final flush, so flush and look first.
    avio_flush(context_->pb);
    if (context_->pb->error < 0)
        return io_or(FailReason::MuxFailed, "cannot finish " + temp_path_.string(), 0);
    avio_closep(&context_->pb);

    if (Error error = sync_file(temp_path_)) return error;
    if (::rename(temp_path_.c_str(), final_path.c_str()) != 0)
        return file_error(errno, "cannot rename " + temp_path_.string() + " to", final_path);
    committed_ = true;
    sync_directory(final_path.parent_path());
    return {};
}

double OutputWriter::written_seconds() const {
    if (first_us_ == kNoTimestamp) return 0;
    return static_cast<double>(sub_saturated(end_us_, first_us_)) / 1e6;
}

}  // namespace arina::mux
