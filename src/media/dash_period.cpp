#include "media/dash_period.hpp"

#include <algorithm>
#include <array>

#include "media/codecs.hpp"
#include "media/dash_segments.hpp"
#include "media/dash_xml.hpp"
#include "media/text.hpp"
#include "media/unique_ids.hpp"

namespace arina::media::dash {
namespace {

/// A Representation's attribute, else its AdaptationSet's (§5.3.7: common attributes inherit).
struct Inherited {
    const pugi::xml_node& adaptation_set;
    const pugi::xml_node& representation;

    std::string_view operator()(const char* name) const {
        if (const auto own = attribute(representation, name)) return text::trim(*own);
        return text::trim(attribute(adaptation_set, name).value_or(""));
    }
    pugi::xml_node child_element(std::string_view name) const {
        const auto own = child(representation, name);
        return own ? own : child(adaptation_set, name);
    }
};

std::optional<int> parse_dimension(std::string_view text) {
    const auto value = text::parse_lenient_non_negative(text);
    if (!value || *value > (1 << 20)) return std::nullopt;
    return static_cast<int>(*value);
}

// @frameRate is "25", "29.97" or a ratio "30000/1001".
std::optional<double> parse_frame_rate(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        const auto rate = text::parse_decimal(text);
        return rate && *rate > 0 ? rate : std::nullopt;
    }
    const auto numerator = text::parse_lenient_non_negative(text::trim(text.substr(0, slash)));
    const auto denominator = text::parse_lenient_non_negative(text::trim(text.substr(slash + 1)));
    if (!numerator || !denominator || *denominator == 0 || *numerator == 0) return std::nullopt;
    return static_cast<double>(*numerator) / static_cast<double>(*denominator);
}

// Only the MPEG scheme's value is a channel count; Dolby's is a hex bitmask and CICP's an index.
std::optional<int> channel_count(const pugi::xml_node& configuration) {
    if (attribute(configuration, "schemeIdUri") != "urn:mpeg:dash:23003:3:audio_channel_configuration:2011") {
        return std::nullopt;
    }
    const auto count =
        text::parse_lenient_non_negative(text::trim(attribute(configuration, "value").value_or("")));
    if (!count || *count > 1024) return std::nullopt;
    return static_cast<int>(*count);
}

StreamType stream_type(std::string_view content_type, std::string_view mime_type, std::string_view codecs,
                       bool has_width) {
    const CodecSummary summary = summarize_codecs(codecs);
    if (summary.video && summary.audio) return StreamType::Muxed;
    if (content_type == "video") return StreamType::Video;
    if (content_type == "audio") return StreamType::Audio;
    if (content_type == "text") return StreamType::Subtitle;
    if (mime_type.starts_with("video/")) return StreamType::Video;
    if (mime_type.starts_with("audio/")) return StreamType::Audio;
    if (mime_type.starts_with("text/") || mime_type == "application/ttml+xml") return StreamType::Subtitle;
    if (summary.subtitle) return StreamType::Subtitle;  // application/mp4 with stpp or wvtt
    if (summary.video || has_width) return StreamType::Video;
    if (summary.audio) return StreamType::Audio;
    return StreamType::Muxed;
}

// The descriptive fields, which the format selector reads; all but the id may be inherited.
void describe(const Inherited& inherited, Stream& stream) {
    stream.bandwidth = text::parse_lenient_non_negative(inherited("bandwidth")).value_or(0);
    stream.width = parse_dimension(inherited("width"));
    stream.height = parse_dimension(inherited("height"));
    stream.frame_rate = parse_frame_rate(inherited("frameRate"));
    stream.codecs = std::string(inherited("codecs"));
    stream.mime_type = std::string(inherited("mimeType"));
    stream.language = std::string(inherited("lang"));
    if (const auto label = inherited.child_element("Label")) stream.name = text::trim(label.child_value());
    // "44100", or "24000 48000" for a range (HE-AAC); the first is the output rate.
    const std::string_view sampling = inherited("audioSamplingRate");
    if (const auto rate = text::parse_lenient_non_negative(sampling.substr(0, sampling.find(' ')));
        rate && *rate <= 10'000'000) {
        stream.sample_rate = static_cast<int>(*rate);
    }
    if (const auto channels = inherited.child_element("AudioChannelConfiguration")) {
        stream.audio_channels = channel_count(channels);
    }
    stream.drm_protected = bool(inherited.child_element("ContentProtection"));
    stream.container = container_from_mime(stream.mime_type);
    stream.type = stream_type(text::to_lower(inherited("contentType")), text::to_lower(stream.mime_type),
                              stream.codecs, stream.width.has_value());
}

// Whether any level names a file: a Representation with no Segment* element is that file.
bool has_base_url(const std::array<pugi::xml_node, 3>& levels) {
    return std::any_of(levels.begin(), levels.end(),
                       [](const pugi::xml_node& n) { return bool(child(n, "BaseURL")); });
}

}  // namespace

Result<std::vector<Stream>> read_period(const pugi::xml_node& period, const PeriodContext& context,
                                        std::int64_t& fragment_budget) {
    std::vector<Stream> streams;
    UniqueIds ids;
    int set_index = -1;
    for (const pugi::xml_node& adaptation_set : period.children()) {
        if (local_name(adaptation_set) != "AdaptationSet") continue;
        ++set_index;
        const std::string set_base = base_url_of(adaptation_set, context.base_url);
        int representation_index = -1;
        for (const pugi::xml_node& representation : adaptation_set.children()) {
            if (local_name(representation) != "Representation") continue;
            ++representation_index;
            const Inherited inherited{adaptation_set, representation};

            Stream stream;
            std::string id(text::trim(attribute(representation, "id").value_or("")));
            if (id.empty()) {
                id = "dash-" + std::to_string(context.index) + "-" + std::to_string(set_index) + "-" +
                     std::to_string(representation_index);
            }
            const std::string where = "Representation " + text::quote(id);
            stream.id = ids.claim(id);
            describe(inherited, stream);

            const std::array<pugi::xml_node, 3> levels{period, adaptation_set, representation};
            auto info = read_segment_info(levels, where);
            if (auto* error = std::get_if<Error>(&info)) return std::move(*error);
            if (std::holds_alternative<DashSingleFile>(std::get<DashSegmentInfo>(info)) &&
                !has_base_url(levels)) {
                return bad_manifest(
                    "MPD: " + where +
                    " has no segment information (no SegmentTemplate, SegmentList, SegmentBase or "
                    "BaseURL)");
            }

            DashSegmentContext segment_context;
            segment_context.where = where;
            segment_context.representation_id =
                std::string(text::trim(attribute(representation, "id").value_or("")));
            segment_context.bandwidth = stream.bandwidth;
            segment_context.base_url = base_url_of(representation, set_base);
            segment_context.period_start = context.start;
            segment_context.period_duration = context.duration;
            segment_context.period_index = context.index;
            segment_context.is_live = context.is_live;
            segment_context.elapsed_in_period = context.elapsed;
            segment_context.time_shift_buffer_depth = context.time_shift_buffer_depth;
            segment_context.fragment_budget = std::min(context.max_fragments_per_stream, fragment_budget);
            segment_context.max_fragments_per_stream = context.max_fragments_per_stream;
            segment_context.max_fragments_total = context.max_fragments_total;
            auto plan = plan_dash_segments(std::get<DashSegmentInfo>(info), segment_context);
            if (auto* error = std::get_if<Error>(&plan)) return std::move(*error);
            auto& segments = std::get<DashSegmentPlan>(plan);
            fragment_budget -= static_cast<std::int64_t>(segments.fragments.size());
            stream.init = std::move(segments.init);
            stream.fragments = std::move(segments.fragments);
            stream.needs_index = std::move(segments.needs_index);
            streams.push_back(std::move(stream));
        }
    }
    return streams;
}

}  // namespace arina::media::dash
