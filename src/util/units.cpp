#include "util/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>

namespace arina {

std::optional<std::int64_t> parse_size(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    if (text.empty()) return std::nullopt;
    std::size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == 0) return std::nullopt;
    double value = 0;
    try {
        std::size_t used = 0;
        value = std::stod(std::string(text.substr(0, i)), &used);
        if (used != i) return std::nullopt;
    } catch (...) {
        return std::nullopt;
    }
    std::string suffix(text.substr(i));
    for (auto& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (suffix.ends_with("IB"))
        suffix.erase(suffix.size() - 2);
    else if (suffix.size() == 2 && suffix.back() == 'B')
        suffix.pop_back();
    double mult = 1;
    if (suffix.empty() || suffix == "B")
        mult = 1;
    else if (suffix == "K")
        mult = 1024.0;
    else if (suffix == "M")
        mult = 1024.0 * 1024;
    else if (suffix == "G")
        mult = 1024.0 * 1024 * 1024;
    else if (suffix == "T")
        mult = 1024.0 * 1024 * 1024 * 1024;
    else
        return std::nullopt;
    const double bytes = value * mult;
    if (!std::isfinite(bytes) || bytes > 9.0e18) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(bytes));
}

std::string format_bytes(double bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
        bytes /= 1024;
        ++unit;
    }
    char buf[32];
    if (unit == 0)
        std::snprintf(buf, sizeof buf, "%.0f%s", bytes, kUnits[unit]);
    else
        std::snprintf(buf, sizeof buf, "%.2f%s", bytes, kUnits[unit]);
    return buf;
}

std::string format_rate(double bytes_per_second) {
    return format_bytes(bytes_per_second) + "/s";
}

std::string format_duration(double seconds) {
    if (seconds < 0 || !std::isfinite(seconds)) return "--:--";
    const auto total = static_cast<long long>(seconds + 0.5);
    char buf[32];
    if (total >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60, total % 60);
    else
        std::snprintf(buf, sizeof buf, "%02lld:%02lld", total / 60, total % 60);
    return buf;
}

}  // namespace arina
