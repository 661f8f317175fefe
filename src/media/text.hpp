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

/// An integer as lenient manifest writers spell it: what parse_integer accepts, and also a leading
/// '+' ("+5"), an integral decimal fraction ("2000000.0", "48000.", "-1.00") and an exponent whose
/// value is a whole number ("2e6", "1.5E3"). Still nullopt for anything that is not a whole number
/// ("2.5", "1e-1"), does not fit in int64 (exponent forms: above 2^53, where doubles stop being
/// exact), "inf"/"nan", hex, inner whitespace and "". Widely used DASH players read these the
/// same way; a value that is not whole would be read differently by each, so it stays an error.
std::optional<std::int64_t> parse_lenient_integer(std::string_view s);

/// parse_lenient_integer, refusing negative values.
std::optional<std::int64_t> parse_lenient_non_negative(std::string_view s);

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
