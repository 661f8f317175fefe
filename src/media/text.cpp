#include "media/text.hpp"

#include <charconv>
#include <cmath>

namespace arina::media::text {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

std::optional<std::int64_t> parse_integer(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return value;
}

std::optional<std::int64_t> parse_non_negative(std::string_view s) {
    if (s.empty() || s.front() == '-') return std::nullopt;
    return parse_integer(s);
}

std::optional<std::int64_t> parse_lenient_integer(std::string_view s) {
    if (s.size() > 1 && s.front() == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
    if (const auto exact = parse_integer(s)) return exact;
    if (s.find_first_of("eE") == std::string_view::npos) {
        // "digits." followed by zeros only: the integer part is read exactly, however long.
        const auto dot = s.find('.');
        if (dot == std::string_view::npos || dot == 0 ||
            s.substr(dot + 1).find_first_not_of('0') != std::string_view::npos) {
            return std::nullopt;
        }
        const std::string_view whole = s.substr(0, dot);
        if (whole == "-") return std::nullopt;
        return parse_integer(whole);
    }
    // An exponent: a double is exact for whole numbers up to 2^53, which bounds what is accepted.
    const auto value = parse_decimal(s);
    constexpr double kExactLimit = 9007199254740992.0;  // 2^53
    if (!value || std::fabs(*value) > kExactLimit || std::trunc(*value) != *value) return std::nullopt;
    return static_cast<std::int64_t>(*value);
}

std::optional<std::int64_t> parse_lenient_non_negative(std::string_view s) {
    const auto value = parse_lenient_integer(s);
    if (!value || *value < 0) return std::nullopt;
    return value;
}

std::optional<double> parse_decimal(std::string_view s) {
    if (s.empty()) return std::nullopt;
    // from_chars would accept "inf", "nan" and "infinity"; manifests never mean those.
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+')) {
            return std::nullopt;
        }
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::optional<ByteRange> parse_inclusive_range(std::string_view s) {
    const auto dash = s.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    const auto first = parse_non_negative(trim(s.substr(0, dash)));
    const auto last = parse_non_negative(trim(s.substr(dash + 1)));
    // last + 1 must not overflow; int64 max is not a real file offset anyway.
    if (!first || !last || *last < *first || *last == INT64_MAX) return std::nullopt;
    return ByteRange{*first, *last + 1};
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string url_extension(std::string_view url) {
    url = url.substr(0, url.find_first_of("?#"));
    const auto slash = url.rfind('/');
    if (slash != std::string_view::npos) url.remove_prefix(slash + 1);
    const auto dot = url.rfind('.');
    if (dot == std::string_view::npos) return {};
    return to_lower(url.substr(dot + 1));
}

std::string quote(std::string_view s) {
    constexpr std::size_t kShown = 60;
    std::string out = "'";
    out += s.substr(0, kShown);
    if (s.size() > kShown) out += "...";
    out += "'";
    return out;
}

}  // namespace arina::media::text
