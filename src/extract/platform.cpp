#include "extract/platform.hpp"

#include <algorithm>
#include <cctype>

namespace arina::extract {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// "*.Example.com." -> "example.com"
std::string normalise_suffix(std::string_view suffix) {
    if (suffix.starts_with("*.")) suffix.remove_prefix(2);
    while (suffix.starts_with('.')) suffix.remove_prefix(1);
    while (suffix.ends_with('.')) suffix.remove_suffix(1);
    return lower(suffix);
}

std::vector<Platform> make_builtin() {
    // The seed's profiles. PornHub's age gate is passed by the two cookies its site sets once a
    // visitor confirms the disclaimer; the seed only says "age_verification: True".
    std::vector<Platform> p;
    p.push_back(
        {"youtube",
         {"youtube.com", "youtu.be", "youtube-nocookie.com"},
         {.concurrent_fragments = 6, .quality_preference = std::vector<std::string>{"1080", "720", "best"}}});
    p.push_back(
        {"pornhub",
         {"pornhub.com", "pornhub.net", "pornhub.org", "pornhubpremium.com"},
         {.concurrent_fragments = 4,
          .quality_preference = std::vector<std::string>{"720", "best"},
          .age_verification = std::vector<std::string>{"age_verified=1", "accessAgeDisclaimerPH=1"}}});
    p.push_back({"xvideos",
                 {"xvideos.com", "xvideos2.com", "xvideos.es", "xvideos.red"},
                 {.concurrent_fragments = 4}});
    p.push_back({std::string(kGenericPlatform), {}, {.concurrent_fragments = 3}});
    return p;
}

std::string detect_in(const std::vector<Platform>& platforms, const std::string& host) {
    for (const auto& platform : platforms)
        for (const auto& suffix : platform.hosts)
            if (host_matches(host, suffix)) return platform.name;
    return {};
}

}  // namespace

const std::vector<Platform>& builtin_platforms() {
    static const std::vector<Platform> platforms = make_builtin();
    return platforms;
}

const Platform* find_builtin_platform(std::string_view name) {
    for (const auto& p : builtin_platforms())
        if (p.name == name) return &p;
    return nullptr;
}

std::optional<std::string> url_host(std::string_view url) {
    std::string_view rest = url;
    if (const auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
        const auto scheme = rest.substr(0, scheme_end);
        const bool is_scheme = !scheme.empty() && std::isalpha(static_cast<unsigned char>(scheme.front())) &&
                               std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) {
                                   return std::isalnum(c) || c == '+' || c == '-' || c == '.';
                               });
        if (is_scheme) rest.remove_prefix(scheme_end + 3);
    } else if (rest.starts_with("//")) {
        rest.remove_prefix(2);
    }
    // The authority ends at the path, query or fragment; a backslash ends it too, as browsers
    // read http URLs ("https://evil.com\@youtube.com" goes to evil.com).
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#\\"));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    std::string_view host = authority;
    if (host.starts_with('[')) {
        const auto close = host.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = host.substr(0, close + 1);
    } else if (const auto colon = host.find(':'); colon != std::string_view::npos) {
        host = host.substr(0, colon);
    }
    while (host.ends_with('.')) host.remove_suffix(1);
    if (host.empty()) return std::nullopt;
    return lower(host);
}

bool host_matches(std::string_view host, std::string_view suffix) {
    if (suffix.empty() || host.size() < suffix.size()) return false;
    if (!host.ends_with(suffix)) return false;
    return host.size() == suffix.size() || host[host.size() - suffix.size() - 1] == '.';
}

PlatformDetector::PlatformDetector(std::vector<Platform> user) : user_(std::move(user)) {
    for (auto& platform : user_)
        for (auto& suffix : platform.hosts) suffix = normalise_suffix(suffix);
}

std::string PlatformDetector::detect(std::string_view url) const {
    const auto host = url_host(url);
    if (!host) return std::string(kGenericPlatform);
    if (auto name = detect_in(user_, *host); !name.empty()) return name;
    if (auto name = detect_in(builtin_platforms(), *host); !name.empty()) return name;
    return std::string(kGenericPlatform);
}

std::string PlatformDetector::detect_platform(std::string_view url) {
    return PlatformDetector().detect(url);
}

}  // namespace arina::extract
