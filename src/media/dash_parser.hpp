#pragma once
// DASH MPDs (ISO/IEC 23009-1) -> Presentation: one Stream per Representation, fragments expanded
// from SegmentTemplate (with or without SegmentTimeline), SegmentList or SegmentBase.

#include <cstdint>
#include <optional>
#include <string_view>

#include "media/limits.hpp"
#include "media/presentation.hpp"
#include "media/result.hpp"

namespace arina::media {

struct DashOptions {
    /// The current time, seconds since the Unix epoch. Only live (dynamic) MPDs need it: to know
    /// which segments of a SegmentTemplate without SegmentTimeline are published, and where a
    /// final S with r=-1 stops. Without it those MPDs are refused; static MPDs never use it.
    std::optional<double> now;
    /// Refuse MPDs whose segment addressing expands to more fragments than this in one stream, or
    /// in all streams together. Lowering them suits callers that only probe a manifest (and the
    /// fuzzer, which would otherwise spend its time building a million URLs).
    std::int64_t max_fragments_per_stream = kMaxFragmentsPerStream;
    std::int64_t max_fragments_total = kMaxFragmentsTotal;
};

/// Parses the text of an MPD fetched from `base_url` (the URL after redirects; BaseURL elements
/// at MPD, Period, AdaptationSet and Representation level resolve against it in turn).
///
/// Supports static and dynamic MPDs, several Periods (a Representation id must then appear in
/// every Period: its fragments are concatenated, Fragment::discontinuity = Period index),
/// attribute inheritance from AdaptationSet to Representation, SegmentTemplate inheritance from
/// Period to AdaptationSet to Representation, $RepresentationID$ $Number$ $Time$ $Bandwidth$ $$
/// and %0<w>d widths, SegmentTimeline with r=-1, SegmentList with mediaRange, and SegmentBase
/// with indexRange (-> Stream::needs_index).
///
/// Refuses (BadManifest, "MPD: ...") malformed XML, a root other than <MPD>, text larger than
/// kMaxManifestBytes, malformed durations and numbers that address segments, templates that
/// would expand past the fragment limits in DashOptions, timelines with d <= 0 or an unbounded r=-1, and
/// remote (xlink) Periods. Descriptive attributes (width, frameRate...) that fail to parse are
/// left unset instead.
///
/// Lenient where real servers stray from the schema and widely used players (dash.js, Shaka,
/// ffmpeg, yt-dlp) agree on the meaning:
/// - integer attributes (timescale, duration, startNumber, endNumber, presentationTimeOffset,
///   S@t/d/r, bandwidth, width, height...) may be written as integral decimals ("2000000.0",
///   "48000."), with a leading '+', or with an exponent whose value is whole ("2e6");
/// - durations may leave out the T before hours or seconds ("P30S"), but not after months;
/// - date-times may leave out the seconds ("2024-03-01T12:00Z") and write the zone "+0100" or "+01".
/// The strictness that protects against hostile or broken input stays: a value that is not a whole
/// number ("2.5", which each player rounds its own way) is refused naming it, as are negative or
/// zero values where they make no sense, numbers past int64 (past 2^53 in exponent form), "inf",
/// "nan" and hex, and every limit above applies to the value read.
Result<Presentation> parse_dash(std::string_view text, std::string_view base_url,
                                const DashOptions& options = {});

}  // namespace arina::media
