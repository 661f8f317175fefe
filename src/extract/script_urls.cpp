#include "extract/script_urls.hpp"

#include <optional>

#include "extract/url_name.hpp"

namespace arina::extract {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

// Reads the literal opening at script[start] (a quote). Returns its unescaped text, or nullopt
// when it is too long to be a URL or not closed; `end` is set past the literal either way.
std::optional<std::string> read_literal(std::string_view script, std::size_t start, std::size_t& end) {
    const char quote = script[start];
    std::string text;
    bool too_long = false;
    std::size_t i = start + 1;
    while (i < script.size()) {
        const char c = script[i];
        if (c == quote) {
            end = i + 1;
            if (too_long) return std::nullopt;
            return text;
        }
        // A line break ends an unterminated '...' or "..." literal (a syntax error in the script).
        if (c == '\n' && quote != '`') break;
        if (text.size() > kMaxScriptUrlBytes) too_long = true;
        if (c == '\\' && i + 1 < script.size()) {
            const char e = script[i + 1];
            if (e == 'u' && i + 5 < script.size()) {
                unsigned code = 0;
                bool valid = true;
                for (std::size_t k = i + 2; k < i + 6; ++k) {
                    const int digit = hex_digit(script[k]);
                    valid = valid && digit >= 0;
                    code = code * 16 + static_cast<unsigned>(digit < 0 ? 0 : digit);
                }
                if (valid) {
                    if (!too_long) append_utf8(text, code);
                    i += 6;
                    continue;
                }
            }
            if (!too_long) text += e;  // \/ \" \' \\ and the rest: the character itself
            i += 2;
            continue;
        }
        if (!too_long) text += c;
        ++i;
    }
    end = i;
    return std::nullopt;
}

bool looks_like_media_url(std::string_view text) {
    if (text.empty() || text.size() > kMaxScriptUrlBytes) return false;
    for (char c : text)
        if (static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '\'' || c == '<' || c == '>' ||
            c == '\\')
            return false;
    const bool absolute = is_http_url(text) || (text.starts_with("//") && text.size() > 2 && text[2] != '/');
    const bool root_relative = text.starts_with("/") && !text.starts_with("//") && !text.starts_with("/*");
    if (!absolute && !root_relative) return false;
    const std::string ext = url_path_extension(text);
    return ext == "m3u8" || ext == "mpd" || ext == "mp4";
}

}  // namespace

std::vector<std::string> media_urls_in_script(std::string_view script, std::size_t max_urls) {
    std::vector<std::string> urls;
    std::size_t i = 0;
    while (i < script.size() && urls.size() < max_urls) {
        const char c = script[i];
        if (c == '/' && i + 1 < script.size() && script[i + 1] == '/') {
            const auto line_end = script.find('\n', i);
            i = line_end == std::string_view::npos ? script.size() : line_end + 1;
        } else if (c == '/' && i + 1 < script.size() && script[i + 1] == '*') {
            const auto comment_end = script.find("*/", i + 2);
            i = comment_end == std::string_view::npos ? script.size() : comment_end + 2;
        } else if (c == '"' || c == '\'' || c == '`') {
            std::size_t end = i + 1;
            auto literal = read_literal(script, i, end);
            if (literal && looks_like_media_url(*literal)) urls.push_back(std::move(*literal));
            i = end;
        } else {
            ++i;
        }
    }
    return urls;
}

}  // namespace arina::extract
