#include "media/dash_xml.hpp"

#include <cmath>
#include <vector>

#include "media/text.hpp"
#include "media/url_resolve.hpp"

namespace arina::media::dash {
namespace {

Error attribute_error(std::string_view element, std::string_view where, std::string_view what) {
    return bad_manifest("MPD: " + std::string(element) + " in " + std::string(where) + " " +
                        std::string(what));
}

/// Why an integer attribute's text was refused, for the error message: "an invalid timescale 'x'", or
/// "a duration '2.5' that is not a whole number" when it is a number that players would each round
/// their own way.
std::string refused_integer(std::string_view name, std::string_view value) {
    const auto number = text::parse_decimal(text::trim(value));
    if (number && std::trunc(*number) != *number) {
        return "a " + std::string(name) + " " + text::quote(value) + " that is not a whole number";
    }
    return "an invalid " + std::string(name) + " " + text::quote(value);
}

/// Reads one integer attribute into `target` if present; `minimum` is the smallest valid value.
std::optional<Error> read_integer(const pugi::xml_node& node, const char* name, std::int64_t minimum,
                                  std::int64_t& target, std::string_view where) {
    const auto value = attribute(node, name);
    if (!value) return std::nullopt;
    const auto number = text::parse_lenient_integer(text::trim(*value));
    if (!number) return attribute_error(local_name(node), where, "has " + refused_integer(name, *value));
    if (*number < minimum) {
        return attribute_error(local_name(node), where,
                               "has an invalid " + std::string(name) + " " + text::quote(*value));
    }
    target = *number;
    return std::nullopt;
}

Result<std::vector<DashTimelineEntry>> read_timeline(const pugi::xml_node& timeline, std::string_view where) {
    std::vector<DashTimelineEntry> entries;
    int index = 0;
    for (const pugi::xml_node& s : timeline.children()) {
        if (local_name(s) != "S") continue;
        ++index;
        // Signs and ranges are checked where the timeline is expanded; here only "is a number".
        DashTimelineEntry entry;
        auto read = [&](const char* name, std::int64_t& target) -> std::optional<Error> {
            const auto value = attribute(s, name);
            if (!value) return std::nullopt;
            const auto number = text::parse_lenient_integer(text::trim(*value));
            if (!number) {
                return attribute_error(
                    "SegmentTimeline", where,
                    "has S element " + std::to_string(index) + " with " + refused_integer(name, *value));
            }
            target = *number;
            return std::nullopt;
        };
        if (attribute(s, "t")) {
            std::int64_t t = 0;
            if (auto error = read("t", t)) return std::move(*error);
            entry.t = t;
        }
        if (!attribute(s, "d")) {
            return attribute_error("SegmentTimeline", where,
                                   "has S element " + std::to_string(index) + " without d");
        }
        if (auto error = read("d", entry.d)) return std::move(*error);
        if (auto error = read("r", entry.r)) return std::move(*error);
        entries.push_back(entry);
    }
    return entries;
}

/// The attributes all Segment* kinds share, inherited along `chain` (outer to inner).
Result<DashSegmentTiming> read_timing(const std::vector<pugi::xml_node>& chain, std::string_view where) {
    DashSegmentTiming timing;
    for (const pugi::xml_node& node : chain) {
        if (auto e = read_integer(node, "timescale", 1, timing.timescale, where)) return std::move(*e);
        if (auto e =
                read_integer(node, "presentationTimeOffset", 0, timing.presentation_time_offset, where)) {
            return std::move(*e);
        }
        if (auto e = read_integer(node, "startNumber", 0, timing.start_number, where)) return std::move(*e);
        if (attribute(node, "duration")) {
            std::int64_t duration = 0;
            if (auto e = read_integer(node, "duration", 1, duration, where)) return std::move(*e);
            timing.duration = duration;
        }
        if (const auto timeline = child(node, "SegmentTimeline")) {
            auto entries = read_timeline(timeline, where);
            if (auto* error = std::get_if<Error>(&entries)) return std::move(*error);
            timing.timeline = std::move(std::get<std::vector<DashTimelineEntry>>(entries));
        }
    }
    return timing;
}

Result<std::optional<DashInitialization>> read_initialization(const std::vector<pugi::xml_node>& chain,
                                                              std::string_view where) {
    std::optional<DashInitialization> result;
    for (const pugi::xml_node& node : chain) {
        const auto init = child(node, "Initialization");
        if (!init) continue;
        DashInitialization initialization;
        initialization.source_url = std::string(text::trim(attribute(init, "sourceURL").value_or("")));
        if (const auto range = attribute(init, "range")) {
            initialization.range = text::parse_inclusive_range(*range);
            if (!initialization.range) {
                return attribute_error("Initialization", where,
                                       "has an invalid range " + text::quote(*range));
            }
        }
        result = std::move(initialization);
    }
    return result;
}

Result<DashSegmentInfo> read_template(const std::vector<pugi::xml_node>& chain, std::string_view where) {
    DashSegmentTemplate tpl;
    auto timing = read_timing(chain, where);
    if (auto* error = std::get_if<Error>(&timing)) return std::move(*error);
    tpl.timing = std::move(std::get<DashSegmentTiming>(timing));
    for (const pugi::xml_node& node : chain) {
        if (const auto media = attribute(node, "media")) tpl.media = std::string(text::trim(*media));
        if (const auto init = attribute(node, "initialization"))
            tpl.initialization = std::string(text::trim(*init));
        if (const auto init = child(node, "Initialization")) {
            // SegmentTemplate derives from SegmentBase, so an <Initialization sourceURL> child is legal too.
            if (const auto source = attribute(init, "sourceURL"))
                tpl.initialization = std::string(text::trim(*source));
        }
        if (attribute(node, "endNumber")) {
            std::int64_t end_number = 0;
            if (auto e = read_integer(node, "endNumber", 0, end_number, where)) return std::move(*e);
            tpl.end_number = end_number;
        }
    }
    return tpl;
}

Result<DashSegmentInfo> read_list(const std::vector<pugi::xml_node>& chain, std::string_view where) {
    DashSegmentList list;
    auto timing = read_timing(chain, where);
    if (auto* error = std::get_if<Error>(&timing)) return std::move(*error);
    list.timing = std::move(std::get<DashSegmentTiming>(timing));
    auto init = read_initialization(chain, where);
    if (auto* error = std::get_if<Error>(&init)) return std::move(*error);
    list.initialization = std::move(std::get<std::optional<DashInitialization>>(init));
    // The segment URLs come from the innermost list that has any.
    for (auto level = chain.rbegin(); level != chain.rend() && list.segments.empty(); ++level) {
        for (const pugi::xml_node& url : level->children()) {
            if (local_name(url) != "SegmentURL") continue;
            DashSegmentUrl segment;
            segment.media = std::string(text::trim(attribute(url, "media").value_or("")));
            if (const auto range = attribute(url, "mediaRange")) {
                segment.media_range = text::parse_inclusive_range(*range);
                if (!segment.media_range) {
                    return attribute_error("SegmentURL", where,
                                           "has an invalid mediaRange " + text::quote(*range));
                }
            }
            list.segments.push_back(std::move(segment));
        }
    }
    return list;
}

Result<DashSegmentInfo> read_base(const std::vector<pugi::xml_node>& chain, std::string_view where) {
    DashSegmentBase base;
    auto timing = read_timing(chain, where);
    if (auto* error = std::get_if<Error>(&timing)) return std::move(*error);
    base.timing = std::move(std::get<DashSegmentTiming>(timing));
    auto init = read_initialization(chain, where);
    if (auto* error = std::get_if<Error>(&init)) return std::move(*error);
    base.initialization = std::move(std::get<std::optional<DashInitialization>>(init));
    for (const pugi::xml_node& node : chain) {
        if (const auto range = attribute(node, "indexRange")) {
            base.index_range = text::parse_inclusive_range(*range);
            if (!base.index_range) {
                return attribute_error("SegmentBase", where,
                                       "has an invalid indexRange " + text::quote(*range));
            }
        }
    }
    return base;
}

}  // namespace

std::string_view local_name(const pugi::xml_node& node) {
    const std::string_view name = node.name();
    const auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& node, std::string_view name) {
    for (const pugi::xml_node& c : node.children()) {
        if (c.type() == pugi::node_element && local_name(c) == name) return c;
    }
    return {};
}

std::optional<std::string_view> attribute(const pugi::xml_node& node, const char* name) {
    const pugi::xml_attribute a = node.attribute(name);
    if (!a) return std::nullopt;
    return std::string_view(a.value());
}

std::string base_url_of(const pugi::xml_node& node, std::string_view parent_base) {
    const auto base = child(node, "BaseURL");
    if (!base) return std::string(parent_base);
    const std::string_view url = text::trim(base.child_value());
    return url.empty() ? std::string(parent_base) : resolve_url(parent_base, url);
}

Result<DashSegmentInfo> read_segment_info(const std::array<pugi::xml_node, 3>& levels,
                                          std::string_view where) {
    static constexpr std::array<std::string_view, 3> kKinds = {"SegmentTemplate", "SegmentList",
                                                               "SegmentBase"};
    std::string_view kind;
    for (auto level = levels.rbegin(); level != levels.rend() && kind.empty(); ++level) {
        for (std::string_view candidate : kKinds) {
            if (child(*level, candidate)) {
                kind = candidate;
                break;
            }
        }
    }
    if (kind.empty()) return DashSingleFile{};
    std::vector<pugi::xml_node> chain;
    for (const pugi::xml_node& level : levels) {
        if (const auto node = child(level, kind)) chain.push_back(node);
    }
    if (kind == "SegmentTemplate") return read_template(chain, where);
    if (kind == "SegmentList") return read_list(chain, where);
    return read_base(chain, where);
}

}  // namespace arina::media::dash
