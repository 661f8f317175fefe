#pragma once
// Internal to the MPD reader: one Period's AdaptationSets and Representations -> Streams.

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "media/presentation.hpp"
#include "media/result.hpp"

namespace arina::media::dash {

struct PeriodContext {
    int index = 0;     ///< 0-based position among the MPD's Periods; becomes Fragment::discontinuity
    double start = 0;  ///< seconds on the MPD timeline
    std::optional<double> duration;  ///< seconds, when known
    std::string base_url;            ///< with MPD and Period BaseURLs applied
    bool is_live = false;
    std::optional<double> elapsed;  ///< live: seconds from the Period start to now
    std::optional<double> time_shift_buffer_depth;
    std::int64_t max_fragments_per_stream = 0;
    std::int64_t max_fragments_total = 0;
};

/// The Streams of one Period, fragments expanded. `fragment_budget` is what the whole MPD may
/// still produce; it is decreased by the fragments returned.
Result<std::vector<Stream>> read_period(const pugi::xml_node& period, const PeriodContext& context,
                                        std::int64_t& fragment_budget);

}  // namespace arina::media::dash
