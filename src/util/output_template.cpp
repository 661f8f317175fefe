#include "util/output_template.hpp"

#include <array>
#include <cstdio>
#include <vector>

namespace arina {
namespace {

enum class FieldKind { Text, Number };

struct FieldInfo {
    std::string_view name;
    FieldKind kind;
};

constexpr std::array kFields = {
    FieldInfo{"title", FieldKind::Text},
    FieldInfo{"id", FieldKind::Text},
    FieldInfo{"ext", FieldKind::Text},
    FieldInfo{"height", FieldKind::Number},
    FieldInfo{"format_id", FieldKind::Text},
    FieldInfo{"platform", FieldKind::Text},
    FieldInfo{"upload_date", FieldKind::Text},
    FieldInfo{"uploader", FieldKind::Text},
    FieldInfo{"playlist_index", FieldKind::Number},
};

const FieldInfo* find_field(std::string_view name) {
    for (const auto& f : kFields)
        if (f.name == name) return &f;
    return nullptr;
}

std::string field_list() {
    std::string out;
    for (const auto& f : kFields) out += (out.empty() ? "" : ", ") + std::string(f.name);
    return out;
}

// One piece of a parsed template: literal text, a directory separator, or a field.
struct Piece {
    enum class Kind { Literal, Separator, Field } kind = Kind::Literal;
    std::string text;                     // Literal: the text; Field: the field's name
    std::optional<std::string> fallback;  // %(field|DEFAULT)s
    std::string flags;
    int width = -1;
    int precision = -1;
    char conversion = 's';
};

Error syntax_error(std::string_view tmpl, std::size_t pos, const std::string& what) {
    return {FailReason::Usage, "output template \"" + std::string(tmpl) + "\": " + what + " (at character " +
                                   std::to_string(pos + 1) + ")"};
}

// Reads up to three digits (a width or precision beyond 999 is never meant).
bool read_number(std::string_view s, std::size_t& i, int& out) {
    std::size_t start = i;
    int value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) value = value * 10 + (s[i++] - '0');
    if (i < s.size() && s[i] >= '0' && s[i] <= '9') return false;
    if (i > start) out = value;
    return true;
}

std::variant<std::vector<Piece>, Error> parse(std::string_view tmpl) {
    std::vector<Piece> pieces;
    auto literal = [&](std::string_view text) {
        if (pieces.empty() || pieces.back().kind != Piece::Kind::Literal) pieces.push_back({});
        pieces.back().text += text;
    };
    if (tmpl.empty()) return Error{FailReason::Usage, "output template is empty"};
    if (tmpl.front() == '/') return syntax_error(tmpl, 0, "an absolute path; the directory is set with -P");
    for (std::size_t i = 0; i < tmpl.size();) {
        const char c = tmpl[i];
        if (c == '/') {
            pieces.push_back({Piece::Kind::Separator});
            ++i;
            continue;
        }
        if (c != '%') {
            literal(tmpl.substr(i, 1));
            ++i;
            continue;
        }
        if (i + 1 < tmpl.size() && tmpl[i + 1] == '%') {
            literal("%");
            i += 2;
            continue;
        }
        if (i + 1 >= tmpl.size() || tmpl[i + 1] != '(')
            return syntax_error(tmpl, i, "'%' must start a field such as %(title)s, or be written %%");
        const auto close = tmpl.find(')', i + 2);
        if (close == std::string_view::npos) return syntax_error(tmpl, i, "unterminated %(field");
        Piece p{Piece::Kind::Field};
        std::string_view inside = tmpl.substr(i + 2, close - i - 2);
        if (const auto bar = inside.find('|'); bar != std::string_view::npos) {
            p.fallback = std::string(inside.substr(bar + 1));
            inside = inside.substr(0, bar);
        }
        p.text = std::string(inside);
        const FieldInfo* field = find_field(inside);
        if (!field)
            return syntax_error(tmpl, i, "unknown field '" + p.text + "' (known: " + field_list() + ")");
        std::size_t j = close + 1;
        while (j < tmpl.size() && std::string_view("-0+ #").find(tmpl[j]) != std::string_view::npos)
            p.flags += tmpl[j++];
        if (!read_number(tmpl, j, p.width)) return syntax_error(tmpl, i, "width too large");
        if (j < tmpl.size() && tmpl[j] == '.') {
            ++j;
            p.precision = 0;
            if (!read_number(tmpl, j, p.precision)) return syntax_error(tmpl, i, "precision too large");
        }
        if (j >= tmpl.size())
            return syntax_error(tmpl, i, "%(" + p.text + ") needs a conversion: s (text) or d (number)");
        p.conversion = tmpl[j] == 'i' ? 'd' : tmpl[j];
        if (p.conversion != 's' && p.conversion != 'd')
            return syntax_error(tmpl, j, "unsupported conversion '" + std::string(1, tmpl[j]) + "' (s or d)");
        if (p.conversion == 'd' && field->kind == FieldKind::Text)
            return syntax_error(tmpl, i, p.text + " is text: write %(" + p.text + ")s");
        pieces.push_back(std::move(p));
        i = j + 1;
    }
    // Directory names must be names: no "", "." or ".." between separators.
    std::string component;
    bool has_field = false;
    auto check_component = [&](bool last) -> Error {
        if (!has_field && (component.empty() || component == "." || component == ".."))
            return {FailReason::Usage,
                    "output template \"" + std::string(tmpl) +
                        "\": " + (last ? "ends without a file name" : "has an empty, '.' or '..' directory")};
        component.clear();
        has_field = false;
        return {};
    };
    for (const auto& p : pieces) {
        if (p.kind == Piece::Kind::Separator) {
            if (Error e = check_component(false)) return e;
        } else if (p.kind == Piece::Kind::Literal) {
            component += p.text;
        } else {
            has_field = true;
        }
    }
    if (Error e = check_component(true)) return e;
    return pieces;
}

// Length of the valid UTF-8 sequence at s[i] (overlongs, surrogates and > U+10FFFF are
// invalid), 0 when invalid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    std::size_t len = 0;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4;
    else
        return 0;
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
        (c == 0xF4 && c1 >= 0x90))
        return 0;
    return len;
}

// Character by character: separators and Windows-reserved characters become full-width
// look-alikes, control characters a space, direction overrides (which can disguise an
// extension) nothing, invalid UTF-8 '_'.
std::string clean_text(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size();) {
        const auto c = static_cast<unsigned char>(raw[i]);
        const std::size_t len = utf8_length(raw, i);
        if (len == 0) {
            out += '_';
            ++i;
            continue;
        }
        const std::string_view ch = raw.substr(i, len);
        i += len;
        if (len == 1) {
            switch (c) {
                case '/':
                    out += "\xE2\xA7\xB8";
                    continue;  // U+29F8 big solidus
                case '\\':
                    out += "\xE2\xA7\xB9";
                    continue;  // U+29F9 big reverse solidus
                case ':':
                    out += "\xEF\xBC\x9A";
                    continue;  // full-width colon
                case '*':
                    out += "\xEF\xBC\x8A";
                    continue;
                case '?':
                    out += "\xEF\xBC\x9F";
                    continue;
                case '"':
                    out += "\xEF\xBC\x82";
                    continue;
                case '<':
                    out += "\xEF\xBC\x9C";
                    continue;
                case '>':
                    out += "\xEF\xBC\x9E";
                    continue;
                case '|':
                    out += "\xEF\xBD\x9C";
                    continue;
                default:
                    break;
            }
            out += (c < 0x20 || c == 0x7F) ? ' ' : static_cast<char>(c);
            continue;
        }
        if (len == 2 && c == 0xC2 && static_cast<unsigned char>(ch[1]) < 0xA0) {  // C1 controls
            out += ' ';
            continue;
        }
        if (len == 3 && c == 0xE2) {
            const auto c1 = static_cast<unsigned char>(ch[1]);
            const auto c2 = static_cast<unsigned char>(ch[2]);
            // U+202A..U+202E embeddings and overrides, U+2066..U+2069 isolates, U+200E/F marks.
            if ((c1 == 0x80 && c2 >= 0xAA && c2 <= 0xAE) || (c1 == 0x81 && c2 >= 0xA6 && c2 <= 0xA9) ||
                (c1 == 0x80 && (c2 == 0x8E || c2 == 0x8F)))
                continue;
        }
        out += ch;
    }
    return out;
}

bool is_reserved_device(std::string_view name) {
    // Windows refuses these as names, whatever the extension and trailing spaces.
    std::string stem(name.substr(0, name.find('.')));
    while (!stem.empty() && stem.back() == ' ') stem.pop_back();
    for (auto& ch : stem) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    static constexpr std::string_view kNames[] = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"};
    for (const auto n : kNames)
        if (stem == n) return true;
    return stem.size() == 4 && (stem.rfind("COM", 0) == 0 || stem.rfind("LPT", 0) == 0) && stem[3] >= '0' &&
           stem[3] <= '9';
}

// One component's final shape: single spaces, no leading '.', '-' or space, no trailing '.'
// or space, no device name.
std::string finish_component(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += c;
    }
    const auto first = out.find_first_not_of(".- ");
    if (first == std::string::npos) return {};
    out.erase(0, first);
    while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
    if (is_reserved_device(out)) out.insert(0, "_");
    return out;
}

std::string format_text(const Piece& p, std::string value) {
    if (p.precision >= 0) {  // characters, not bytes
        std::size_t i = 0;
        for (int n = 0; i < value.size() && n < p.precision; ++n) {
            const std::size_t len = utf8_length(value, i);
            i += len ? len : 1;
        }
        value.resize(i);
    }
    if (p.width > 0 && value.size() < static_cast<std::size_t>(p.width)) {
        const std::string pad(static_cast<std::size_t>(p.width) - value.size(), ' ');
        value = p.flags.find('-') != std::string::npos ? value + pad : pad + value;
    }
    return value;
}

std::string format_number(const Piece& p, std::int64_t value) {
    std::string spec = "%" + p.flags;
    if (p.width >= 0) spec += std::to_string(p.width);
    if (p.precision >= 0) spec += "." + std::to_string(p.precision);
    spec += "lld";
    char buf[1100];
    std::snprintf(buf, sizeof buf, spec.c_str(), static_cast<long long>(value));  // NOLINT: spec built above
    return buf;
}

std::string render_field(const Piece& p, const NamingFields& f) {
    std::optional<std::int64_t> number;
    std::string text;
    if (p.text == "title")
        text = f.title;
    else if (p.text == "id")
        text = f.id;
    else if (p.text == "ext")
        text = f.ext;
    else if (p.text == "format_id")
        text = f.format_id;
    else if (p.text == "platform")
        text = f.platform;
    else if (p.text == "upload_date")
        text = f.upload_date;
    else if (p.text == "uploader")
        text = f.uploader;
    else if (p.text == "height")
        number = f.height;
    else if (p.text == "playlist_index")
        number = f.playlist_index;
    if (number)
        return p.conversion == 'd' ? format_number(p, *number) : format_text(p, std::to_string(*number));
    if (text.empty()) return format_text(p, p.fallback.value_or("NA"));
    return format_text(p, std::move(text));
}

bool valid_extension(std::string_view ext) {
    if (ext.empty() || ext.size() > 10) return false;
    for (const char c : ext)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

}  // namespace

std::string truncate_utf8(std::string_view s, std::size_t max_bytes) {
    if (s.size() <= max_bytes) return std::string(s);
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return std::string(s.substr(0, end));
}

std::string portable_name(std::string_view raw) {
    return finish_component(clean_text(raw));
}

Error check_output_template(std::string_view tmpl) {
    auto parsed = parse(tmpl);
    if (auto* err = std::get_if<Error>(&parsed)) return *err;
    return {};
}

std::variant<std::filesystem::path, Error> render_output_template(std::string_view tmpl,
                                                                  const NamingFields& fields) {
    if (!valid_extension(fields.ext))
        return Error{FailReason::Usage, "output file extension \"" + clean_text(fields.ext) +
                                            "\" is not 1 to 10 lower-case letters or digits"};
    auto parsed = parse(tmpl);
    if (auto* err = std::get_if<Error>(&parsed)) return *err;
    std::vector<std::string> components(1);
    for (const auto& p : std::get<std::vector<Piece>>(parsed)) {
        if (p.kind == Piece::Kind::Separator)
            components.emplace_back();
        else if (p.kind == Piece::Kind::Literal)
            components.back() += clean_text(p.text);
        else
            components.back() += clean_text(render_field(p, fields));
    }
    std::filesystem::path path;
    for (std::size_t i = 0; i + 1 < components.size(); ++i) {
        std::string dir =
            finish_component(truncate_utf8(finish_component(components[i]), kMaxComponentBytes));
        path /= dir.empty() ? "_" : dir;
    }
    // The file name: the format's extension, whatever the title ends with.
    std::string name = components.back();
    const std::string dot_ext = "." + fields.ext;
    if (name.size() >= dot_ext.size() &&
        name.compare(name.size() - dot_ext.size(), dot_ext.size(), dot_ext) == 0)
        name.resize(name.size() - dot_ext.size());
    std::string stem = finish_component(name);
    stem = finish_component(truncate_utf8(stem, kMaxComponentBytes - dot_ext.size()));
    if (stem.empty()) stem = "_";
    path /= stem + dot_ext;
    return path;
}

}  // namespace arina
