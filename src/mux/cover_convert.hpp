#pragma once
// Pictures through libavcodec: decoding one still image, and encoding a decoded one as PNG. The
// build has no libswscale, so the few pixel formats an image decoder gives for WebP (yuv420p,
// yuva420p, argb, rgb24, rgba) are turned into RGB(A) here, with the BT.601 matrix JPEG and WebP
// use (limited or full range as the frame says).

#include <string>
#include <string_view>
#include <variant>

#include "mux/libav_handles.hpp"

namespace arina::mux {

/// Why a picture cannot be used, for a warning ("cannot decode it as webp: ...").
struct ImageProblem {
    std::string why;
};

/// The first picture `bytes` decode to with `codec`'s decoder.
std::variant<FramePtr, ImageProblem> decode_picture(AVCodecID codec, std::string_view bytes);

/// `frame` as an RGB24 (or, when it has alpha, RGBA) frame of the same size.
std::variant<FramePtr, ImageProblem> to_rgb(const AVFrame& frame);

/// `frame` (RGB24 or RGBA) encoded as the bytes of a PNG file.
std::variant<std::string, ImageProblem> encode_png(const AVFrame& frame);

}  // namespace arina::mux
