#pragma once
// Human sizes and durations: parsing "10M"/"1.5MiB" for options and printing "12.3MiB".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace arina {

/// Parses a byte count with an optional binary suffix: "512", "64K", "10M", "1.5G", "10MiB".
/// Suffixes are powers of 1024 (as in yt-dlp and aria2). nullopt when malformed.
std::optional<std::int64_t> parse_size(std::string_view text);

/// "1.23MiB", "512B".
std::string format_bytes(double bytes);
/// "1.23MiB/s".
std::string format_rate(double bytes_per_second);
/// "1:02:03", "02:03", or "--:--" when unknown (negative).
std::string format_duration(double seconds);

}  // namespace arina
