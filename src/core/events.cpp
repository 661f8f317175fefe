#include "core/events.hpp"

namespace arina {

void EventSubscription::set_notify(std::function<void()> notify) {
    std::lock_guard lock(mutex_);
    notify_ = std::move(notify);
}

std::vector<Event> EventSubscription::pop_events() {
    std::lock_guard lock(mutex_);
    std::vector<Event> out = std::move(events_);
    events_.clear();
    for (TaskId id : progress_order_) out.emplace_back(std::move(progress_.at(id)));
    progress_.clear();
    progress_order_.clear();
    return out;
}

bool EventSubscription::wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return ready_.wait_for(lock, timeout, [this] { return !events_.empty() || !progress_.empty(); });
}

std::size_t EventSubscription::coalesced_progress() const {
    std::lock_guard lock(mutex_);
    return coalesced_;
}

void EventSubscription::push(Event event) {
    bool was_empty = false;
    {
        std::lock_guard lock(mutex_);
        was_empty = events_.empty() && progress_.empty();
        events_.push_back(std::move(event));
    }
    notify_if_first(was_empty);
}

void EventSubscription::push_progress(const ProgressEvent& event) {
    bool was_empty = false;
    {
        std::lock_guard lock(mutex_);
        was_empty = events_.empty() && progress_.empty();
        auto [it, inserted] = progress_.insert_or_assign(event.task_id, event);
        if (inserted)
            progress_order_.push_back(event.task_id);
        else
            ++coalesced_;
    }
    notify_if_first(was_empty);
}

void EventSubscription::notify_if_first(bool was_empty) {
    ready_.notify_all();
    if (!was_empty) return;  // the subscriber has been woken already and has not popped yet
    std::function<void()> notify;
    {
        std::lock_guard lock(mutex_);
        notify = notify_;
    }
    if (notify) notify();
}

}  // namespace arina
