#pragma once
// What an extraction becomes for the download engine: the formats as a presentation the stream
// downloader can fetch (plain media files cut into byte-range fragments), the per-format request
// headers scoped to their servers, and the names the output template may use. Pure functions.

#include <cstdint>
#include <string>
#include <vector>

#include "extract/extraction.hpp"
#include "net/http_options.hpp"
#include "stream/format_selector.hpp"
#include "util/output_template.hpp"

namespace arina {

/// `extraction.presentation` with every plain-file stream (StreamExtras::file_url) given fragments:
/// byte ranges of at most `chunk_size` when its size is known, else the whole file as one fragment.
media::Presentation downloadable_presentation(const extract::Extraction& extraction, std::int64_t chunk_size);

/// The headers of the chosen streams (ids in `chosen`), each for the origins of that stream's own
/// URLs only (file, playlist, init, fragments, keys); one entry per origin, every header line once.
/// Formats not chosen send nothing: their headers (a session id per quality) are theirs.
std::vector<net::OriginHeaders> origin_headers(const extract::Extraction& extraction,
                                               const std::vector<std::string>& chosen);

/// The ids of the chosen formats.
std::vector<std::string> chosen_ids(const std::vector<stream::SelectedFormat>& chosen);

/// The template's fields for the chosen formats saved with extension `ext`.
NamingFields naming_fields(const extract::Extraction& extraction,
                           const std::vector<stream::SelectedFormat>& chosen, const std::string& ext,
                           const std::string& platform, int playlist_index);

/// The chosen formats (from extraction.presentation or downloadable_presentation() of it) are
/// exactly one plain media file: it downloads as a file (ranged, resumable) rather than as a
/// stream; returns its stream id, or empty.
std::string single_file_format(const extract::Extraction& extraction,
                               const std::vector<stream::SelectedFormat>& chosen);

/// The extension a single file keeps: the format's own, else the URL path's, else "mp4".
std::string file_extension(const extract::Extraction& extraction, const std::string& stream_id);

}  // namespace arina
