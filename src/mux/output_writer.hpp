#pragma once
// The output side of a mux: a libavformat muxer writing to a temporary file that becomes the final file
// only through commit_to(). Destroying an uncommitted writer removes the temporary file, so every early
// return of mux() cleans up by itself.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mux/libav.hpp"
#include "mux/mux.hpp"
#include "mux/timeline.hpp"
#include "util/fail_reason.hpp"

namespace arina::mux {

class OutputWriter {
  public:
    /// Prepares a muxer for `container`; nothing is created on disk until open().
    static std::variant<std::unique_ptr<OutputWriter>, Error> create(const std::filesystem::path& temp_path,
                                                                     Container container);
    ~OutputWriter();
    OutputWriter(const OutputWriter&) = delete;
    OutputWriter& operator=(const OutputWriter&) = delete;

    /// Whether the container can carry `codec` at all (libav's avformat_query_codec).
    bool can_hold(AVCodecID codec) const;

    /// Adds a stream copying `params` (packets in `time_base`; frame rate, disposition and language
    /// from `source` when given); returns its index.
    std::variant<int, Error> add_stream(const AVCodecParameters& params, TimeBase time_base,
                                        const AVStream* source = nullptr);

    /// Sets entry `key` of stream `index`'s metadata (before open()): "language", "title", ...
    void set_stream_tag(int index, const std::string& key, const std::string& value);

    /// Adds a Matroska attachment (a file stored beside the tracks): `bytes` under `filename` with
    /// `mimetype`; returns its stream index. Before open().
    std::variant<int, Error> add_attachment(std::string_view bytes, const std::string& filename,
                                            const std::string& mimetype);

    /// Adds a picture stream marked attached_pic (MP4 cover art: `codec` MJPEG or PNG); returns its
    /// index. Its one packet goes in with write_attached_picture() after open().
    std::variant<int, Error> add_attached_picture(AVCodecID codec, int width, int height);
    /// Writes the picture of a stream from add_attached_picture(): not media, so it leaves the
    /// timing (written_seconds) alone.
    Error write_attached_picture(int index, std::string_view bytes);

    /// Sets entry `key` of the output's global metadata (before open()); libav's generic keys, which
    /// each container's muxer maps onto its own. Keys compare case-insensitively.
    void set_tag(const std::string& key, const std::string& value);

    /// Creates the temporary file and writes the header.
    Error open(bool faststart);

    /// Writes one packet (timestamps in packet.time_base, stream_index an index from add_stream). DTS that
    /// would not increase after rounding to the output time base are moved up by the smallest step.
    Error write(AVPacket& packet);

    /// Writes the trailer, syncs the file to disk and renames it to `final_path`.
    Error commit_to(const std::filesystem::path& final_path);

    /// Time from the earliest presented instant to the latest end written so far, in seconds.
    double written_seconds() const;

  private:
    OutputWriter(std::filesystem::path temp_path, AVFormatContext* context);
    Error io_or(FailReason reason, const std::string& what, int code) const;
    void keep_dts_increasing(int stream, AVPacket& packet);

    std::filesystem::path temp_path_;
    AVFormatContext* context_;
    bool file_created_ = false;
    bool committed_ = false;
    std::vector<std::int64_t> last_dts_;  ///< per output stream, in its time base
    std::int64_t first_us_ = kNoTimestamp;
    std::int64_t end_us_ = kNoTimestamp;
};

}  // namespace arina::mux
