#pragma once
// Bounds on untrusted input. Manifests come from arbitrary servers; these keep a hostile or broken
// one from exhausting memory or time. They are far above anything a real stream needs.

#include <cstddef>
#include <cstdint>

namespace arina::media {

/// Largest manifest text accepted (HLS playlist or MPD). Real ones are kilobytes to a few MiB.
inline constexpr std::size_t kMaxManifestBytes = 16 * 1024 * 1024;

/// Most fragments one Stream may have. A 24-hour stream of 2-second segments has 43,200; a DASH
/// template with a tiny duration over a long period could otherwise ask for billions.
inline constexpr std::int64_t kMaxFragmentsPerStream = 500'000;

/// Most fragments a whole Presentation may have, summed over its streams, so that a few-kilobyte
/// MPD with many representations at the per-stream limit cannot allocate gigabytes. Fits twenty
/// representations of a 24-hour stream in 2-second segments (864,000). Expanding that many takes
/// about half a second in a release build.
inline constexpr std::int64_t kMaxFragmentsTotal = 1'000'000;

/// Longest duration, in seconds, any single value in a manifest may state (about 31 years): a
/// segment, a Period, a presentation. Larger values are typos or attacks, and summing a few of
/// them would reach infinity.
inline constexpr double kMaxDurationSeconds = 1e9;

/// Widest zero-padding a DASH template may ask for ($Number%05d$); "%0999999999d" is an attack.
inline constexpr int kMaxTemplateWidth = 32;

}  // namespace arina::media
