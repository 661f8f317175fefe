#pragma once
// Properties every successful parse must have, checked by the fuzzers: a parser that returns a
// value breaking them has a bug even if nothing crashed.

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "media/limits.hpp"
#include "media/presentation.hpp"

namespace arina::media::fuzz {

/// Aborts (which libFuzzer reports as a crash) naming the broken condition. A macro because
/// clang 14 with libstdc++ has no std::source_location yet.
#define ARINA_FUZZ_REQUIRE(condition) ::arina::media::fuzz::require((condition), #condition, __LINE__)

inline void require(bool condition, const char* text, int line) {
    if (condition) return;
    std::fprintf(stderr, "invariant broken at invariants.hpp:%d: %s\n", line, text);
    std::abort();
}

inline void check_fragment(const Fragment& f) {
    ARINA_FUZZ_REQUIRE(std::isfinite(f.duration) && f.duration >= 0);
    ARINA_FUZZ_REQUIRE(std::isfinite(f.start));
    if (f.byte_range)
        ARINA_FUZZ_REQUIRE(f.byte_range->begin >= 0 && f.byte_range->end >= f.byte_range->begin);
}

inline void check_invariants(const Presentation& p) {
    ARINA_FUZZ_REQUIRE(!p.duration || (std::isfinite(*p.duration) && *p.duration >= 0));
    ARINA_FUZZ_REQUIRE(std::isfinite(p.refresh_interval) && p.refresh_interval >= 0);
    std::size_t total = 0;
    for (const Stream& s : p.streams) {
        ARINA_FUZZ_REQUIRE(!s.id.empty());
        ARINA_FUZZ_REQUIRE(s.fragments.size() <= static_cast<std::size_t>(kMaxFragmentsPerStream));
        total += s.fragments.size();
        if (s.init) check_fragment(*s.init);
        for (const Fragment& f : s.fragments) check_fragment(f);
        std::size_t previous = 0;
        for (const InitSwitch& change : s.init_switches) {
            ARINA_FUZZ_REQUIRE(change.first_fragment >= previous &&
                               change.first_fragment < s.fragments.size());
            previous = change.first_fragment;
        }
        if (s.needs_index)
            ARINA_FUZZ_REQUIRE(s.needs_index->index_range.end > s.needs_index->index_range.begin);
    }
    ARINA_FUZZ_REQUIRE(total <= static_cast<std::size_t>(kMaxFragmentsTotal));
}

}  // namespace arina::media::fuzz
