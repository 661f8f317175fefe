#include "mux/input_file.hpp"

#include <cerrno>
#include <string>

#include "mux/libav_error.hpp"
#include "util/atomic_file.hpp"

namespace arina::mux {
namespace {

// Names as av_match_list() compares them against a demuxer's comma-separated names: "mov" matches
// "mov,mp4,m4a,3gp,3g2,mj2" and "matroska" matches "matroska,webm".
constexpr const char* kAllowedDemuxers = "mpegts,mov,matroska,aac,mp3,ac3,eac3";

}  // namespace

std::string file_url(const std::filesystem::path& path) {
    return "file:" + path.string();
}

std::variant<InputContextPtr, Error> open_input_file(const std::filesystem::path& path) {
    quiet_libav_logging();
    Dictionary options;
    options.set("format_whitelist", kAllowedDemuxers);
    options.set("protocol_whitelist", "file");

    AVFormatContext* raw = nullptr;
    forget_libav_log();
    const std::string url = file_url(path);
    const int opened = avformat_open_input(&raw, url.c_str(), nullptr, options.address());
    if (opened < 0) {
        const int err = errno_of(opened);
        // The format whitelist answers EINVAL for a recognised but refused format (an HLS playlist, say).
        if (err == EINVAL)
            return Error{FailReason::Unsupported,
                         "cannot open input " + path.string() +
                             ": not an MPEG-TS, MP4, Matroska/WebM or raw audio file"};
        if (err != 0) return file_error(err, "cannot open input", path);
        return av_failure(FailReason::Unsupported, "cannot open input " + path.string(), opened);
    }
    InputContextPtr context(raw);

    forget_libav_log();
    const int found = avformat_find_stream_info(context.get(), nullptr);
    if (found < 0) {
        if (errno_of(found) != 0 && errno_of(found) != EINVAL)
            return file_error(errno_of(found), "cannot read", path);
        return av_failure(FailReason::Unsupported, "cannot read stream information from " + path.string(),
                          found);
    }
    return context;
}

}  // namespace arina::mux
