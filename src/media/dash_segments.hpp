#pragma once
// DASH segment addressing as plain data, and its expansion into fragments. The MPD reader
// (dash_parser.cpp) fills these structs from the XML with the inheritance between Period,
// AdaptationSet and Representation already applied; everything here is arithmetic on them, kept
// apart so it can be tested and bounded without XML.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "media/presentation.hpp"
#include "media/result.hpp"

namespace arina::media {

/// One <S t d r> of a SegmentTimeline, in timescale units.
struct DashTimelineEntry {
    std::optional<std::int64_t> t;  ///< start; absent = right after the previous entry
    std::int64_t d = 0;             ///< duration, > 0
    std::int64_t r = 0;             ///< repeats after the first; -1 = until the next t or the end
};

/// <Initialization sourceURL range> (or SegmentTemplate@initialization).
struct DashInitialization {
    std::string source_url;  ///< empty = the Representation's BaseURL
    std::optional<ByteRange> range;
};

/// Attributes every Segment* element shares (MultipleSegmentBaseType / SegmentBaseType).
struct DashSegmentTiming {
    std::int64_t timescale = 1;
    std::int64_t presentation_time_offset = 0;
    std::int64_t start_number = 1;
    std::optional<std::int64_t> duration;  ///< per-segment duration in timescale units
    std::optional<std::vector<DashTimelineEntry>> timeline;
};

struct DashSegmentTemplate {
    DashSegmentTiming timing;
    std::string media;                       ///< template text, e.g. "$RepresentationID$/$Number%05d$.m4s"
    std::string initialization;              ///< template text, may be empty
    std::optional<std::int64_t> end_number;  ///< DASH 4th edition @endNumber
};

struct DashSegmentUrl {
    std::string media;  ///< empty = the Representation's BaseURL
    std::optional<ByteRange> media_range;
};

struct DashSegmentList {
    DashSegmentTiming timing;
    std::optional<DashInitialization> initialization;
    std::vector<DashSegmentUrl> segments;
};

struct DashSegmentBase {
    DashSegmentTiming timing;
    std::optional<ByteRange> index_range;
    std::optional<DashInitialization> initialization;
};

/// No Segment* element: the Representation is the single file at its BaseURL.
struct DashSingleFile {};

using DashSegmentInfo = std::variant<DashSingleFile, DashSegmentTemplate, DashSegmentList, DashSegmentBase>;

/// What the planner needs to know about the Representation and its Period.
struct DashSegmentContext {
    std::string where;  ///< "Representation 'v1'", for error messages
    std::string representation_id;
    std::int64_t bandwidth = 0;
    std::string base_url;  ///< absolute, all BaseURL levels applied
    double period_start = 0;
    std::optional<double> period_duration;
    int period_index = 0;
    bool is_live = false;
    /// Live only: seconds between the Period start and now (from DashOptions::now); lets a live
    /// template without timeline, or r=-1 in the last S, know where the published segments end.
    std::optional<double> elapsed_in_period;
    std::optional<double> time_shift_buffer_depth;
    /// Fragments this Representation may still have before a limit is exceeded, and the limits
    /// themselves (for the error message).
    std::int64_t fragment_budget = 0;
    std::int64_t max_fragments_per_stream = 0;
    std::int64_t max_fragments_total = 0;
};

struct DashSegmentPlan {
    std::optional<Fragment> init;
    std::vector<Fragment> fragments;
    std::optional<SegmentIndexRequest> needs_index;
};

/// Expands the addressing of one Representation in one Period into fragments. Errors are
/// BadManifest "MPD: ..." naming context.where.
Result<DashSegmentPlan> plan_dash_segments(const DashSegmentInfo& info, const DashSegmentContext& context);

}  // namespace arina::media
