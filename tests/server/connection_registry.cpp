#include "server/connection_registry.hpp"

#include <poll.h>

#include <algorithm>

namespace arina::testing {
namespace {

// The peer has closed (FIN or reset). A client closes one connection and opens the next in quick
// succession; on loopback the FIN has reached our socket before the new connection can be accepted,
// even if the thread serving the old one is still asleep.
bool peer_closed(int fd) {
    pollfd p{fd, POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

}  // namespace

ConnectionRegistry::Admission ConnectionRegistry::opened(int fd, int cap) {
    std::lock_guard lock(mutex_);
    const int id = ++accepted_;
    const auto others = static_cast<int>(
        std::count_if(open_.begin(), open_.end(), [&](const auto& kv) { return !peer_closed(kv.second); }));
    if (cap > 0 && others >= cap) {
        ++rejected_;
        return {id, false};
    }
    open_[id] = fd;
    // The new connection itself counts even if its client has closed it already.
    max_concurrent_ = std::max(max_concurrent_, 1 + others);
    return {id, true};
}

void ConnectionRegistry::closing(int id) {
    std::lock_guard lock(mutex_);
    open_.erase(id);
}

int ConnectionRegistry::accepted() const {
    std::lock_guard lock(mutex_);
    return accepted_;
}

int ConnectionRegistry::rejected() const {
    std::lock_guard lock(mutex_);
    return rejected_;
}

int ConnectionRegistry::max_concurrent() const {
    std::lock_guard lock(mutex_);
    return max_concurrent_;
}

}  // namespace arina::testing
