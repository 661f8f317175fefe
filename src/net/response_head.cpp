#include "net/response_head.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

namespace arina::net {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
    s = trim(s);
    if (s.empty()) return std::nullopt;
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || v < 0) return std::nullopt;
    return v;
}

}  // namespace

std::string ResponseHead::get(std::string_view name) const {
    auto it = fields.find(std::string(name));
    return it == fields.end() ? std::string() : it->second;
}

std::optional<std::int64_t> ResponseHead::content_length() const {
    auto it = fields.find("content-length");
    if (it == fields.end()) return std::nullopt;
    return parse_int(it->second);
}

std::optional<ContentRange> parse_content_range(std::string_view value) {
    value = trim(value);
    if (value.size() < 6 || value.substr(0, 6) != "bytes ") return std::nullopt;
    value.remove_prefix(6);
    const auto slash = value.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    ContentRange r;
    const auto total = value.substr(slash + 1);
    if (trim(total) == "*") {
        r.total = -1;
    } else {
        auto t = parse_int(total);
        if (!t) return std::nullopt;
        r.total = *t;
    }
    const auto span = trim(value.substr(0, slash));
    if (span == "*") {
        if (r.total < 0) return std::nullopt;
        return r;
    }
    const auto dash = span.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto first = parse_int(span.substr(0, dash));
    auto last = parse_int(span.substr(dash + 1));
    if (!first || !last || *last < *first) return std::nullopt;
    if (r.total >= 0 && *last >= r.total) return std::nullopt;
    r.first = *first;
    r.last = *last;
    return r;
}

std::optional<double> parse_retry_after(std::string_view value, std::int64_t now_unix) {
    value = trim(value);
    if (auto secs = parse_int(value)) return static_cast<double>(*secs);
    // HTTP-date, IMF-fixdate form: "Sun, 06 Nov 1994 08:49:37 GMT".
    std::tm tm{};
    const std::string text(value);
    const char* end = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0') return std::nullopt;
    const std::int64_t when = ::timegm(&tm);
    return static_cast<double>(std::max<std::int64_t>(0, when - now_unix));
}

bool add_header_line(ResponseHead& head, std::string_view line) {
    const auto stripped = trim(line);
    if (stripped.empty()) return true;
    if (stripped.size() >= 5 && stripped.substr(0, 5) == "HTTP/") {
        head.fields.clear();
        head.status = 0;
        const auto sp = stripped.find(' ');
        if (sp != std::string_view::npos) {
            // Exactly three digits (from_chars alone would take "-12").
            const auto code = stripped.substr(sp + 1, 3);
            if (code.size() == 3 &&
                std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
                head.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
        }
        return false;
    }
    const auto colon = stripped.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    std::string name(trim(stripped.substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    head.fields.emplace(std::move(name), std::string(trim(stripped.substr(colon + 1))));
    return false;
}

std::optional<std::string> framing_problem(const ResponseHead& head, bool range_requested) {
    const auto [first, last] = head.fields.equal_range("content-length");
    std::optional<std::string> length_text;
    for (auto it = first; it != last; ++it) {
        // A field may itself be a list ("5, 5"); equal members are allowed, different ones are not.
        std::string_view rest = it->second;
        while (true) {
            const auto comma = rest.find(',');
            const auto member = trim(rest.substr(0, comma));
            if (!parse_int(member)) {
                if (!member.empty() && member.front() == '-')
                    return "sent a negative Content-Length (" + std::string(member) + ")";
                return "sent a Content-Length that is not a number ('" + std::string(member) + "')";
            }
            if (length_text && *length_text != member)
                return "sent two different Content-Lengths (" + *length_text + " and " + std::string(member) +
                       ")";
            length_text = std::string(member);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    if (length_text && head.has("transfer-encoding"))
        return "sent both Content-Length and Transfer-Encoding: " + head.get("transfer-encoding");
    if (head.status == 206 && range_requested && !head.has("content-range") &&
        head.get("content-type").find("multipart/byteranges") == std::string::npos)
        return "answered 206 Partial Content without a Content-Range";
    return std::nullopt;
}

bool is_strong_etag(std::string_view etag) {
    etag = trim(etag);
    return etag.size() >= 2 && etag.front() == '"' && etag.back() == '"';
}

}  // namespace arina::net
