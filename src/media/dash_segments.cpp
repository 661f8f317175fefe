#include "media/dash_segments.hpp"

#include <cmath>

#include "media/dash_template.hpp"
#include "media/url_resolve.hpp"

namespace arina::media {
namespace {

Error error_in(const DashSegmentContext& context, std::string_view element, std::string_view what) {
    return bad_manifest("MPD: " + std::string(element) + " in " + context.where + " " + std::string(what));
}

Error too_many(const DashSegmentContext& context, std::string_view element) {
    return error_in(context, element,
                    "would have more segments than the limit of " +
                        std::to_string(context.max_fragments_per_stream) + " per stream (" +
                        std::to_string(context.max_fragments_total) + " in total)");
}

// Seconds -> timescale units, refusing what does not fit comfortably in int64 (an absurd period
// length combined with a huge timescale).
std::optional<std::int64_t> to_ticks(double seconds, std::int64_t timescale) {
    const double ticks = seconds * static_cast<double>(timescale);
    if (!std::isfinite(ticks) || ticks < 0 || ticks > 4e18) return std::nullopt;
    return static_cast<std::int64_t>(ticks);
}

Fragment make_init(const DashSegmentContext& context, const DashInitialization& init) {
    Fragment fragment;
    fragment.url =
        init.source_url.empty() ? context.base_url : resolve_url(context.base_url, init.source_url);
    fragment.byte_range = init.range;
    fragment.start = context.period_start;
    fragment.discontinuity = context.period_index;
    return fragment;
}

/// A segment of an expanded timeline, in timescale units.
struct TimedSegment {
    std::int64_t time = 0;
    std::int64_t duration = 0;
};

// Where a final r=-1 stops, in timescale units: the period end or, live, the last segment
// completed by now.
struct TimelineEnd {
    std::int64_t time = 0;
    bool complete_segments_only = false;
};

std::optional<TimelineEnd> timeline_end(const DashSegmentContext& context, const DashSegmentTiming& timing) {
    const auto pto = timing.presentation_time_offset;
    if (context.period_duration) {
        const auto ticks = to_ticks(*context.period_duration, timing.timescale);
        if (ticks && *ticks <= INT64_MAX - pto) return TimelineEnd{pto + *ticks, false};
    } else if (context.elapsed_in_period) {
        const auto ticks = to_ticks(std::max(0.0, *context.elapsed_in_period), timing.timescale);
        if (ticks && *ticks <= INT64_MAX - pto) return TimelineEnd{pto + *ticks, true};
    }
    return std::nullopt;
}

// §5.3.9.6: each S is r+1 segments of duration d from t; r=-1 repeats up to the next S's t or the
// end. Counts are computed before any segment is produced, so a huge r costs nothing but an error.
Result<std::vector<TimedSegment>> expand_timeline(const DashSegmentContext& context,
                                                  const DashSegmentTiming& timing) {
    const auto& entries = *timing.timeline;
    std::vector<TimedSegment> segments;
    std::int64_t cursor = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const DashTimelineEntry& s = entries[i];
        const std::string which = "S element " + std::to_string(i + 1);
        if ((s.t && *s.t < 0) || s.d <= 0 || s.r < -1) {
            const std::string attribute = s.d <= 0   ? "d=" + std::to_string(s.d)
                                          : s.r < -1 ? "r=" + std::to_string(s.r)
                                                     : "t=" + std::to_string(*s.t);
            return error_in(context, "SegmentTimeline",
                            "has " + which + " with " + attribute + " (t must be >= 0, d > 0, r >= -1)");
        }
        if (s.t) cursor = *s.t;
        std::int64_t count = 0;
        if (s.r >= 0) {
            count = s.r + 1;
        } else {
            std::int64_t end = 0;
            bool round_up = true;
            if (i + 1 < entries.size() && entries[i + 1].t) {
                end = *entries[i + 1].t;
            } else if (i + 1 < entries.size()) {
                return error_in(context, "SegmentTimeline",
                                "has r=-1 in " + which + " but the next S element has no t");
            } else if (const auto period_end = timeline_end(context, timing)) {
                end = period_end->time;
                round_up = !period_end->complete_segments_only;
            } else {
                return error_in(
                    context, "SegmentTimeline",
                    "repeats " + which + " until the period end (r=-1), but the period end is unknown");
            }
            const std::int64_t span = end > cursor ? end - cursor : 0;
            count = span / s.d + (round_up && span % s.d != 0 ? 1 : 0);
        }
        if (count > context.fragment_budget - static_cast<std::int64_t>(segments.size())) {
            return too_many(context, "SegmentTimeline");
        }
        std::int64_t span = 0;
        if (__builtin_mul_overflow(count, s.d, &span) || __builtin_add_overflow(cursor, span, &span)) {
            return error_in(context, "SegmentTimeline", "overflows the 64-bit time range at " + which);
        }
        for (std::int64_t k = 0; k < count; ++k) segments.push_back(TimedSegment{cursor + k * s.d, s.d});
        cursor = span;
    }
    return segments;
}

Result<DashSegmentPlan> plan_template(const DashSegmentTemplate& tpl, const DashSegmentContext& context) {
    constexpr std::string_view kElement = "SegmentTemplate";
    const DashSegmentTiming& timing = tpl.timing;
    if (tpl.media.empty()) return error_in(context, kElement, "has no media attribute");
    auto media = DashUrlTemplate::compile(tpl.media);
    if (auto* error = std::get_if<Error>(&media))
        return error_in(context, kElement, "media: " + error->message);
    const auto& media_template = std::get<DashUrlTemplate>(media);

    DashUrlTemplate::Values values;
    values.representation_id = context.representation_id;
    values.bandwidth = context.bandwidth;
    values.number = timing.start_number;
    values.time = timing.presentation_time_offset;

    DashSegmentPlan plan;
    if (!tpl.initialization.empty()) {
        auto init = DashUrlTemplate::compile(tpl.initialization);
        if (auto* error = std::get_if<Error>(&init)) {
            return error_in(context, kElement, "initialization: " + error->message);
        }
        plan.init =
            make_init(context, DashInitialization{std::get<DashUrlTemplate>(init).expand(values), {}});
    }

    const double timescale = static_cast<double>(timing.timescale);
    auto add_fragment = [&](std::int64_t number, std::int64_t time, double start, double duration) {
        values.number = number;
        values.time = time;
        Fragment fragment;
        fragment.url = resolve_url(context.base_url, media_template.expand(values));
        fragment.sequence = number;
        fragment.start = start;
        fragment.duration = duration;
        fragment.discontinuity = context.period_index;
        plan.fragments.push_back(std::move(fragment));
    };

    if (timing.timeline) {
        auto expanded = expand_timeline(context, timing);
        if (auto* error = std::get_if<Error>(&expanded)) return std::move(*error);
        const auto& segments = std::get<std::vector<TimedSegment>>(expanded);
        const std::int64_t count = static_cast<std::int64_t>(segments.size());
        if (timing.start_number > INT64_MAX - count)
            return error_in(context, kElement, "startNumber overflows");
        plan.fragments.reserve(segments.size());
        for (std::int64_t k = 0; k < count; ++k) {
            const TimedSegment& segment = segments[static_cast<std::size_t>(k)];
            const double start =
                context.period_start +
                static_cast<double>(segment.time - timing.presentation_time_offset) / timescale;
            add_fragment(timing.start_number + k, segment.time, start,
                         static_cast<double>(segment.duration) / timescale);
        }
        return plan;
    }

    if (!timing.duration) return error_in(context, kElement, "has neither duration nor SegmentTimeline");
    // Number-based: segment k covers [k*d, (k+1)*d) of the period, the last one cut at its end.
    const double segment_seconds = static_cast<double>(*timing.duration) / timescale;
    double first = 0;
    double end = 0;
    if (context.period_duration) {
        end = std::ceil(*context.period_duration / segment_seconds - 1e-9);
    } else if (!context.is_live) {
        return error_in(context, kElement,
                        "needs the period duration, but neither Period@duration nor "
                        "MPD@mediaPresentationDuration is set");
    }
    if (context.is_live && !context.period_duration && !context.elapsed_in_period) {
        return error_in(context, kElement,
                        "without SegmentTimeline in a live MPD is not supported without the current time");
    }
    if (context.is_live && context.elapsed_in_period) {
        // Published so far: the segments that have completed by now, within the time-shift buffer.
        const double elapsed = std::max(0.0, *context.elapsed_in_period);
        const double available = std::floor(elapsed / segment_seconds + 1e-9);
        end = context.period_duration ? std::min(end, available) : available;
        if (context.time_shift_buffer_depth) {
            first = std::max(0.0, std::floor((elapsed - *context.time_shift_buffer_depth) / segment_seconds));
        }
    }
    if (tpl.end_number && *tpl.end_number >= timing.start_number) {
        end = std::min(end, static_cast<double>(*tpl.end_number - timing.start_number) + 1);
    }
    if (!std::isfinite(end) || end - first > static_cast<double>(context.fragment_budget)) {
        return too_many(context, kElement);
    }
    if (end > 4e18) return error_in(context, kElement, "overflows the 64-bit number or time range");
    const auto first_index = static_cast<std::int64_t>(first);
    const auto end_index = std::max(first_index, static_cast<std::int64_t>(end));
    std::int64_t last_time = 0;
    if (timing.start_number > INT64_MAX - end_index ||
        __builtin_mul_overflow(end_index, *timing.duration, &last_time) ||
        __builtin_add_overflow(last_time, timing.presentation_time_offset, &last_time)) {
        return error_in(context, kElement, "overflows the 64-bit number or time range");
    }
    plan.fragments.reserve(static_cast<std::size_t>(end_index - first_index));
    for (std::int64_t k = first_index; k < end_index; ++k) {
        const double offset = static_cast<double>(k) * segment_seconds;
        double duration = segment_seconds;
        if (context.period_duration) duration = std::min(duration, *context.period_duration - offset);
        add_fragment(timing.start_number + k, timing.presentation_time_offset + k * *timing.duration,
                     context.period_start + offset, duration);
    }
    return plan;
}

Result<DashSegmentPlan> plan_list(const DashSegmentList& list, const DashSegmentContext& context) {
    constexpr std::string_view kElement = "SegmentList";
    const DashSegmentTiming& timing = list.timing;
    if (list.segments.empty()) return error_in(context, kElement, "has no SegmentURL");
    const auto count = static_cast<std::int64_t>(list.segments.size());
    if (count > context.fragment_budget) return too_many(context, kElement);
    if (timing.start_number > INT64_MAX - count) return error_in(context, kElement, "startNumber overflows");

    // Durations come from the timeline when there is one, else from @duration, else (a single
    // segment) from the period.
    std::vector<TimedSegment> timed;
    if (timing.timeline) {
        auto expanded = expand_timeline(context, timing);
        if (auto* error = std::get_if<Error>(&expanded)) return std::move(*error);
        timed = std::move(std::get<std::vector<TimedSegment>>(expanded));
    }
    const double timescale = static_cast<double>(timing.timescale);
    DashSegmentPlan plan;
    if (list.initialization) plan.init = make_init(context, *list.initialization);
    double start = context.period_start;
    for (std::int64_t i = 0; i < count; ++i) {
        const DashSegmentUrl& segment = list.segments[static_cast<std::size_t>(i)];
        Fragment fragment;
        fragment.url =
            segment.media.empty() ? context.base_url : resolve_url(context.base_url, segment.media);
        fragment.byte_range = segment.media_range;
        fragment.sequence = timing.start_number + i;
        fragment.discontinuity = context.period_index;
        if (static_cast<std::size_t>(i) < timed.size()) {
            const TimedSegment& t = timed[static_cast<std::size_t>(i)];
            start = context.period_start +
                    static_cast<double>(t.time - timing.presentation_time_offset) / timescale;
            fragment.duration = static_cast<double>(t.duration) / timescale;
        } else if (timing.duration) {
            fragment.duration = static_cast<double>(*timing.duration) / timescale;
        } else if (count == 1 && context.period_duration) {
            fragment.duration = *context.period_duration;
        }
        fragment.start = start;
        start += fragment.duration;
        plan.fragments.push_back(std::move(fragment));
    }
    return plan;
}

Result<DashSegmentPlan> plan_base(const DashSegmentBase& base, const DashSegmentContext& context) {
    DashSegmentPlan plan;
    if (!base.index_range) {
        // Without an index the file is fetched whole; it contains its own initialization.
        Fragment whole;
        whole.url = context.base_url;
        whole.start = context.period_start;
        whole.duration = context.period_duration.value_or(0);
        whole.discontinuity = context.period_index;
        plan.fragments.push_back(std::move(whole));
        return plan;
    }
    SegmentIndexRequest request;
    request.url = context.base_url;
    request.index_range = *base.index_range;
    request.start_offset = context.period_start - static_cast<double>(base.timing.presentation_time_offset) /
                                                      static_cast<double>(base.timing.timescale);
    request.discontinuity = context.period_index;
    plan.needs_index = std::move(request);
    if (base.initialization) {
        plan.init = make_init(context, *base.initialization);
    } else if (base.index_range->begin > 0) {
        // On-demand profile files are laid out ftyp+moov, sidx, media: what precedes the index is
        // the initialization.
        plan.init = make_init(context, DashInitialization{{}, ByteRange{0, base.index_range->begin}});
    }
    return plan;
}

Result<DashSegmentPlan> plan_single_file(const DashSegmentContext& context) {
    return plan_base(DashSegmentBase{}, context);
}

}  // namespace

Result<DashSegmentPlan> plan_dash_segments(const DashSegmentInfo& info, const DashSegmentContext& context) {
    if (const auto* tpl = std::get_if<DashSegmentTemplate>(&info)) return plan_template(*tpl, context);
    if (const auto* list = std::get_if<DashSegmentList>(&info)) return plan_list(*list, context);
    if (const auto* base = std::get_if<DashSegmentBase>(&info)) return plan_base(*base, context);
    return plan_single_file(context);
}

}  // namespace arina::media
