#include "transfer/connection_count.hpp"

#include <algorithm>

namespace arina::transfer {

std::string_view to_string(CountReason reason) {
    switch (reason) {
        case CountReason::Fixed:
            return "fixed";
        case CountReason::Probing:
            return "probing";
        case CountReason::Growing:
            return "growing";
        case CountReason::Budget:
            return "budget";
        case CountReason::NoGain:
            return "no_gain";
        case CountReason::SmallGain:
            return "small_gain";
        case CountReason::Refused:
            return "refused";
        case CountReason::Learnt:
            return "learnt";
    }
    return "?";
}

ConnectionCount::ConnectionCount(ConnectionCountSettings settings, Clock::time_point now,
                                 std::optional<LearntCount> learnt)
    : settings_(settings) {
    settings_.budget = std::max(1, settings_.budget);
    ceiling_ = settings_.budget;
    if (learnt && learnt->count > 0) {
        // What an earlier download from this host found holds for this one: no new probing.
        ceiling_ = std::clamp(learnt->ceiling > 0 ? learnt->ceiling : settings_.budget, 1, settings_.budget);
        from_memory_ = true;
        settle(std::min(learnt->count, ceiling_), CountReason::Learnt);
        return;
    }
    step_to(std::clamp(settings_.initial, 1, ceiling_), CountReason::Probing, now);
    if (target_ >= ceiling_) settle(target_, CountReason::Budget);
}

void ConnectionCount::step_to(int count, CountReason reason, Clock::time_point now) {
    target_ = count;
    reason_ = reason;
    level_since_ = now;
    window_start_.reset();
}

void ConnectionCount::settle(int count, CountReason reason) {
    target_ = count;
    reason_ = reason;
    settled_ = true;
    window_start_.reset();
}

bool ConnectionCount::on_sample(Clock::time_point now, std::int64_t total_bytes, int in_flight) {
    if (settled_) return false;
    // Only a window in which the target count was really running measures that count, and only
    // once the last of them has had the settle time to get going (its request's latency, slow start).
    if (in_flight < target_) {
        level_since_ = now;
        window_start_.reset();
        return false;
    }
    if (now < level_since_ + settings_.settle) return false;
    if (!window_start_) {
        window_start_ = Mark{now, total_bytes};
        return false;
    }
    const auto elapsed = now - window_start_->at;
    // The first count is only a baseline: its own window. Larger counts: a full window, or an
    // early one when the gain is already clear.
    const auto full_window = previous_ ? settings_.window : settings_.first_window;
    if (elapsed < std::min(settings_.early_window, full_window)) return false;
    const double seconds = std::chrono::duration<double>(elapsed).count();
    const double rate = static_cast<double>(total_bytes - window_start_->bytes) / seconds;
    const bool clear_gain = previous_ && !bisecting_ && gain_share(rate) >= settings_.steep_gain_share;
    if (elapsed < full_window && !clear_gain) return false;
    const int before = target_;
    const CountReason reason_before = reason_;
    if (rate <= 0) {  // nothing arrived at all: a stall says nothing about the count
        window_start_.reset();
        return false;
    }
    decide(rate, now);
    return target_ != before || reason_ != reason_before;
}

void ConnectionCount::decide(double rate, Clock::time_point now) {
    last_rate_ = rate;
    const int count = target_;
    if (!previous_) {
        previous_ = Measured{count, rate};
        step_to(std::min(ceiling_, count * 2), CountReason::Growing, now);
        if (target_ == count) settle(count, CountReason::Budget);
        return;
    }
    const double gain = rate / previous_->rate - 1.0;
    if (gain < settings_.min_gain) {
        // The added connections (nearly) shared the rate the fewer ones had. After a large step the
        // bottleneck may lie in between: try double the smaller count once, and stop there.
        if (!bisecting_ && count > previous_->count * 2) {
            bisecting_ = true;
            return step_to(previous_->count * 2, CountReason::Growing, now);
        }
        // A small but real gain is worth the few connections it took; trying more is not.
        if (gain >= settings_.small_gain) return settle(count, CountReason::SmallGain);
        return settle(previous_->count, CountReason::NoGain);
    }
    if (bisecting_) return settle(count, CountReason::NoGain);  // the larger step gave nothing
    if (count >= ceiling_) return settle(count, CountReason::Budget);
    const int factor = gain_share(rate) >= settings_.steep_gain_share ? 4 : 2;
    previous_ = Measured{count, rate};
    step_to(std::min(ceiling_, count * factor), CountReason::Growing, now);
}

double ConnectionCount::gain_share(double rate) const {
    const double proportional =
        static_cast<double>(target_ - previous_->count) / static_cast<double>(previous_->count);
    if (proportional <= 0 || previous_->rate <= 0) return 0;
    return (rate / previous_->rate - 1.0) / proportional;
}

bool ConnectionCount::on_refused(int others_in_flight) {
    const int before = target_;
    const CountReason reason_before = reason_;
    ceiling_ = std::clamp(others_in_flight, 1, ceiling_);
    from_memory_ = false;  // new knowledge about the host: worth remembering
    settle(std::min(target_, ceiling_), CountReason::Refused);
    return target_ != before || reason_ != reason_before;
}

std::optional<LearntCount> ConnectionCount::learnt() const {
    if (!settled_ || from_memory_) return std::nullopt;
    return LearntCount{target_, ceiling_, reason_};
}

}  // namespace arina::transfer
