#pragma once
// Properties every successful parse must have, checked by the fuzzers: a parser that returns a
// value breaking them has a bug even if nothing crashed.

#include <cmath>
#include <cstdlib>

#include "media/limits.hpp"
#include "media/presentation.hpp"

namespace arina::media::fuzz {

inline void require(bool condition) {
    if (!condition) std::abort();
}

inline void check_fragment(const Fragment& f) {
    require(std::isfinite(f.duration) && f.duration >= 0);
    require(std::isfinite(f.start));
    if (f.byte_range) require(f.byte_range->begin >= 0 && f.byte_range->end >= f.byte_range->begin);
}

inline void check_invariants(const Presentation& p) {
    require(!p.duration || (std::isfinite(*p.duration) && *p.duration >= 0));
    require(std::isfinite(p.refresh_interval) && p.refresh_interval >= 0);
    std::size_t total = 0;
    for (const Stream& s : p.streams) {
        require(!s.id.empty());
        require(s.fragments.size() <= static_cast<std::size_t>(kMaxFragmentsPerStream));
        total += s.fragments.size();
        if (s.init) check_fragment(*s.init);
        for (const Fragment& f : s.fragments) check_fragment(f);
        std::size_t previous = 0;
        for (const InitSwitch& change : s.init_switches) {
            require(change.first_fragment >= previous && change.first_fragment < s.fragments.size());
            previous = change.first_fragment;
        }
        if (s.needs_index) require(s.needs_index->index_range.end > s.needs_index->index_range.begin);
    }
    require(total <= static_cast<std::size_t>(kMaxFragmentsTotal));
}

}  // namespace arina::media::fuzz
