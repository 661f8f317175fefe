#include "mux/input_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <new>
#include <string>

#include "mux/libav_error.hpp"
#include "util/atomic_file.hpp"

namespace arina::mux {
namespace {

// Names as av_match_list() compares them against a demuxer's comma-separated names: "mov" matches
// "mov,mp4,m4a,3gp,3g2,mj2" and "matroska" matches "matroska,webm".
constexpr const char* kAllowedDemuxers = "mpegts,mov,matroska,aac,mp3,ac3,eac3";

// Reads of a growing file: large, as the bytes are in the page cache just written.
constexpr int kGrowingReadBytes = 256 * 1024;

// Reads a growing file up to its final extent, waiting for more as needed.
class GrowingFileIo final : public CustomInputIo {
  public:
    GrowingFileIo(int fd, std::shared_ptr<GrowingInput> input) : fd_(fd), input_(std::move(input)) {}
    ~GrowingFileIo() override { ::close(fd_); }
    GrowingFileIo(const GrowingFileIo&) = delete;
    GrowingFileIo& operator=(const GrowingFileIo&) = delete;

    static int read(void* opaque, std::uint8_t* buffer, int size) {
        auto& self = *static_cast<GrowingFileIo*>(opaque);
        const GrowingInput::Extent extent = self.input_->wait_beyond(self.position_);
        if (extent.abandoned) return AVERROR_EXIT;
        if (self.position_ >= extent.end) return AVERROR_EOF;
        const auto wanted =
            static_cast<std::size_t>(std::min<std::int64_t>(size, extent.end - self.position_));
        const ssize_t got = ::pread(self.fd_, buffer, wanted, self.position_);
        if (got < 0) return AVERROR(errno);
        if (got == 0) return AVERROR(EIO);  // shorter than the writer said: truncated behind our back
        self.position_ += got;
        return static_cast<int>(got);
    }

    // The input is declared unseekable, so demuxers only skip forward (or ask for the size).
    static std::int64_t seek(void* opaque, std::int64_t offset, int whence) {
        auto& self = *static_cast<GrowingFileIo*>(opaque);
        const GrowingInput::Extent extent = self.input_->extent();
        switch (whence & ~AVSEEK_FORCE) {
            case AVSEEK_SIZE:
                return extent.final ? extent.end : AVERROR(ENOSYS);
            case SEEK_SET:
                break;
            case SEEK_CUR:
                offset += self.position_;
                break;
            default:
                return AVERROR(ENOSYS);
        }
        if (offset < 0) return AVERROR(EINVAL);
        self.position_ = offset;
        return offset;
    }

  private:
    int fd_;
    std::shared_ptr<GrowingInput> input_;
    std::int64_t position_ = 0;
};

// A format context reading `path` through GrowingFileIo, ready for avformat_open_input.
std::variant<AVFormatContext*, Error> growing_context(const std::filesystem::path& path,
                                                      const std::shared_ptr<GrowingInput>& growing) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return file_error(errno, "cannot open input", path);
    auto* io = new GrowingFileIo(fd, growing);
    auto* buffer = static_cast<unsigned char*>(av_malloc(kGrowingReadBytes));
    AVIOContext* pb = buffer ? avio_alloc_context(buffer, kGrowingReadBytes, 0, io, &GrowingFileIo::read,
                                                  nullptr, &GrowingFileIo::seek)
                             : nullptr;
    AVFormatContext* context = pb ? avformat_alloc_context() : nullptr;
    if (context == nullptr) {
        if (pb)
            free_custom_io(pb);
        else {
            av_free(buffer);
            delete io;
        }
        throw std::bad_alloc();
    }
    pb->seekable = 0;
    context->pb = pb;
    context->flags |= AVFMT_FLAG_CUSTOM_IO;
    return context;
}

}  // namespace

Error abandoned_error(const std::filesystem::path& path) {
    return {FailReason::Cancelled, "reading " + path.string() + " while it downloads was abandoned"};
}

std::string file_url(const std::filesystem::path& path) {
    return "file:" + path.string();
}

std::variant<InputContextPtr, Error> open_input_file(const std::filesystem::path& path,
                                                     const std::shared_ptr<GrowingInput>& growing) {
    quiet_libav_logging();
    Dictionary options;
    options.set("format_whitelist", kAllowedDemuxers);
    options.set("protocol_whitelist", "file");
    const auto abandoned = [&] { return growing && growing->extent().abandoned; };

    AVFormatContext* raw = nullptr;
    AVIOContext* custom_io = nullptr;
    if (growing) {
        auto made = growing_context(path, growing);
        if (auto* error = std::get_if<Error>(&made)) return std::move(*error);
        raw = std::get<AVFormatContext*>(made);
        custom_io = raw->pb;
    }
    forget_libav_log();
    const std::string url = file_url(path);
    const int opened = avformat_open_input(&raw, url.c_str(), nullptr, options.address());
    if (opened < 0) {
        free_custom_io(custom_io);  // libav freed the context, not our I/O
        if (abandoned()) return abandoned_error(path);
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
        if (abandoned()) return abandoned_error(path);
        if (errno_of(found) != 0 && errno_of(found) != EINVAL)
            return file_error(errno_of(found), "cannot read", path);
        return av_failure(FailReason::Unsupported, "cannot read stream information from " + path.string(),
                          found);
    }
    return context;
}

}  // namespace arina::mux
