#include "server/url_path.hpp"

namespace arina::testing {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        const int hi = hex_value(text[i + 1]);
        const int lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

std::optional<std::filesystem::path> relative_file_path(std::string_view below_prefix) {
    std::filesystem::path result;
    while (!below_prefix.empty()) {
        const auto slash = below_prefix.find('/');
        const auto raw = below_prefix.substr(0, slash);
        below_prefix = slash == std::string_view::npos ? std::string_view() : below_prefix.substr(slash + 1);
        const auto segment = percent_decode(raw);
        if (!segment) return std::nullopt;
        if (*segment == "..") return std::nullopt;
        if (segment->find('\0') != std::string::npos || segment->find('/') != std::string::npos)
            return std::nullopt;
        if (segment->empty() || *segment == ".") continue;  // "a//b" and "a/./b" name a/b
        result /= *segment;
    }
    return result;
}

}  // namespace arina::testing
