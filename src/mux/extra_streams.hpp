#pragma once
// The streams Extras add to a mux output: subtitle files and the cover picture. All are read and
// checked before the output's header is written; what cannot be used is left out with a warning
// naming the file, and the mux goes on without it.

#include <memory>
#include <string>
#include <vector>

#include "mux/extras.hpp"
#include "mux/mux.hpp"
#include "mux/output_writer.hpp"
#include "mux/subtitle_track.hpp"

namespace arina::mux {

struct ExtraStreams {
    /// Added to the output, in the order given; their cues are interleaved with the inputs' packets.
    std::vector<std::unique_ptr<SubtitleTrack>> subtitles;
    /// MP4: the attached_pic stream whose one packet (cover_bytes) follows the header; -1 otherwise
    /// (Matroska stores the picture as an attachment in the header itself).
    int cover_stream = -1;
    std::string cover_bytes;
};

/// Reads the subtitle files and the thumbnail of `extras` and adds their streams to `writer`
/// (before its header), counting them in `report` and recording what was left out in
/// `report.warnings`. An Error only when the writer itself fails (out of memory).
std::variant<ExtraStreams, Error> add_extra_streams(const Extras& extras, OutputWriter& writer,
                                                    Container container, MuxReport& report);

}  // namespace arina::mux
