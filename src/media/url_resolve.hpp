#pragma once
// RFC 3986 URI references: splitting into components and resolving a reference against a base
// (§5.2). Pure string functions, usable by any layer that follows links (manifests, redirects).

#include <optional>
#include <string>
#include <string_view>

namespace arina::media {

/// The five components of RFC 3986 Appendix B. A component that is absent (no "scheme:", no
/// "//", no "?", no "#") is nullopt, which differs from present-but-empty ("http://a/b?").
struct UriParts {
    std::optional<std::string_view> scheme;
    std::optional<std::string_view> authority;
    std::string_view path;
    std::optional<std::string_view> query;
    std::optional<std::string_view> fragment;
};

/// Splits `uri` into its components; views point into `uri`. Never fails: every string parses
/// as some reference. A "scheme" that is not ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) is taken
/// as part of a relative path instead ("12:30.ts" is a file name).
UriParts split_uri(std::string_view uri);

/// RFC 3986 §5.2.4: removes "." and ".." segments from a path.
std::string remove_dot_segments(std::string_view path);

/// RFC 3986 §5.2.2 strict resolution of `reference` against `base` (which should be absolute,
/// e.g. the URL a manifest was fetched from after redirects). Leading and trailing whitespace of
/// the reference is ignored. Examples with base "http://a/b/c/d;p?q":
///   "g" -> "http://a/b/c/g", "../g" -> "http://a/b/g", "//g" -> "http://g", "?y" -> "http://a/b/c/d;p?y".
std::string resolve_url(std::string_view base, std::string_view reference);

/// True when `reference` has a scheme (an absolute URI such as "https://cdn/x.ts").
bool is_absolute_url(std::string_view reference);

}  // namespace arina::media
