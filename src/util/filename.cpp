#include "util/filename.hpp"

#include <algorithm>
#include <cctype>

namespace arina {
namespace {

constexpr std::size_t kMaxNameBytes = 255;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0 && c >= 0xC2)
        len = 2;
    else if ((c & 0xF0) == 0xE0)
        len = 3;
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
        len = 4;
    else
        return 0;
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    return len;
}

// Cuts to at most `limit` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string_view s, std::size_t limit) {
    if (s.size() <= limit) return std::string(s);
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return std::string(s.substr(0, end));
}

}  // namespace

std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

std::string sanitize_filename(std::string_view raw) {
    // Only the last path component counts: "../../etc/passwd" becomes "passwd".
    const auto slash = raw.find_last_of("/\\");
    if (slash != std::string_view::npos) raw = raw.substr(slash + 1);

    std::string name;
    name.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size();) {
        const auto c = static_cast<unsigned char>(raw[i]);
        const std::size_t len = utf8_sequence_length(raw, i);
        if (len == 0) {  // invalid UTF-8 byte: replace, keep going
            name.push_back('_');
            ++i;
            continue;
        }
        if (len == 1) {
            if (c < 0x20 || c == 0x7F)
                name.push_back('_');  // control characters
            else
                name.push_back(static_cast<char>(c));
        } else if (len == 2 && c == 0xC2 && static_cast<unsigned char>(raw[i + 1]) < 0xA0) {
            name.push_back('_');  // C1 control characters U+0080..U+009F
        } else {
            name.append(raw.substr(i, len));
        }
        i += len;
    }

    // Trim whitespace at both ends, then the leading characters that make a name
    // hidden ('.') or look like an option ('-').
    auto not_space = [](unsigned char ch) { return !std::isspace(ch); };
    name.erase(name.begin(), std::find_if(name.begin(), name.end(), not_space));
    name.erase(std::find_if(name.rbegin(), name.rend(), not_space).base(), name.end());
    const auto first_ok = name.find_first_not_of(".- ");
    if (first_ok == std::string::npos) return {};
    name.erase(0, first_ok);

    if (name.size() > kMaxNameBytes) {
        const auto dot = name.rfind('.');
        const bool keep_ext = dot != std::string::npos && name.size() - dot <= 16;
        const std::string ext = keep_ext ? name.substr(dot) : std::string();
        name = cut_utf8(name.substr(0, keep_ext ? dot : name.size()), kMaxNameBytes - ext.size()) + ext;
    }
    return name;
}

std::string filename_from_url(std::string_view url) {
    auto cut = url.find_first_of("?#");
    if (cut != std::string_view::npos) url = url.substr(0, cut);
    const auto scheme = url.find("://");
    if (scheme != std::string_view::npos) {
        url = url.substr(scheme + 3);
        const auto path = url.find('/');
        if (path == std::string_view::npos) return {};
        url = url.substr(path);
    }
    const auto slash = url.rfind('/');
    const auto last = slash == std::string_view::npos ? url : url.substr(slash + 1);
    return sanitize_filename(percent_decode(last));
}

std::string filename_from_content_disposition(std::string_view value) {
    std::string plain;
    std::string extended;
    std::size_t pos = 0;
    while (pos < value.size()) {
        auto end = value.find(';', pos);
        // A quoted value may contain ';'.
        auto quote = value.find('"', pos);
        if (quote != std::string_view::npos && quote < end) {
            auto close = value.find('"', quote + 1);
            while (close != std::string_view::npos && value[close - 1] == '\\')
                close = value.find('"', close + 1);
            end = close == std::string_view::npos ? std::string_view::npos : value.find(';', close);
        }
        std::string_view part = value.substr(pos, end == std::string_view::npos ? value.npos : end - pos);
        pos = end == std::string_view::npos ? value.size() : end + 1;

        while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front()))) part.remove_prefix(1);
        const auto eq = part.find('=');
        if (eq == std::string_view::npos) continue;
        std::string key(part.substr(0, eq));
        while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
        std::transform(key.begin(), key.end(), key.begin(),
                       [](unsigned char ch) { return std::tolower(ch); });
        std::string_view val = part.substr(eq + 1);
        while (!val.empty() && std::isspace(static_cast<unsigned char>(val.front()))) val.remove_prefix(1);
        while (!val.empty() && std::isspace(static_cast<unsigned char>(val.back()))) val.remove_suffix(1);

        if (key == "filename*") {
            // charset'language'percent-encoded
            const auto q1 = val.find('\'');
            const auto q2 = q1 == std::string_view::npos ? q1 : val.find('\'', q1 + 1);
            if (q2 != std::string_view::npos) extended = percent_decode(val.substr(q2 + 1));
        } else if (key == "filename") {
            if (val.size() >= 2 && val.front() == '"' && val.back() == '"') {
                val = val.substr(1, val.size() - 2);
                plain.clear();
                for (std::size_t i = 0; i < val.size(); ++i) {
                    if (val[i] == '\\' && i + 1 < val.size()) ++i;
                    plain.push_back(val[i]);
                }
            } else {
                plain = std::string(val);
            }
        }
    }
    return sanitize_filename(extended.empty() ? plain : extended);
}

}  // namespace arina
