#pragma once
// Which site a URL belongs to (PlatformDetector), and how Arina treats that site (its
// PlatformProfile: connections, preferred qualities, the cookies its age gate wants, request
// pacing, yt-dlp extractor arguments).
//
// Detection looks at the URL's host only, never at the rest of the URL: a platform owns a list
// of host suffixes, and a host belongs to it when it equals one of them or ends with "." + one
// of them ("www.youtube.com", "music.youtube.com" belong to "youtube.com";
// "notyoutube.com", "youtube.com.evil.com" and "evil.com/?youtube.com" do not). Hosts compare
// case-insensitively, a trailing dot is ignored, userinfo and port never count.
//
// Built in: youtube, pornhub, xvideos, and "generic" for every other host. Platforms the user
// adds (config file `[platforms.NAME]` with `hosts = [...]`) are checked before the built-in
// ones, so a user may also claim a host for a platform of their own.
//
// Pure and self-contained (standard library only): core's public API hands these types out.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arina::extract {

/// The settings a platform may set. Every field is optional: a built-in profile sets the seed's
/// values, a user override (config file) sets only what it names, and a field nobody sets keeps
/// the value from the layers below (defaults, preset, config file).
struct PlatformProfile {
    /// Connections / fragments in flight per download of this site.
    std::optional<int> concurrent_fragments;
    /// Qualities to try in order: "1080" means a height of at most 1080, "best" the best there is.
    std::optional<std::vector<std::string>> quality_preference;
    /// What the site's age gate wants, as cookies "name=value": sent with every request to this
    /// platform's hosts and to yt-dlp (as a Cookie header). Empty list: no age gate handling.
    std::optional<std::vector<std::string>> age_verification;
    /// Connections to one host of this platform, across all its downloads.
    std::optional<int> max_connections_per_host;
    /// Extra request headers "Name: value", sent to this platform's hosts only.
    std::optional<std::vector<std::string>> headers;
    /// Polite pacing: at least this many seconds between the starts of two requests to the
    /// site (0 = no pacing). Applied to yt-dlp (--sleep-requests); the engine does not pace.
    std::optional<double> request_interval;
    /// yt-dlp --extractor-args values ("youtube:player_client=web"), one per argument.
    std::optional<std::vector<std::string>> extractor_args;

    friend bool operator==(const PlatformProfile&, const PlatformProfile&) = default;
};

/// A platform: its name, the host suffixes that belong to it, and its profile.
struct Platform {
    std::string name;
    std::vector<std::string> hosts;  ///< lower case suffixes, "youtube.com"; empty for generic
    PlatformProfile profile;
};

/// The name of the platform for hosts no platform claims.
inline constexpr std::string_view kGenericPlatform = "generic";

/// youtube, pornhub, xvideos and generic, with the seed's profiles.
const std::vector<Platform>& builtin_platforms();

/// The built-in platform called `name` (generic included); nullptr when there is none.
const Platform* find_builtin_platform(std::string_view name);

/// The host of `url`, lower case, without userinfo, port or trailing dot; a URL without a
/// scheme is read as starting with its host. nullopt when there is no host at all.
std::optional<std::string> url_host(std::string_view url);

/// True when `host` (already lower case) is `suffix` or a subdomain of it.
bool host_matches(std::string_view host, std::string_view suffix);

class PlatformDetector {
  public:
    /// The built-in platforms only.
    PlatformDetector() = default;
    /// `user` platforms are checked first, in order; their hosts are suffixes as above (any
    /// case, a leading "." or "*." allowed).
    explicit PlatformDetector(std::vector<Platform> user);

    /// The platform name for `url`: a user platform, a built-in one, or "generic".
    std::string detect(std::string_view url) const;

    /// The seed's PlatformDetector.detect_platform: the built-in platforms only.
    static std::string detect_platform(std::string_view url);

  private:
    std::vector<Platform> user_;
};

}  // namespace arina::extract
