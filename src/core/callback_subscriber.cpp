// The callback adaptor: a subscription whose progress events a thread of its own hands to a
// plain callback (add_task's progress callback), so a slow callback never holds the engine.
#include "core/manager_impl.hpp"

namespace arina {

CallbackSubscriber::CallbackSubscriber(std::shared_ptr<EventSubscription> subscription,
                                       std::function<void(const ProgressEvent&)> cb)
    : subscription_(std::move(subscription)), callback_(std::move(cb)), thread_([this] { run(); }) {}

CallbackSubscriber::~CallbackSubscriber() {
    stop_ = true;
    thread_.join();
}

void CallbackSubscriber::run() {
    while (!stop_) {
        subscription_->wait(std::chrono::milliseconds(100));
        for (auto& event : subscription_->pop_events()) {
            try {
                if (auto* p = std::get_if<ProgressEvent>(&event)) callback_(*p);
            } catch (...) {
                // A subscriber's exception must not end its own delivery thread.
            }
        }
    }
}

}  // namespace arina
