#include "media/hls_attributes.hpp"

#include <string>

#include "media/text.hpp"

namespace arina::media {
namespace {

bool is_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

void skip_spaces(std::string_view& s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string_view> HlsAttributeList::get(std::string_view name) const {
    for (const auto& attribute : attributes_) {
        if (attribute.name == name) return attribute.value;
    }
    return std::nullopt;
}

Result<HlsAttributeList> parse_hls_attributes(std::string_view text) {
    std::vector<HlsAttribute> attributes;
    std::string_view s = text;
    while (true) {
        skip_spaces(s);
        if (s.empty()) break;
        const auto equals = s.find_first_of("=,");
        if (equals == std::string_view::npos || s[equals] != '=') {
            return bad_manifest("attribute " + text::quote(text::trim(s.substr(0, equals))) +
                                " has no value");
        }
        HlsAttribute attribute;
        attribute.name = text::trim(s.substr(0, equals));
        if (attribute.name.empty()) return bad_manifest("empty attribute name");
        for (char c : attribute.name) {
            if (!is_name_char(c))
                return bad_manifest("invalid attribute name " + text::quote(attribute.name));
        }
        s.remove_prefix(equals + 1);
        skip_spaces(s);
        if (!s.empty() && s.front() == '"') {
            const auto close = s.find('"', 1);
            if (close == std::string_view::npos) {
                return bad_manifest("unterminated quoted string in " + std::string(attribute.name));
            }
            attribute.value = s.substr(1, close - 1);
            attribute.quoted = true;
            s.remove_prefix(close + 1);
            skip_spaces(s);
            if (!s.empty() && s.front() != ',') {
                return bad_manifest("unexpected text after the quoted value of " +
                                    std::string(attribute.name));
            }
        } else {
            const auto comma = s.find(',');
            attribute.value = text::trim(s.substr(0, comma));
            s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma);
        }
        attributes.push_back(attribute);
        if (!s.empty()) s.remove_prefix(1);  // the ','
    }
    return HlsAttributeList(std::move(attributes));
}

std::optional<std::array<std::uint8_t, 16>> parse_hls_iv(std::string_view text) {
    if (text.size() < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return std::nullopt;
    std::string_view digits = text.substr(2);
    if (digits.size() > 32) return std::nullopt;
    std::array<std::uint8_t, 16> iv{};
    // Fill from the last digit backwards so a short value is right-aligned (it is a number).
    for (std::size_t i = 0; i < digits.size(); ++i) {
        const int value = hex_value(digits[digits.size() - 1 - i]);
        if (value < 0) return std::nullopt;
        auto& byte = iv[15 - i / 2];
        byte = static_cast<std::uint8_t>(byte | (i % 2 == 0 ? value : value << 4));
    }
    return iv;
}

std::optional<std::pair<int, int>> parse_hls_resolution(std::string_view text) {
    const auto x = text.find_first_of("xX");
    if (x == std::string_view::npos) return std::nullopt;
    const auto width = text::parse_non_negative(text.substr(0, x));
    const auto height = text::parse_non_negative(text.substr(x + 1));
    constexpr std::int64_t kMaxDimension = 1 << 20;
    if (!width || !height || *width > kMaxDimension || *height > kMaxDimension) return std::nullopt;
    return std::pair{static_cast<int>(*width), static_cast<int>(*height)};
}

}  // namespace arina::media
