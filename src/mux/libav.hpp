#pragma once
// The libav (FFmpeg) C headers, included once for C++: they carry no extern "C" guards of their own.
// Internal to src/mux: the public headers (mux.hpp, probe.hpp) never include it, so code using arina_mux
// needs no libav headers.

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/pixdesc.h>
}
