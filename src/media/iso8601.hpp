#pragma once
// The two ISO 8601 forms MPDs use: durations (xs:duration, "PT1H2M3.5S") and instants
// (xs:dateTime, "2024-03-01T12:00:00Z").

#include <optional>
#include <string_view>

namespace arina::media {

/// Seconds in an xs:duration: "PT1H2M3.5S" -> 3723.5, "P1DT2H" -> 93600, "PT0S" -> 0.
/// Years count 365 days and months 30 (MPDs essentially never use them). As players do, a missing
/// T before hours or seconds is tolerated ("P30S"), except after months ("P5M30S" is ambiguous).
/// Negative durations, missing designators and trailing garbage give nullopt.
std::optional<double> parse_iso8601_duration(std::string_view text);

/// Seconds since the Unix epoch of an xs:dateTime: "2024-03-01T12:00:00Z",
/// "2024-03-01T12:00:00.250+01:00". Without a zone designator the time is taken as UTC, which is
/// what DASH players do; like them, seconds may be left out ("12:00Z") and the zone may be written
/// "+0100" or "+01". nullopt when malformed.
std::optional<double> parse_iso8601_datetime(std::string_view text);

}  // namespace arina::media
