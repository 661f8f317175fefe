#pragma once
// Owning handles for libav objects, so every early return frees what was allocated.

#include <memory>

#include "mux/libav.hpp"

namespace arina::mux {

struct PacketFree {
    void operator()(AVPacket* packet) const noexcept { av_packet_free(&packet); }
};
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;

/// A fresh empty packet; throws std::bad_alloc when libav is out of memory (like operator new).
PacketPtr make_packet();

/// Our own reading behind an input (AVFMT_FLAG_CUSTOM_IO): the AVIOContext's opaque, freed with it.
class CustomInputIo {
  public:
    virtual ~CustomInputIo() = default;
};

/// Frees an AVIOContext made with avio_alloc_context whose opaque is a CustomInputIo.
void free_custom_io(AVIOContext* io) noexcept;

/// An input opened with avformat_open_input; with custom I/O, that is freed too.
struct InputClose {
    void operator()(AVFormatContext* context) const noexcept;
};
using InputContextPtr = std::unique_ptr<AVFormatContext, InputClose>;

struct BitstreamFilterFree {
    void operator()(AVBSFContext* filter) const noexcept { av_bsf_free(&filter); }
};
using BitstreamFilterPtr = std::unique_ptr<AVBSFContext, BitstreamFilterFree>;

struct CodecContextFree {
    void operator()(AVCodecContext* context) const noexcept { avcodec_free_context(&context); }
};
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextFree>;

struct CodecParametersFree {
    void operator()(AVCodecParameters* params) const noexcept { avcodec_parameters_free(&params); }
};
using CodecParametersPtr = std::unique_ptr<AVCodecParameters, CodecParametersFree>;

struct FrameFree {
    void operator()(AVFrame* frame) const noexcept { av_frame_free(&frame); }
};
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;

/// An AVDictionary of options, freed on scope exit (libav leaves unused entries in it).
class Dictionary {
  public:
    Dictionary() = default;
    ~Dictionary() { av_dict_free(&dict_); }
    Dictionary(const Dictionary&) = delete;
    Dictionary& operator=(const Dictionary&) = delete;

    void set(const char* key, const char* value) { av_dict_set(&dict_, key, value, 0); }
    AVDictionary** address() { return &dict_; }

  private:
    AVDictionary* dict_ = nullptr;
};

}  // namespace arina::mux
