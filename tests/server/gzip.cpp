#include "server/gzip.hpp"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <vector>

namespace arina::testing {
namespace {

// zlib counts in uInt, so input is fed in pieces; that also bounds the file read buffer.
constexpr std::size_t kPiece = 1 << 20;

class GzipStream {
  public:
    GzipStream() {
        // windowBits 15 + 16 selects the gzip wrapper instead of zlib's.
        if (deflateInit2(&z_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw std::runtime_error("deflateInit2 failed");
    }
    ~GzipStream() { deflateEnd(&z_); }
    GzipStream(const GzipStream&) = delete;
    GzipStream& operator=(const GzipStream&) = delete;

    void feed(std::string_view piece, bool last) {
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
        z_.avail_in = static_cast<uInt>(piece.size());
        const int flush = last ? Z_FINISH : Z_NO_FLUSH;
        int rc = Z_OK;
        do {
            char buf[64 * 1024];
            z_.next_out = reinterpret_cast<Bytef*>(buf);
            z_.avail_out = sizeof buf;
            rc = deflate(&z_, flush);
            if (rc == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
            out_.append(buf, sizeof buf - z_.avail_out);
        } while (z_.avail_out == 0 || (last && rc != Z_STREAM_END));
    }
    std::string take() { return std::move(out_); }

  private:
    z_stream z_{};
    std::string out_;
};

}  // namespace

std::string gzip_compress(std::string_view data) {
    GzipStream gz;
    do {
        const auto piece = data.substr(0, kPiece);
        data.remove_prefix(piece.size());
        gz.feed(piece, data.empty());
    } while (!data.empty());
    return gz.take();
}

std::optional<std::string> gzip_compress_file(int fd, std::int64_t size) {
    GzipStream gz;
    std::vector<char> buf(kPiece);
    std::int64_t offset = 0;
    do {
        const auto want = static_cast<std::size_t>(std::min<std::int64_t>(size - offset, kPiece));
        std::size_t got = 0;
        while (got < want) {
            const auto n = ::pread(fd, buf.data() + got, want - got, offset + static_cast<off_t>(got));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return std::nullopt;  // error, or the file shrank under us
            got += static_cast<std::size_t>(n);
        }
        offset += static_cast<std::int64_t>(want);
        gz.feed(std::string_view(buf.data(), want), offset >= size);
    } while (offset < size);
    return gz.take();
}

}  // namespace arina::testing
