#pragma once
// Strict number and text helpers shared by the manifest parsers. Strict means: the whole string
// must be the number, no leading '+', no whitespace inside, no "inf"/"nan" - so a manifest typo
// is an error instead of a silently different value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/interval_set.hpp"

namespace arina::media::text {

/// Drops ASCII whitespace (space, tab, CR, LF) at both ends.
std::string_view trim(std::string_view s);

/// A non-negative decimal integer that fits in int64 ("0", "42"; not "-1", "1.0", "").
std::optional<std::int64_t> parse_non_negative(std::string_view s);

/// A decimal integer that fits in int64, optionally negative ("-1").
std::optional<std::int64_t> parse_integer(std::string_view s);

/// A finite decimal number ("4", "9.009", "-0.5", "1e3"); nullopt for "inf", "nan", "0x10", "".
std::optional<double> parse_decimal(std::string_view s);

/// DASH byte range "first-last" (inclusive, RFC 7233 style) as a half-open ByteRange.
std::optional<ByteRange> parse_inclusive_range(std::string_view s);

/// Lower-cases ASCII letters.
std::string to_lower(std::string_view s);

/// The file extension of a URL's path, lower-cased, without the dot ("ts" for ".../a.TS?x=1").
std::string url_extension(std::string_view url);

/// "'" + s + "'", shortened to a readable length for error messages.
std::string quote(std::string_view s);

}  // namespace arina::media::text
