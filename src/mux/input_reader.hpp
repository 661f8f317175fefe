#pragma once
// One input of a mux: which of its streams can be copied, and its packets one at a time, filtered
// (ADTS AAC -> raw AAC) and with repaired timestamps, so the caller only interleaves and writes.

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <variant>
#include <vector>

#include "mux/growing_input.hpp"
#include "mux/libav_handles.hpp"
#include "mux/timeline.hpp"
#include "util/fail_reason.hpp"

namespace arina::mux {

class InputReader {
  public:
    /// A stream that can be copied: video, audio or subtitle with known codec parameters. Data streams,
    /// cover pictures and streams libav could not identify are left out here already.
    struct Stream {
        int input_index = 0;                        ///< index in the input file
        const AVStream* source = nullptr;           ///< for metadata, frame rate, disposition
        const AVCodecParameters* params = nullptr;  ///< what the output stream gets (after the filter)
        TimeBase time_base;                         ///< of the packets next() returns
        int output_index = -1;                      ///< set by the caller; -1 drops the stream
    };

    /// Opens the file and picks its copyable streams (see open_input_file for the errors and
    /// for `growing`: a file still being written).
    static std::variant<std::unique_ptr<InputReader>, Error> open(
        const std::filesystem::path& path, std::shared_ptr<GrowingInput> growing = nullptr);

    const std::filesystem::path& path() const { return path_; }
    std::vector<Stream>& streams() { return streams_; }
    /// The file's global metadata (title, encoder, ...), as its demuxer read it.
    const AVDictionary* metadata() const { return context_->metadata; }

    /// Earliest start time of the copyable streams in microseconds, kNoTimestamp when unknown.
    std::int64_t start_us() const;
    /// From now on next() subtracts this from every timestamp, so the output starts at 0.
    void set_origin_us(std::int64_t origin_us) { origin_us_ = origin_us; }

    /// The next packet of a stream with an output index: stream_index is the output index, time_base is
    /// set, dts and pts are repaired (present, pts >= dts). A null packet at the end of the input.
    std::variant<PacketPtr, Error> next();

    int discontinuities() const { return timeline_.discontinuities(); }
    std::int64_t dropped_packets() const { return dropped_packets_; }

    InputReader(const InputReader&) = delete;
    InputReader& operator=(const InputReader&) = delete;
    ~InputReader();

  private:
    InputReader(std::filesystem::path path, InputContextPtr context, std::shared_ptr<GrowingInput> growing);

    Error add_adts_filter(Stream& stream);
    Error read_more();
    Error filter(std::size_t position, PacketPtr packet);
    Error drain_filter(std::size_t position);
    Error flush_filters();
    void retime(AVPacket& packet);

    std::filesystem::path path_;
    InputContextPtr context_;
    std::shared_ptr<GrowingInput> growing_;
    std::vector<Stream> streams_;
    std::vector<int> position_of_;             ///< input stream index -> position in streams_, or -1
    std::vector<BitstreamFilterPtr> filters_;  ///< per position; null when the stream needs none
    TimelineRepair timeline_{{}};
    std::deque<PacketPtr> pending_;  ///< read (and filtered) but not yet returned
    bool finished_ = false;
    std::int64_t origin_us_ = 0;
    std::int64_t dropped_packets_ = 0;
};

}  // namespace arina::mux
