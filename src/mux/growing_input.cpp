#include "mux/growing_input.hpp"

namespace arina::mux {

void GrowingInput::extend(std::int64_t end) {
    {
        std::lock_guard lock(mutex_);
        if (end <= end_ || final_) return;
        end_ = end;
    }
    changed_.notify_all();
}

void GrowingInput::finish() {
    {
        std::lock_guard lock(mutex_);
        final_ = true;
    }
    changed_.notify_all();
}

void GrowingInput::abandon() {
    {
        std::lock_guard lock(mutex_);
        abandoned_ = true;
    }
    changed_.notify_all();
}

GrowingInput::Extent GrowingInput::wait_beyond(std::int64_t offset) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return end_ > offset || final_ || abandoned_; });
    return {end_, final_, abandoned_};
}

GrowingInput::Extent GrowingInput::extent() const {
    std::lock_guard lock(mutex_);
    return {end_, final_, abandoned_};
}

}  // namespace arina::mux
