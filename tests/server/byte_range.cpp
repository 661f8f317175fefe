#include "server/byte_range.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

namespace arina::testing {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<std::int64_t> parse_position(std::string_view s) {
    // 18 digits keep the value below INT64_MAX without overflow checks.
    if (s.empty() || s.size() > 18) return std::nullopt;
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

// One range-spec; nullopt for bad syntax, a range with first > last when it is unsatisfiable.
std::optional<ByteRange> parse_spec(std::string_view spec, std::int64_t size) {
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    const auto first_text = spec.substr(0, dash);
    const auto last_text = spec.substr(dash + 1);
    constexpr ByteRange kUnsatisfiable{1, 0};
    if (first_text.empty()) {  // suffix range: the last n bytes
        const auto n = parse_position(last_text);
        if (!n) return std::nullopt;
        if (*n == 0 || size == 0) return kUnsatisfiable;
        return ByteRange{std::max<std::int64_t>(0, size - *n), size - 1};
    }
    const auto first = parse_position(first_text);
    if (!first) return std::nullopt;
    std::int64_t last = size - 1;
    if (!last_text.empty()) {
        const auto parsed = parse_position(last_text);
        if (!parsed || *parsed < *first) return std::nullopt;  // "5-2" is invalid, not unsatisfiable
        last = std::min(*parsed, size - 1);
    }
    if (*first >= size) return kUnsatisfiable;
    return ByteRange{*first, last};
}

}  // namespace

RangeRequest parse_range(std::string_view header, std::int64_t size) {
    header = trim(header);
    if (header.empty()) return {};
    const auto eq = header.find('=');
    if (eq == std::string_view::npos) return {RangeKind::ignored, {}};
    std::string unit(trim(header.substr(0, eq)));
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (unit != "bytes") return {RangeKind::ignored, {}};

    int specs = 0;
    int satisfiable = 0;
    ByteRange found;
    std::string_view rest = header.substr(eq + 1);
    while (true) {
        const auto comma = rest.find(',');
        const auto spec = trim(rest.substr(0, comma));
        if (!spec.empty()) {  // empty list elements are allowed by the list syntax
            const auto range = parse_spec(spec, size);
            if (!range) return {RangeKind::ignored, {}};
            ++specs;
            if (range->first <= range->last) {
                ++satisfiable;
                found = *range;
            }
        }
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    if (specs == 0) return {RangeKind::ignored, {}};
    if (satisfiable == 0) return {RangeKind::unsatisfiable, {}};
    if (satisfiable > 1) return {RangeKind::multiple, {}};
    return {RangeKind::single, found};
}

}  // namespace arina::testing
