#include "core/profile_settings.hpp"

#include <algorithm>
#include <charconv>

#include "core/config_keys.hpp"
#include "net/origin.hpp"

namespace arina {
namespace {

const extract::Platform* find_platform(const Config& config, std::string_view name) {
    for (const auto& p : config.platforms)
        if (p.name == name) return &p;
    return nullptr;
}

}  // namespace

std::string platform_of(const Config& config, std::string_view url) {
    return extract::PlatformDetector(config.platforms).detect(url);
}

Config config_for_url(const Config& config, std::string_view url, UrlKind kind) {
    Config c = config;
    const std::string name = platform_of(config, url);
    if (name == extract::kGenericPlatform && kind == UrlKind::Direct) return c;
    // The first platform of that name carries the effective profile (user platforms come
    // first, and ConfigLayers gives every entry of one name the same profile).
    const auto* platform = find_platform(config, name);
    if (!platform) return c;
    for (const auto& [key, value] : config_keys::profile_values(platform->profile)) {
        // The profile's headers belong to the site's own hosts: apply_platform_profile() scopes
        // them. Here they would replace the user's own (--add-header) and go everywhere.
        if (key == "headers") continue;
        config_keys::find(key)->set(c, value);
    }
    return c;
}

ProfiledTask apply_platform_profile(const DownloadTask& task, const Config& config, UrlKind kind) {
    ProfiledTask out{task, config_for_url(config, task.url, kind)};
    Config& c = out.config;
    int connections = task.concurrent_fragments.value_or(c.concurrent_fragments);
    if (c.max_connections_per_host > 0) connections = std::min(connections, c.max_connections_per_host);
    out.task.concurrent_fragments = connections;
    if (task.format.empty() && task.quality_preference.empty())
        out.task.quality_preference = c.quality_preference;
    // The age gate's cookies and the profile's headers go to the page's own origin and the
    // platform's hosts only, never to a CDN or another site the media lives on.
    net::OriginHeaders site;
    const std::string name = platform_of(config, task.url);
    const bool profiled = !(name == extract::kGenericPlatform && kind == UrlKind::Direct);
    if (const auto* platform = profiled ? find_platform(config, name) : nullptr) {
        site.hosts = platform->hosts;
        if (platform->profile.headers) site.headers = *platform->profile.headers;
    }
    if (!c.age_verification.empty()) {
        std::string cookie = "Cookie: ";
        for (std::size_t i = 0; i < c.age_verification.size(); ++i)
            cookie += (i ? "; " : "") + c.age_verification[i];
        site.headers.push_back(std::move(cookie));
    }
    if (!site.headers.empty()) {
        if (const std::string origin = net::origin_of(task.url); !origin.empty())
            site.origins.push_back(origin);
        c.http.origin_headers.push_back(std::move(site));
    }
    return out;
}

std::vector<std::string> ytdlp_profile_args(const Config& url_config) {
    std::vector<std::string> args;
    for (const auto& a : url_config.extractor_args) {
        args.push_back("--extractor-args");
        args.push_back(a);
    }
    if (url_config.request_interval > 0) {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, url_config.request_interval);
        args.push_back("--sleep-requests");
        args.emplace_back(buf, ec == std::errc{} ? end : buf);
    }
    return args;
}

extract::ExtractRequest extract_request_for(const ProfiledTask& profiled) {
    const Config& c = profiled.config;
    extract::ExtractRequest r;
    r.url = profiled.task.url;
    r.http = c.http;
    r.http.socket_timeout = c.socket_timeout;
    for (const auto& h : profiled.task.headers) r.http.headers.push_back(h);
    r.ytdlp_path = c.ytdlp_path;
    r.ytdlp_timeout_seconds = c.ytdlp_timeout;
    r.cookies_from_browser = c.cookies_from_browser;
    r.ytdlp_extra_args = ytdlp_profile_args(c);
    return r;
}

}  // namespace arina
