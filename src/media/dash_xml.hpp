#pragma once
// Internal to the MPD reader: namespace-tolerant element access and the reading of Segment*
// elements (with their inheritance) into the plain structs of dash_segments.hpp.

#include <array>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "media/dash_segments.hpp"

namespace arina::media::dash {

/// Element name without a namespace prefix ("mpd:Period" -> "Period"); MPDs occasionally use one.
std::string_view local_name(const pugi::xml_node& node);

/// First child element with the given local name, or an empty node.
pugi::xml_node child(const pugi::xml_node& node, std::string_view name);

/// An attribute's value, nullopt when absent.
std::optional<std::string_view> attribute(const pugi::xml_node& node, const char* name);

/// The base URL in force inside `node`: its first <BaseURL> resolved against `parent_base`, or
/// `parent_base` when it has none.
std::string base_url_of(const pugi::xml_node& node, std::string_view parent_base);

/// Reads the addressing of one Representation. `levels` are Period, AdaptationSet and
/// Representation (outer to inner): the innermost level with a SegmentTemplate, SegmentList or
/// SegmentBase decides the kind, and that kind's attributes are inherited from outer levels and
/// overridden by inner ones. `where` names the Representation in errors.
Result<DashSegmentInfo> read_segment_info(const std::array<pugi::xml_node, 3>& levels,
                                          std::string_view where);

}  // namespace arina::media::dash
