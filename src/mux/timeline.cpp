#include "mux/timeline.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "mux/libav.hpp"

namespace arina::mux {
namespace {

std::int64_t distance(std::int64_t a, std::int64_t b) {
    const std::int64_t d = sub_saturated(a, b);
    return d < 0 ? -d : d;  // d is never INT64_MIN: saturation stops one above it
}

}  // namespace

std::int64_t add_saturated(std::int64_t a, std::int64_t b) {
    std::int64_t sum = 0;
    if (!__builtin_add_overflow(a, b, &sum) && sum != kNoTimestamp) return sum;
    return b > 0 ? std::numeric_limits<std::int64_t>::max() : kNoTimestamp + 1;
}

std::int64_t sub_saturated(std::int64_t a, std::int64_t b) {
    std::int64_t difference = 0;
    if (!__builtin_sub_overflow(a, b, &difference) && difference != kNoTimestamp) return difference;
    return b < 0 ? std::numeric_limits<std::int64_t>::max() : kNoTimestamp + 1;
}

std::int64_t rescale(std::int64_t value, TimeBase from, TimeBase to) {
    if (value == kNoTimestamp) return kNoTimestamp;
    const auto rounding = static_cast<AVRounding>(AV_ROUND_NEAR_INF | AV_ROUND_PASS_MINMAX);
    return av_rescale_q_rnd(value, AVRational{from.num, from.den}, AVRational{to.num, to.den}, rounding);
}

TimelineRepair::TimelineRepair(std::vector<StreamClock> streams, std::int64_t jump_threshold_us) {
    streams_.reserve(streams.size());
    for (const StreamClock& clock : streams) {
        if (clock.time_base.num <= 0 || clock.time_base.den <= 0)
            throw std::invalid_argument("TimelineRepair: time base must be positive");
        StreamState state;
        state.clock = clock;
        state.threshold = rescale(jump_threshold_us, kMicroseconds, clock.time_base);
        streams_.push_back(state);
    }
    epochs_.push_back({0, kMicroseconds});
}

bool TimelineRepair::is_jump(const StreamState& stream, std::int64_t dts) const {
    if (dts < stream.last_dts) return true;
    return !stream.clock.sparse && sub_saturated(dts, stream.last_end) > stream.threshold;
}

std::int64_t TimelineRepair::offset_in(std::size_t epoch, TimeBase time_base) const {
    return rescale(epochs_[epoch].offset, epochs_[epoch].time_base, time_base);
}

void TimelineRepair::move_to_later_epoch(StreamState& stream, std::int64_t dts, std::int64_t pts) {
    const TimeBase base = stream.clock.time_base;
    const std::int64_t expected_dts = add_saturated(stream.last_end, stream.shift);
    const std::int64_t frontier = std::max(
        stream.presented_end,
        frontier_us_ == kNoTimestamp ? stream.presented_end : rescale(frontier_us_, kMicroseconds, base));

    std::size_t chosen = 0;
    std::int64_t chosen_distance = std::numeric_limits<std::int64_t>::max();
    for (std::size_t e = stream.epoch + 1; e < epochs_.size(); ++e) {
        const std::int64_t d = distance(add_saturated(pts, offset_in(e, base)), frontier);
        if ((d <= stream.threshold || stream.clock.sparse) && d < chosen_distance) {
            chosen = e;
            chosen_distance = d;
        }
    }
    if (chosen == 0) {  // no later epoch fits (epoch 0 is never later): this stream opens one
        epochs_.push_back({sub_saturated(frontier, pts), base});
        chosen = epochs_.size() - 1;
    }
    const std::int64_t offset = offset_in(chosen, base);
    const std::int64_t overlap = sub_saturated(expected_dts, add_saturated(dts, offset));
    stream.epoch = chosen;
    stream.shift = add_saturated(offset, std::max<std::int64_t>(0, overlap));
}

void TimelineRepair::place_first_packet(StreamState& stream, std::int64_t pts) {
    if (frontier_us_ == kNoTimestamp) return;
    const TimeBase base = stream.clock.time_base;
    const std::int64_t frontier = rescale(frontier_us_, kMicroseconds, base);
    std::int64_t best_distance = std::numeric_limits<std::int64_t>::max();
    for (std::size_t e = 0; e < epochs_.size(); ++e) {
        const std::int64_t d = distance(add_saturated(pts, offset_in(e, base)), frontier);
        if (d < best_distance) {
            best_distance = d;
            stream.epoch = e;
            stream.shift = offset_in(e, base);
        }
    }
}

TimelineRepair::Stamp TimelineRepair::repair(std::size_t index, Stamp packet) {
    StreamState& stream = streams_.at(index);
    std::int64_t dts = packet.dts;
    if (dts == kNoTimestamp)
        dts = stream.seen ? stream.last_end : (packet.pts != kNoTimestamp ? packet.pts : 0);
    const std::int64_t pts = packet.pts != kNoTimestamp ? std::max(packet.pts, dts) : dts;
    const std::int64_t duration = std::max<std::int64_t>(packet.duration, 0);

    if (!stream.seen) {
        if (epochs_.size() > 1) place_first_packet(stream, pts);
    } else if (is_jump(stream, dts)) {
        move_to_later_epoch(stream, dts, pts);
    }
    stream.seen = true;
    stream.last_dts = dts;
    stream.last_end = add_saturated(dts, duration);

    Stamp out{add_saturated(dts, stream.shift), add_saturated(pts, stream.shift), duration};
    const std::int64_t presented_end = add_saturated(out.pts, duration);
    stream.presented_end =
        stream.presented_end == kNoTimestamp ? presented_end : std::max(stream.presented_end, presented_end);
    if (!stream.clock.sparse)
        frontier_us_ = std::max(frontier_us_, rescale(presented_end, stream.clock.time_base, kMicroseconds));
    return out;
}

}  // namespace arina::mux
