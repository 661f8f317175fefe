#pragma once
// ISO BMFF segment index boxes ('sidx', ISO/IEC 14496-12 §8.16.3): where each subsegment of a
// DASH on-demand file starts and how long it plays. Completes a Stream whose `needs_index` is set.

#include <cstdint>
#include <span>
#include <vector>

#include "media/presentation.hpp"
#include "media/result.hpp"

namespace arina::media {

/// One referenced subsegment.
struct SidxReference {
    ByteRange range;      ///< absolute byte range in the media file
    double start = 0;     ///< seconds: earliest_presentation_time + earlier durations, / timescale
    double duration = 0;  ///< seconds: subsegment_duration / timescale

    friend bool operator==(const SidxReference&, const SidxReference&) = default;
};

/// Parses the first 'sidx' box in `bytes` (boxes before it, such as 'styp', are skipped).
/// `bytes_offset` is the file offset of bytes[0] (SegmentIndexRequest::index_range.begin), so the
/// ranges come out absolute: the first starts at the anchor - the first byte after the sidx box -
/// plus first_offset, and each following one where the previous ended.
///
/// Versions 0 and 1 are read. Refused with BadManifest ("sidx: ..."): truncated boxes, no sidx
/// box, timescale 0, hierarchical indexes (reference_type 1, pointing at further sidx boxes).
Result<std::vector<SidxReference>> parse_sidx(std::span<const std::uint8_t> bytes, std::int64_t bytes_offset);

/// The fragments of a SegmentBase stream: parse_sidx() on the bytes fetched for
/// `request.index_range`, each reference becoming a Fragment of `request.url` with its byte range,
/// duration, start (+ request.start_offset), sequence (1, 2, ...) and discontinuity.
Result<std::vector<Fragment>> fragments_from_index(const SegmentIndexRequest& request,
                                                   std::span<const std::uint8_t> index_bytes);

}  // namespace arina::media
