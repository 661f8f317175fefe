#pragma once
// Stream ids must be unique within a Presentation even when a manifest repeats names or ids.

#include <map>
#include <set>
#include <string>

namespace arina::media {

class UniqueIds {
  public:
    /// `id` itself the first time, then "id-2", "id-3"... The per-id counter keeps a manifest that
    /// repeats one id a million times from making this quadratic.
    std::string claim(const std::string& id) {
        int& next = next_suffix_[id];
        std::string unique = id;
        while (!taken_.insert(unique).second) unique = id + "-" + std::to_string(2 + next++);
        return unique;
    }

  private:
    std::set<std::string> taken_;
    std::map<std::string, int> next_suffix_;
};

}  // namespace arina::media
