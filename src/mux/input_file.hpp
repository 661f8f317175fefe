#pragma once
// Opening an input media file safely, shared by probe() and mux().

#include <filesystem>
#include <memory>
#include <variant>

#include "mux/growing_input.hpp"
#include "mux/libav_handles.hpp"
#include "util/fail_reason.hpp"

namespace arina::mux {

/// Opens `path` and reads its stream information. Only the demuxers our downloads produce are allowed
/// (MPEG-TS, MP4/MOV, Matroska/WebM, raw AAC/MP3/AC-3/E-AC-3) and only the file protocol, so a file
/// that is really a playlist or a concat script cannot make libavformat open other files or URLs.
/// FileAccess when the file cannot be read, Unsupported when it is not a usable media file.
/// With `growing`, the file is read as it is written (growing_input.hpp), as a stream that cannot
/// seek; Cancelled when the input is abandoned meanwhile.
std::variant<InputContextPtr, Error> open_input_file(const std::filesystem::path& path,
                                                     const std::shared_ptr<GrowingInput>& growing = nullptr);

/// The error for a growing input abandoned while being read.
Error abandoned_error(const std::filesystem::path& path);

/// The libav URL for a local path: "file:" + path, so that a name containing ':' is never taken for a
/// protocol ("c:clip.ts" would otherwise mean protocol "c").
std::string file_url(const std::filesystem::path& path);

}  // namespace arina::mux
