#include "transfer/host_connection_memory.hpp"

#include <algorithm>

namespace arina::transfer {

std::optional<LearntCount> HostConnectionMemory::recall(const std::string& origin) const {
    std::lock_guard lock(mutex_);
    auto it = hosts_.find(origin);
    if (it == hosts_.end()) return std::nullopt;
    return it->second;
}

void HostConnectionMemory::remember(const std::string& origin, LearntCount learnt) {
    if (origin.empty() || learnt.count <= 0) return;
    std::lock_guard lock(mutex_);
    auto [it, inserted] = hosts_.try_emplace(origin, learnt);
    if (inserted) return;
    LearntCount& known = it->second;
    if (known.reason == CountReason::Refused && learnt.reason != CountReason::Refused) {
        // The server said no at that count; stay below it whatever this download measured.
        known.count = std::min(learnt.count, known.ceiling);
        return;
    }
    known = learnt;
}

}  // namespace arina::transfer
