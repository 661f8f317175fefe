#include "media/url_resolve.hpp"

#include "media/text.hpp"

namespace arina::media {
namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_scheme(std::string_view s) {
    if (s.empty() || !is_alpha(s.front())) return false;
    for (char c : s) {
        if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
    }
    return true;
}

// §5.2.3: a relative path is appended to the base path's directory.
std::string merge_paths(const UriParts& base, std::string_view reference_path) {
    if (base.authority && base.path.empty()) return "/" + std::string(reference_path);
    const auto last_slash = base.path.rfind('/');
    if (last_slash == std::string_view::npos) return std::string(reference_path);
    std::string merged(base.path.substr(0, last_slash + 1));
    merged += reference_path;
    return merged;
}

// §5.3: put the components back together.
std::string recompose(std::optional<std::string_view> scheme, std::optional<std::string_view> authority,
                      std::string_view path, std::optional<std::string_view> query,
                      std::optional<std::string_view> fragment) {
    std::string out;
    out.reserve(path.size() + 64);
    if (scheme) {
        out += *scheme;
        out += ':';
    }
    if (authority) {
        out += "//";
        out += *authority;
    }
    out += path;
    if (query) {
        out += '?';
        out += *query;
    }
    if (fragment) {
        out += '#';
        out += *fragment;
    }
    return out;
}

}  // namespace

UriParts split_uri(std::string_view uri) {
    UriParts parts;
    std::string_view rest = uri;
    // The scheme ends at the first ':' provided no '/', '?' or '#' comes before it.
    const auto colon = rest.find_first_of(":/?#");
    if (colon != std::string_view::npos && rest[colon] == ':' && is_scheme(rest.substr(0, colon))) {
        parts.scheme = rest.substr(0, colon);
        rest.remove_prefix(colon + 1);
    }
    if (rest.starts_with("//")) {
        rest.remove_prefix(2);
        const auto end = rest.find_first_of("/?#");
        parts.authority = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    }
    const auto hash = rest.find('#');
    if (hash != std::string_view::npos) {
        parts.fragment = rest.substr(hash + 1);
        rest = rest.substr(0, hash);
    }
    const auto question = rest.find('?');
    if (question != std::string_view::npos) {
        parts.query = rest.substr(question + 1);
        rest = rest.substr(0, question);
    }
    parts.path = rest;
    return parts;
}

std::string remove_dot_segments(std::string_view path) {
    // The §5.2.4 loop, reading the input through an advancing view instead of erasing its front,
    // so a long path costs linear time.
    std::string out;
    out.reserve(path.size());
    auto drop_last_segment = [&out] {
        const auto slash = out.rfind('/');
        out.erase(slash == std::string::npos ? 0 : slash);
    };
    std::string_view in = path;
    while (!in.empty()) {
        if (in.starts_with("../")) {
            in.remove_prefix(3);
        } else if (in.starts_with("./")) {
            in.remove_prefix(2);
        } else if (in.starts_with("/./")) {
            in.remove_prefix(2);  // leaves the second '/'
        } else if (in == "/.") {
            out += '/';
            break;
        } else if (in.starts_with("/../")) {
            in.remove_prefix(3);  // leaves the second '/'
            drop_last_segment();
        } else if (in == "/..") {
            drop_last_segment();
            out += '/';
            break;
        } else if (in == "." || in == "..") {
            break;
        } else {
            const auto next = in.find('/', 1);
            const auto segment = in.substr(0, next);
            out += segment;
            in.remove_prefix(segment.size());
        }
    }
    return out;
}

std::string resolve_url(std::string_view base, std::string_view reference) {
    const UriParts r = split_uri(text::trim(reference));
    const UriParts b = split_uri(base);
    if (r.scheme) {
        return recompose(r.scheme, r.authority, remove_dot_segments(r.path), r.query, r.fragment);
    }
    if (r.authority) {
        return recompose(b.scheme, r.authority, remove_dot_segments(r.path), r.query, r.fragment);
    }
    if (r.path.empty()) {
        return recompose(b.scheme, b.authority, b.path, r.query ? r.query : b.query, r.fragment);
    }
    if (r.path.front() == '/') {
        return recompose(b.scheme, b.authority, remove_dot_segments(r.path), r.query, r.fragment);
    }
    return recompose(b.scheme, b.authority, remove_dot_segments(merge_paths(b, r.path)), r.query, r.fragment);
}

bool is_absolute_url(std::string_view reference) {
    return split_uri(text::trim(reference)).scheme.has_value();
}

}  // namespace arina::media
