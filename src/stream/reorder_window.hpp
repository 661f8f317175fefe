#pragma once
// The bounded reorder window of a stream's assembly, as pure rules. Fragments are appended to the
// stream's part file strictly in order; those that finish early wait in memory, and the window
// limits how much may wait and how far ahead new fragments may start. Memory therefore depends on
// the number of connections and on fragment sizes, never on the length of the stream.

#include <cstdint>

namespace arina::stream {

struct WindowLimits {
    /// Finished or still-arriving fragments held in memory (all but the next one to write, whose
    /// bytes go straight to disk). No new fragment is started beyond the next while this is reached.
    std::int64_t max_held_bytes = 0;
    /// One fragment that is not next may buffer at most this much; a larger one is dropped and
    /// fetched again once it is next, when it can stream to disk.
    std::int64_t max_fragment_bytes = 0;
    /// New fragments start at most this many places after the next one to write.
    std::int64_t max_ahead = 0;
};

/// Limits for `connections` fragments in flight: `held_bytes` (0 = connections x 8 MiB) held in
/// memory, at most half of it (and at least 4 MiB) per fragment, 4 x connections places ahead.
WindowLimits window_limits(int connections, std::int64_t held_bytes);

/// Whether the fragment `ahead` places after the next one to write (0 = it is the next) may be
/// started while `held_bytes` wait in memory. The next fragment may always start, so the window
/// can never deadlock.
bool may_start(const WindowLimits& limits, std::int64_t ahead, std::int64_t held_bytes);

/// Whether a fragment `ahead` places after the next, with `buffered` bytes received so far, has
/// outgrown what it may hold in memory (see max_fragment_bytes).
bool must_defer(const WindowLimits& limits, std::int64_t ahead, std::int64_t buffered);

}  // namespace arina::stream
