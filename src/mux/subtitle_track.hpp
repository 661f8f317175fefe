#pragma once
// A subtitle from a file of its own (ExternalSubtitle), read whole and made ready for the output
// before its header is written, so that a file that cannot be used is known (and left out with a
// warning) before anything depends on it. Subtitle files are small (a film is ~100 KiB); reading is
// bounded by kMaxSubtitleFileBytes and kMaxCues all the same.
//
// Copied as they are when the container can carry the codec (WebVTT and SubRip into Matroska);
// converted to mov_text for MP4 by decoding each cue to libavcodec's ASS form and encoding that,
// as the ffmpeg program does for `-c:s mov_text`. Styling beyond what mov_text can express (WebVTT
// positioning, colours) is lost in the conversion; the text and the timing are kept. Cue text that
// is not UTF-8 is read as Latin-1 in both cases (libavcodec converts nothing else, and players
// expect UTF-8).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "mux/extras.hpp"
#include "mux/libav_handles.hpp"
#include "mux/output_writer.hpp"
#include "mux/timeline.hpp"

namespace arina::mux {

inline constexpr std::int64_t kMaxSubtitleFileBytes = 16 * 1024 * 1024;
inline constexpr std::size_t kMaxCues = 200'000;

class SubtitleTrack {
  public:
    /// Reads `file` for the output of `writer` (a `container` one). The string, when that is what
    /// comes back, says why the file cannot be used ("not a WebVTT or SubRip file: ..."), for a
    /// warning; it does not repeat the path.
    static std::variant<std::unique_ptr<SubtitleTrack>, std::string> load(const std::filesystem::path& file,
                                                                          const OutputWriter& writer,
                                                                          Container container);

    const std::filesystem::path& path() const { return path_; }
    /// The output stream's parameters and the time base of the packets.
    const AVCodecParameters& params() const { return *params_; }
    TimeBase time_base() const { return time_base_; }
    /// Cues converted (or copied), and cues that could not be converted and were left out.
    std::size_t cues() const { return cues_; }
    std::size_t failed_cues() const { return failed_cues_; }
    /// Cues whose text was not UTF-8 and was read as Latin-1 (legacy SubRip files).
    std::size_t recoded_cues() const { return recoded_cues_; }

    /// From now on next() packets carry this output stream index.
    void set_output_index(int index) { output_index_ = index; }
    /// ExternalSubtitle::media_clock_offset_us: cue times are in the media's clock after this.
    void set_media_clock_offset(std::optional<std::int64_t> offset_us) { media_clock_offset_us_ = offset_us; }
    /// The inputs' timestamps start at `origin_us` (their own clock; the output starts there): with a
    /// media clock offset, every cue moves by offset - origin; a cue that then ends before the
    /// output starts is left out, one that starts before it is cut to start there. Without, nothing
    /// changes. Call once, before next().
    void place_against(std::int64_t origin_us);
    /// The next cue as a packet in time_base() (dts = pts, duration set); null after the last.
    PacketPtr next();

  private:
    SubtitleTrack() = default;

    std::filesystem::path path_;
    CodecParametersPtr params_;
    TimeBase time_base_;
    std::deque<PacketPtr> packets_;
    std::size_t cues_ = 0;
    std::size_t failed_cues_ = 0;
    std::size_t recoded_cues_ = 0;
    int output_index_ = -1;
    std::optional<std::int64_t> media_clock_offset_us_;
};

}  // namespace arina::mux
