#include "media/dash_template.hpp"

#include <charconv>

#include "media/limits.hpp"
#include "media/text.hpp"

namespace arina::media {
namespace {

// "%05d" -> 5, "%d" -> 0; nullopt for anything else (printf has many more forms; DASH allows only this).
std::optional<int> parse_width(std::string_view format) {
    if (format.size() < 2 || format.front() != '%' || format.back() != 'd') return std::nullopt;
    format = format.substr(1, format.size() - 2);
    if (format.empty()) return 0;
    const auto width = text::parse_non_negative(format);
    if (!width || *width > kMaxTemplateWidth) return std::nullopt;
    return static_cast<int>(*width);
}

void append_padded(std::string& out, std::int64_t value, int width) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    const auto length = static_cast<int>(end - digits);
    if (length < width) out.append(static_cast<std::size_t>(width - length), '0');
    out.append(digits, end);
}

}  // namespace

Result<DashUrlTemplate> DashUrlTemplate::compile(std::string_view text) {
    DashUrlTemplate compiled;
    std::string literal;
    while (!text.empty()) {
        const auto dollar = text.find('$');
        literal += text.substr(0, dollar);
        if (dollar == std::string_view::npos) break;
        const auto close = text.find('$', dollar + 1);
        if (close == std::string_view::npos) return bad_manifest("unterminated $ identifier");
        const std::string_view inside = text.substr(dollar + 1, close - dollar - 1);
        text.remove_prefix(close + 1);
        if (inside.empty()) {
            literal += '$';  // "$$" is an escaped dollar sign
            continue;
        }
        const auto percent = inside.find('%');
        const std::string_view name = inside.substr(0, percent);
        Part part;
        if (name == "RepresentationID") {
            part.field = Field::RepresentationId;
        } else if (name == "Number") {
            part.field = Field::Number;
        } else if (name == "Time") {
            part.field = Field::Time;
        } else if (name == "Bandwidth") {
            part.field = Field::Bandwidth;
        } else {
            return bad_manifest("unknown identifier $" + std::string(inside) + "$");
        }
        if (percent != std::string_view::npos) {
            const auto width = parse_width(inside.substr(percent));
            if (!width || part.field == Field::RepresentationId) {
                return bad_manifest("unsupported format in $" + std::string(inside) + "$");
            }
            part.width = *width;
        }
        if (!literal.empty()) compiled.parts_.push_back(Part{Field::Literal, std::move(literal), 0});
        literal.clear();
        compiled.parts_.push_back(std::move(part));
    }
    if (!literal.empty()) compiled.parts_.push_back(Part{Field::Literal, std::move(literal), 0});
    return compiled;
}

std::string DashUrlTemplate::expand(const Values& values) const {
    std::string out;
    for (const Part& part : parts_) {
        switch (part.field) {
            case Field::Literal:
                out += part.literal;
                break;
            case Field::RepresentationId:
                out += values.representation_id;
                break;
            case Field::Number:
                append_padded(out, values.number, part.width);
                break;
            case Field::Time:
                append_padded(out, values.time, part.width);
                break;
            case Field::Bandwidth:
                append_padded(out, values.bandwidth, part.width);
                break;
        }
    }
    return out;
}

}  // namespace arina::media
