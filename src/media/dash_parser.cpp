#include "media/dash_parser.hpp"

#include <map>
#include <string>
#include <vector>

#include "media/dash_period.hpp"
#include "media/dash_xml.hpp"
#include "media/iso8601.hpp"
#include "media/limits.hpp"
#include "media/text.hpp"

namespace arina::media {
namespace {

/// MPD-level values everything else depends on.
struct MpdHeader {
    bool is_live = false;
    std::optional<double> media_presentation_duration;
    std::optional<double> minimum_update_period;
    std::optional<double> availability_start_time;
    std::optional<double> time_shift_buffer_depth;
};

Result<std::optional<double>> read_duration(const pugi::xml_node& node, const char* name,
                                            std::string_view owner) {
    const auto value = dash::attribute(node, name);
    if (!value) return std::optional<double>{};
    const auto seconds = parse_iso8601_duration(*value);
    if (!seconds) {
        return bad_manifest("MPD: " + std::string(owner) + " " + name + " " + text::quote(*value) +
                            " is not an ISO 8601 duration");
    }
    if (*seconds > kMaxDurationSeconds) {
        return bad_manifest("MPD: " + std::string(owner) + " " + name + " " + text::quote(*value) +
                            " is too long");
    }
    return seconds;
}

Result<MpdHeader> read_header(const pugi::xml_node& mpd) {
    MpdHeader header;
    const std::string_view type = text::trim(dash::attribute(mpd, "type").value_or("static"));
    if (type != "static" && type != "dynamic") {
        return bad_manifest("MPD: type " + text::quote(type) + " is neither static nor dynamic");
    }
    header.is_live = type == "dynamic";
    const std::pair<const char*, std::optional<double>*> durations[] = {
        {"mediaPresentationDuration", &header.media_presentation_duration},
        {"minimumUpdatePeriod", &header.minimum_update_period},
        {"timeShiftBufferDepth", &header.time_shift_buffer_depth},
    };
    for (const auto& [name, target] : durations) {
        auto parsed = read_duration(mpd, name, "MPD");
        if (auto* error = std::get_if<Error>(&parsed)) return std::move(*error);
        *target = std::get<std::optional<double>>(parsed);
    }
    if (const auto start = dash::attribute(mpd, "availabilityStartTime")) {
        header.availability_start_time = parse_iso8601_datetime(*start);
        if (!header.availability_start_time) {
            return bad_manifest("MPD: availabilityStartTime " + text::quote(*start) +
                                " is not an ISO 8601 date-time");
        }
    }
    return header;
}

/// The Periods to read: remote Periods that resolve to nothing are dropped, others refused.
Result<std::vector<pugi::xml_node>> local_periods(const pugi::xml_node& mpd) {
    std::vector<pugi::xml_node> periods;
    for (const pugi::xml_node& period : mpd.children()) {
        if (dash::local_name(period) != "Period") continue;
        if (const auto href = dash::attribute(period, "xlink:href")) {
            if (text::trim(*href) == "urn:mpeg:dash:resolve-to-zero:2013") continue;
            return bad_manifest("MPD: Period " + std::to_string(periods.size() + 1) +
                                " is remote (xlink:href), which is not supported");
        }
        periods.push_back(period);
    }
    if (periods.empty()) return bad_manifest("MPD: no Period");
    return periods;
}

/// §5.3.2.1: a Period starts at @start, else where the previous one ended; it lasts @duration,
/// else until the next one starts, else (the last) until mediaPresentationDuration.
Result<std::vector<dash::PeriodContext>> period_timing(const std::vector<pugi::xml_node>& periods,
                                                       const MpdHeader& header) {
    std::vector<std::optional<double>> starts;
    std::vector<std::optional<double>> durations;
    for (std::size_t i = 0; i < periods.size(); ++i) {
        const std::string owner = "Period " + std::to_string(i + 1);
        auto start = read_duration(periods[i], "start", owner);
        if (auto* error = std::get_if<Error>(&start)) return std::move(*error);
        auto duration = read_duration(periods[i], "duration", owner);
        if (auto* error = std::get_if<Error>(&duration)) return std::move(*error);
        starts.push_back(std::get<std::optional<double>>(start));
        durations.push_back(std::get<std::optional<double>>(duration));
    }
    std::vector<dash::PeriodContext> timing(periods.size());
    for (std::size_t i = 0; i < periods.size(); ++i) {
        auto& context = timing[i];
        context.index = static_cast<int>(i);
        if (starts[i]) {
            context.start = *starts[i];
        } else if (i > 0 && timing[i - 1].duration) {
            context.start = timing[i - 1].start + *timing[i - 1].duration;
        } else if (i > 0) {
            return bad_manifest("MPD: Period " + std::to_string(i + 1) +
                                " has no start and the Period before it has no duration");
        }
        if (durations[i]) {
            context.duration = durations[i];
        } else if (i + 1 < periods.size() && starts[i + 1]) {
            context.duration = std::max(0.0, *starts[i + 1] - context.start);
        } else if (i + 1 == periods.size() && header.media_presentation_duration) {
            context.duration = std::max(0.0, *header.media_presentation_duration - context.start);
        }
    }
    return timing;
}

/// Joins the Periods' Streams by Representation id. Each Period's fragments follow the previous
/// Period's; a different init section becomes an InitSwitch.
Result<std::vector<Stream>> join_periods(std::vector<std::vector<Stream>> periods,
                                         std::int64_t max_fragments_per_stream) {
    std::vector<Stream> joined;
    std::size_t first_period = 0;
    for (std::size_t p = 0; p < periods.size(); ++p) {
        if (periods[p].empty()) continue;  // an empty Period (e.g. a gap) adds nothing
        if (joined.empty()) {
            joined = std::move(periods[p]);
            first_period = p;
            continue;
        }
        std::map<std::string, Stream*> by_id;
        for (Stream& stream : periods[p]) by_id[stream.id] = &stream;
        const std::string periods_named = "(Period " + std::to_string(first_period + 1) + " and Period " +
                                          std::to_string(p + 1) + " list different Representation ids)";
        const auto differing = bad_manifest(
            "MPD: multi-period MPD with differing representations is not supported " + periods_named);
        if (by_id.size() != joined.size()) return differing;
        for (Stream& stream : joined) {
            const auto match = by_id.find(stream.id);
            if (match == by_id.end()) return differing;
            Stream& next = *match->second;
            if (stream.needs_index || next.needs_index) {
                return bad_manifest("MPD: multi-period MPD with SegmentBase index ranges is not supported");
            }
            if (stream.fragments.size() + next.fragments.size() >
                static_cast<std::size_t>(max_fragments_per_stream)) {
                return bad_manifest("MPD: Representation " + text::quote(stream.id) + " has more than " +
                                    std::to_string(max_fragments_per_stream) + " fragments over all Periods");
            }
            if (next.fragments.empty()) continue;  // a zero-length Period: nothing to join
            const Fragment* current = init_for(stream, stream.fragments.size());
            if (next.init && (!current || current->url != next.init->url ||
                              current->byte_range != next.init->byte_range)) {
                if (stream.fragments.empty()) {
                    stream.init = std::move(next.init);
                } else {
                    stream.init_switches.push_back(
                        InitSwitch{stream.fragments.size(), std::move(*next.init)});
                }
            }
            stream.fragments.insert(stream.fragments.end(), std::make_move_iterator(next.fragments.begin()),
                                    std::make_move_iterator(next.fragments.end()));
        }
    }
    return joined;
}

}  // namespace

Result<Presentation> parse_dash(std::string_view text, std::string_view base_url,
                                const DashOptions& options) {
    if (text.size() > kMaxManifestBytes) {
        return bad_manifest("MPD is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                            std::to_string(kMaxManifestBytes));
    }
    pugi::xml_document document;
    const pugi::xml_parse_result parsed = document.load_buffer(text.data(), text.size());
    if (!parsed) {
        return bad_manifest("MPD: malformed XML at offset " + std::to_string(parsed.offset) + ": " +
                            parsed.description());
    }
    const pugi::xml_node mpd = document.document_element();
    if (dash::local_name(mpd) != "MPD") {
        return bad_manifest("MPD: the root element is <" + std::string(mpd.name()) + ">, not <MPD>");
    }
    auto header_or_error = read_header(mpd);
    if (auto* error = std::get_if<Error>(&header_or_error)) return std::move(*error);
    const MpdHeader& header = std::get<MpdHeader>(header_or_error);

    auto periods_or_error = local_periods(mpd);
    if (auto* error = std::get_if<Error>(&periods_or_error)) return std::move(*error);
    const auto& periods = std::get<std::vector<pugi::xml_node>>(periods_or_error);
    auto timing_or_error = period_timing(periods, header);
    if (auto* error = std::get_if<Error>(&timing_or_error)) return std::move(*error);
    auto& timing = std::get<std::vector<dash::PeriodContext>>(timing_or_error);

    const std::string mpd_base = dash::base_url_of(mpd, base_url);
    std::int64_t fragment_budget = options.max_fragments_total;
    std::vector<std::vector<Stream>> period_streams;
    for (std::size_t i = 0; i < periods.size(); ++i) {
        dash::PeriodContext& context = timing[i];
        context.base_url = dash::base_url_of(periods[i], mpd_base);
        context.is_live = header.is_live;
        context.time_shift_buffer_depth = header.time_shift_buffer_depth;
        context.max_fragments_per_stream = options.max_fragments_per_stream;
        context.max_fragments_total = options.max_fragments_total;
        if (header.is_live && options.now) {
            context.elapsed = *options.now - header.availability_start_time.value_or(0) - context.start;
        }
        auto streams = dash::read_period(periods[i], context, fragment_budget);
        if (auto* error = std::get_if<Error>(&streams)) return std::move(*error);
        period_streams.push_back(std::move(std::get<std::vector<Stream>>(streams)));
    }
    auto joined = join_periods(std::move(period_streams), options.max_fragments_per_stream);
    if (auto* error = std::get_if<Error>(&joined)) return std::move(*error);

    Presentation presentation;
    presentation.kind = ManifestKind::Dash;
    presentation.is_live = header.is_live;
    presentation.duration = header.media_presentation_duration;
    if (!presentation.duration && !header.is_live && timing.back().duration) {
        presentation.duration = timing.back().start + *timing.back().duration;
    }
    presentation.refresh_interval = header.minimum_update_period.value_or(0);
    presentation.availability_start_time = header.availability_start_time;
    presentation.time_shift_buffer_depth = header.time_shift_buffer_depth;
    presentation.streams = std::move(std::get<std::vector<Stream>>(joined));
    if (presentation.streams.empty()) return bad_manifest("MPD: no Representation in any Period");
    return presentation;
}

}  // namespace arina::media
