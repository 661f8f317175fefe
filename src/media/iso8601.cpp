#include "media/iso8601.hpp"

#include <cmath>
#include <cstdint>

#include "media/text.hpp"

namespace arina::media {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Reads a run of digits with an optional fraction ("3", "3.5") from the front of `s`.
std::optional<double> take_number(std::string_view& s) {
    std::size_t n = 0;
    while (n < s.size() && (is_digit(s[n]) || s[n] == '.' || s[n] == ',')) ++n;
    if (n == 0) return std::nullopt;
    std::string number(s.substr(0, n));
    for (char& c : number) {
        if (c == ',') c = '.';  // ISO 8601 allows a decimal comma
    }
    s.remove_prefix(n);
    return text::parse_decimal(number);
}

// Exactly `width` digits as an integer.
std::optional<int> take_digits(std::string_view& s, std::size_t width) {
    if (s.size() < width) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        if (!is_digit(s[i])) return std::nullopt;
        value = value * 10 + (s[i] - '0');
    }
    s.remove_prefix(width);
    return value;
}

bool take(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}

// Days from 1970-01-01 to a proleptic Gregorian date (the well-known "days from civil" method).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = y - era * 400;
    const int mp = m > 2 ? m - 3 : m + 9;
    const auto doy = (153 * mp + 2) / 5 + d - 1;
    const auto doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

}  // namespace

std::optional<double> parse_iso8601_duration(std::string_view text) {
    std::string_view s = text::trim(text);
    if (!take(s, 'P') || s.empty()) return std::nullopt;
    double seconds = 0;
    bool in_time = false;
    bool any = false;
    bool date_months = false;
    // Designators must come in this order; `next` is the first one still allowed.
    static constexpr std::string_view kDate = "YMWD";
    static constexpr std::string_view kTime = "HMS";
    std::size_t next = 0;
    while (!s.empty()) {
        if (!in_time && take(s, 'T')) {
            in_time = true;
            next = 0;
            if (s.empty()) return std::nullopt;  // "P1DT" has an empty time part
            continue;
        }
        const auto value = take_number(s);
        if (!value || s.empty()) return std::nullopt;
        const char designator = s.front();
        s.remove_prefix(1);
        if (!in_time && (designator == 'H' || designator == 'S')) {
            // "P30S", "P1DT2H" without its T: hours and seconds can only be time, and players read
            // them so. Not after a date M, though: "P5M30S" is months to the standard and
            // minutes to some players, so it stays an error.
            if (date_months) return std::nullopt;
            in_time = true;
            next = 0;
        }
        if (!in_time && designator == 'M') date_months = true;
        const std::string_view order = in_time ? kTime : kDate;
        const auto position = order.find(designator, next);
        if (position == std::string_view::npos) return std::nullopt;
        next = position + 1;
        static constexpr double kDateUnit[] = {365 * 86400.0, 30 * 86400.0, 7 * 86400.0, 86400.0};
        static constexpr double kTimeUnit[] = {3600.0, 60.0, 1.0};
        seconds += *value * (in_time ? kTimeUnit[position] : kDateUnit[position]);
        any = true;
    }
    if (!any || !std::isfinite(seconds)) return std::nullopt;
    return seconds;
}

std::optional<double> parse_iso8601_datetime(std::string_view text) {
    std::string_view s = text::trim(text);
    const auto year = take_digits(s, 4);
    if (!year || !take(s, '-')) return std::nullopt;
    const auto month = take_digits(s, 2);
    if (!month || !take(s, '-')) return std::nullopt;
    const auto day = take_digits(s, 2);
    if (!day || !take(s, 'T')) return std::nullopt;
    const auto hour = take_digits(s, 2);
    if (!hour || !take(s, ':')) return std::nullopt;
    const auto minute = take_digits(s, 2);
    if (!minute) return std::nullopt;
    // Seconds may be left out ("2024-03-01T12:00Z"), as players accept.
    std::optional<int> second = 0;
    if (take(s, ':')) second = take_digits(s, 2);
    if (!second) return std::nullopt;
    if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 24 || *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    double fraction = 0;
    if (take(s, '.')) {
        double scale = 0.1;
        std::size_t digits = 0;
        while (!s.empty() && is_digit(s.front())) {
            fraction += (s.front() - '0') * scale;
            scale /= 10;
            s.remove_prefix(1);
            ++digits;
        }
        if (digits == 0) return std::nullopt;
    }
    int offset_seconds = 0;
    if (!take(s, 'Z') && !s.empty()) {
        if (s.front() != '+' && s.front() != '-') return std::nullopt;
        const int sign = s.front() == '-' ? -1 : 1;
        s.remove_prefix(1);
        // "+01:00", and also "+0100" and "+01" as players accept.
        const auto zone_hours = take_digits(s, 2);
        if (!zone_hours) return std::nullopt;
        const bool colon = take(s, ':');
        std::optional<int> zone_minutes = 0;
        if (colon || !s.empty()) zone_minutes = take_digits(s, 2);
        if (!zone_minutes || *zone_hours > 14 || *zone_minutes > 59) return std::nullopt;
        offset_seconds = sign * (*zone_hours * 3600 + *zone_minutes * 60);
    }
    if (!s.empty()) return std::nullopt;
    const std::int64_t days = days_from_civil(*year, *month, *day);
    const double seconds_of_day = *hour * 3600.0 + *minute * 60.0 + *second;
    return static_cast<double>(days) * 86400.0 + seconds_of_day + fraction - offset_seconds;
}

}  // namespace arina::media
