#include "mux/cover_convert.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>

#include "mux/libav_error.hpp"

namespace arina::mux {
namespace {

// Pictures larger than this are not thumbnails, and their RGB copy would cost too much memory.
constexpr int kMaxSide = 8192;

std::uint8_t clip(int value) {
    return static_cast<std::uint8_t>(std::clamp(value, 0, 255));
}

FramePtr make_frame(int width, int height, AVPixelFormat format) {
    FramePtr frame(av_frame_alloc());
    if (!frame) throw std::bad_alloc();
    frame->width = width;
    frame->height = height;
    frame->format = format;
    if (av_frame_get_buffer(frame.get(), 0) < 0) throw std::bad_alloc();
    return frame;
}

// One pixel from Y'CbCr to R'G'B', BT.601, in 8.8 fixed point. Limited range: Y in 16..235, chroma
// in 16..240 (VP8 and so lossy WebP); full range: all of 0..255 (JPEG).
void yuv_to_rgb(int y, int u, int v, bool full_range, std::uint8_t* rgb) {
    const int d = u - 128;
    const int e = v - 128;
    if (full_range) {
        rgb[0] = clip(y + ((359 * e + 128) >> 8));
        rgb[1] = clip(y - ((88 * d + 183 * e + 128) >> 8));
        rgb[2] = clip(y + ((454 * d + 128) >> 8));
    } else {
        const int c = 298 * (y - 16);
        rgb[0] = clip((c + 409 * e + 128) >> 8);
        rgb[1] = clip((c - 100 * d - 208 * e + 128) >> 8);
        rgb[2] = clip((c + 516 * d + 128) >> 8);
    }
}

// 4:2:0 planar, with or without an alpha plane: each chroma sample covers 2x2 pixels.
void convert_yuv420(const AVFrame& in, AVFrame& out, bool alpha, bool full_range) {
    const int channels = alpha ? 4 : 3;
    for (int row = 0; row < in.height; ++row) {
        const std::uint8_t* y = in.data[0] + static_cast<std::ptrdiff_t>(row) * in.linesize[0];
        const std::uint8_t* u = in.data[1] + static_cast<std::ptrdiff_t>(row / 2) * in.linesize[1];
        const std::uint8_t* v = in.data[2] + static_cast<std::ptrdiff_t>(row / 2) * in.linesize[2];
        const std::uint8_t* a =
            alpha ? in.data[3] + static_cast<std::ptrdiff_t>(row) * in.linesize[3] : nullptr;
        std::uint8_t* dst = out.data[0] + static_cast<std::ptrdiff_t>(row) * out.linesize[0];
        for (int col = 0; col < in.width; ++col) {
            std::uint8_t* pixel = dst + col * channels;
            yuv_to_rgb(y[col], u[col / 2], v[col / 2], full_range, pixel);
            if (alpha) pixel[3] = a[col];
        }
    }
}

// Packed 8-bit formats: each output channel taken from a position in the input pixel.
void convert_packed(const AVFrame& in, AVFrame& out, int in_channels, const int (&order)[4],
                    int out_channels) {
    for (int row = 0; row < in.height; ++row) {
        const std::uint8_t* src = in.data[0] + static_cast<std::ptrdiff_t>(row) * in.linesize[0];
        std::uint8_t* dst = out.data[0] + static_cast<std::ptrdiff_t>(row) * out.linesize[0];
        for (int col = 0; col < in.width; ++col)
            for (int c = 0; c < out_channels; ++c)
                dst[col * out_channels + c] = src[col * in_channels + order[c]];
    }
}

}  // namespace

std::variant<FramePtr, ImageProblem> decode_picture(AVCodecID codec, std::string_view bytes) {
    const AVCodec* decoder = avcodec_find_decoder(codec);
    if (decoder == nullptr)
        return ImageProblem{std::string("this libavcodec cannot decode ") + avcodec_get_name(codec)};
    CodecContextPtr context(avcodec_alloc_context3(decoder));
    if (!context) throw std::bad_alloc();
    context->thread_count = 1;  // one picture: threads only cost start-up
    forget_libav_log();
    int status = avcodec_open2(context.get(), decoder, nullptr);
    if (status < 0)
        return ImageProblem{std::string("cannot decode it as ") + avcodec_get_name(codec) + ": " +
                            describe_av_error(status)};

    PacketPtr packet = make_packet();
    if (av_new_packet(packet.get(), static_cast<int>(bytes.size())) < 0) throw std::bad_alloc();
    std::memcpy(packet->data, bytes.data(), bytes.size());
    packet->flags |= AV_PKT_FLAG_KEY;
    FramePtr frame(av_frame_alloc());
    if (!frame) throw std::bad_alloc();
    forget_libav_log();
    status = avcodec_send_packet(context.get(), packet.get());
    if (status >= 0) status = avcodec_send_packet(context.get(), nullptr);  // no more: hand out the picture
    if (status >= 0) status = avcodec_receive_frame(context.get(), frame.get());
    if (status < 0)
        return ImageProblem{std::string("cannot decode it as ") + avcodec_get_name(codec) + ": " +
                            describe_av_error(status)};
    if (frame->width <= 0 || frame->height <= 0 || frame->width > kMaxSide || frame->height > kMaxSide)
        return ImageProblem{"its size " + std::to_string(frame->width) + "x" + std::to_string(frame->height) +
                            " is not a thumbnail's"};
    return frame;
}

std::variant<FramePtr, ImageProblem> to_rgb(const AVFrame& in) {
    const auto format = static_cast<AVPixelFormat>(in.format);
    const bool full_range = in.color_range == AVCOL_RANGE_JPEG || format == AV_PIX_FMT_YUVJ420P;
    switch (format) {
        case AV_PIX_FMT_YUV420P:
        case AV_PIX_FMT_YUVJ420P: {
            FramePtr out = make_frame(in.width, in.height, AV_PIX_FMT_RGB24);
            convert_yuv420(in, *out, /*alpha=*/false, full_range);
            return out;
        }
        case AV_PIX_FMT_YUVA420P: {
            FramePtr out = make_frame(in.width, in.height, AV_PIX_FMT_RGBA);
            convert_yuv420(in, *out, /*alpha=*/true, full_range);
            return out;
        }
        case AV_PIX_FMT_ARGB: {  // lossless WebP
            FramePtr out = make_frame(in.width, in.height, AV_PIX_FMT_RGBA);
            convert_packed(in, *out, 4, {1, 2, 3, 0}, 4);
            return out;
        }
        case AV_PIX_FMT_RGBA: {
            FramePtr out = make_frame(in.width, in.height, AV_PIX_FMT_RGBA);
            convert_packed(in, *out, 4, {0, 1, 2, 3}, 4);
            return out;
        }
        case AV_PIX_FMT_RGB24: {
            FramePtr out = make_frame(in.width, in.height, AV_PIX_FMT_RGB24);
            convert_packed(in, *out, 3, {0, 1, 2, 0}, 3);
            return out;
        }
        default:
            break;
    }
    const char* name = av_get_pix_fmt_name(format);
    return ImageProblem{std::string("its pixel format ") + (name ? name : "?") + " cannot be converted"};
}

std::variant<std::string, ImageProblem> encode_png(const AVFrame& frame) {
    const AVCodec* encoder = avcodec_find_encoder(AV_CODEC_ID_PNG);
    if (encoder == nullptr) return ImageProblem{"this libavcodec has no PNG encoder"};
    CodecContextPtr context(avcodec_alloc_context3(encoder));
    if (!context) throw std::bad_alloc();
    context->width = frame.width;
    context->height = frame.height;
    context->pix_fmt = static_cast<AVPixelFormat>(frame.format);
    context->time_base = AVRational{1, 1};
    context->thread_count = 1;
    forget_libav_log();
    int status = avcodec_open2(context.get(), encoder, nullptr);
    PacketPtr packet = make_packet();
    if (status >= 0) status = avcodec_send_frame(context.get(), &frame);
    if (status >= 0) status = avcodec_send_frame(context.get(), nullptr);
    if (status >= 0) status = avcodec_receive_packet(context.get(), packet.get());
    if (status < 0) return ImageProblem{"cannot encode it as PNG: " + describe_av_error(status)};
    return std::string(reinterpret_cast<const char*>(packet->data), static_cast<std::size_t>(packet->size));
}

}  // namespace arina::mux
