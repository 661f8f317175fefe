#pragma once
// The global metadata of a mux output: the tags of MuxOptions::extras and, when a finished file is
// rewritten (remux_with_extras), the tags that file already had.

#include <string>
#include <vector>

#include "mux/extras.hpp"
#include "mux/libav.hpp"
#include "mux/output_writer.hpp"

namespace arina::mux {

/// Sets the output's global metadata before its header is written: first `kept` (an input's own
/// metadata, cleaned like ours, without the entries its container wrote for itself; may be null),
/// then `tags`, which win. What had to be left out is appended to `warnings`.
void write_tags(OutputWriter& writer, const Tags& tags, const AVDictionary* kept,
                std::vector<std::string>& warnings);

}  // namespace arina::mux
