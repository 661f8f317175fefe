#include "server/http_request.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace arina::testing {
namespace {

// RFC 9110 5.6.2 token characters.
bool is_token_char(char c) {
    if (std::isalnum(static_cast<unsigned char>(c))) return true;
    static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
    return kSpecials.find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Field values may hold visible characters, spaces, tabs and obs-text, but no other controls.
bool is_valid_value(std::string_view v) {
    return std::none_of(v.begin(), v.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
}

std::vector<std::string_view> split_lines(std::string_view head) {
    std::vector<std::string_view> lines;
    while (!head.empty()) {
        const auto nl = head.find('\n');
        auto line = head.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (nl == std::string_view::npos) break;
        head.remove_prefix(nl + 1);
    }
    return lines;
}

// Whether a comma-separated field value (Connection) holds `token`, case-insensitively.
bool has_token(std::string_view value, std::string_view token) {
    while (!value.empty()) {
        const auto comma = value.find(',');
        if (to_lower(trim_ows(value.substr(0, comma))) == token) return true;
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

std::optional<std::int64_t> parse_decimal(std::string_view s) {
    if (s.empty() || s.size() > 18) return std::nullopt;
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

// "HTTP/1.1" -> minor 1. Returns -1 for garbage, -2 for a well-formed version other than 1.x.
int parse_version(std::string_view v) {
    if (v.size() != 8 || !v.starts_with("HTTP/") || v[6] != '.') return -1;
    if (!std::isdigit(static_cast<unsigned char>(v[5])) || !std::isdigit(static_cast<unsigned char>(v[7])))
        return -1;
    if (v[5] != '1') return -2;
    return v[7] - '0';
}

// Origin form "/p?q", or absolute form "http://host/p?q" (which proxies-minded clients may send).
std::optional<std::string> path_of(std::string_view target) {
    if (target.empty()) return std::nullopt;
    if (target.front() != '/') {
        const auto scheme_end = target.find("://");
        if (scheme_end == std::string_view::npos) return std::nullopt;
        const auto slash = target.find('/', scheme_end + 3);
        target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    return std::string(target.substr(0, target.find_first_of("?#")));
}

}  // namespace

std::string_view HttpRequest::header(const std::string& lower_case_name) const {
    const auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string_view() : std::string_view(it->second);
}

std::size_t leading_empty_line_bytes(std::string_view buffer) {
    std::size_t n = 0;
    while (n < buffer.size() && (buffer[n] == '\r' || buffer[n] == '\n')) ++n;
    return n;
}

std::size_t find_head_end(std::string_view buffer) {
    for (auto nl = buffer.find('\n'); nl != std::string_view::npos; nl = buffer.find('\n', nl + 1)) {
        if (nl + 1 < buffer.size() && buffer[nl + 1] == '\n') return nl + 2;
        if (nl + 2 < buffer.size() && buffer[nl + 1] == '\r' && buffer[nl + 2] == '\n') return nl + 3;
    }
    return 0;
}

ParseResult parse_request_head(std::string_view head) {
    ParseResult result;
    const auto lines = split_lines(head);
    if (lines.empty()) return result;

    // request-line = method SP request-target SP HTTP-version, single spaces exactly.
    const std::string_view request_line = lines.front();
    const auto sp1 = request_line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || request_line.find(' ', sp2 + 1) != std::string_view::npos)
        return result;
    HttpRequest req;
    req.method = std::string(request_line.substr(0, sp1));
    req.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    const int minor = parse_version(request_line.substr(sp2 + 1));
    if (minor == -2) result.error_status = 505;
    if (minor < 0 || !is_token(req.method) || !is_valid_value(req.target)) return result;
    auto path = path_of(req.target);
    if (!path) return result;
    req.path = std::move(*path);
    req.version_minor = minor;

    for (std::size_t i = 1; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        if (line.empty()) break;
        // Obsolete line folding (a continuation line) must be refused by a server (RFC 9112 5.2).
        if (line.front() == ' ' || line.front() == '\t') return result;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) return result;
        const auto name = line.substr(0, colon);
        const auto value = trim_ows(line.substr(colon + 1));
        if (!is_token(name) || !is_valid_value(value)) return result;
        const auto key = to_lower(name);
        auto [it, inserted] = req.headers.emplace(key, std::string(value));
        if (!inserted) {
            if (key == "content-length" && it->second != value) return result;
            if (key != "content-length") it->second += (key == "cookie" ? "; " : ", ") + std::string(value);
        }
    }

    if (const auto cl = req.header("content-length"); !cl.empty()) {
        const auto n = parse_decimal(cl);
        if (!n) return result;
        req.content_length = *n;
    }
    req.chunked_body = !req.header("transfer-encoding").empty();
    const auto connection = req.header("connection");
    req.keep_alive =
        req.version_minor >= 1 ? !has_token(connection, "close") : has_token(connection, "keep-alive");
    result.request = std::move(req);
    return result;
}

}  // namespace arina::testing
