#pragma once
// What automatic connection counts learnt about each host (origin) during this process: the
// count a download settled on and the ceiling a refusing server set. The next download from the
// same origin starts there instead of probing again, and never goes above a refused count.
// One per Runtime, shared by every download of a manager (or of the command). Thread-safe.

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "transfer/connection_count.hpp"

namespace arina::transfer {

class HostConnectionMemory {
  public:
    /// What was learnt about `origin` ("scheme://host:port"), if anything.
    std::optional<LearntCount> recall(const std::string& origin) const;
    /// Records what a download from `origin` settled on. A ceiling learnt from a refusal is kept
    /// for the rest of the session: a later download's own measurement never raises it.
    void remember(const std::string& origin, LearntCount learnt);

  private:
    mutable std::mutex mutex_;
    std::map<std::string, LearntCount> hosts_;
};

}  // namespace arina::transfer
