#pragma once
// A task's platform profile, applied where the task starts: the manager's Config holds every
// platform's effective profile (Config::platforms: built-in values, the config file's
// [platforms.NAME] overrides, less what the command line set for every URL), and these
// functions give one task the settings of its URL's platform. Private to core: the CLI and the
// desktop app get the same through DownloadManager; `arina config show` prints the same
// layering from ConfigLayers.

#include <string_view>

#include "core/config.hpp"
#include "core/config_layers.hpp"
#include "core/task.hpp"
#include "extract/extractor.hpp"

namespace arina {

/// The platform of `url` among config.platforms ("generic" when none claims its host).
std::string platform_of(const Config& config, std::string_view url);

/// `config` with the profile of `url`'s platform applied (what ConfigLayers::resolve_for gives
/// from the layers). UrlKind::Direct: the generic profile does not apply to plain files and
/// manifests, so they keep the configured connections.
Config config_for_url(const Config& config, std::string_view url, UrlKind kind);

/// What a task runs with.
struct ProfiledTask {
    DownloadTask task;
    Config config;
};

/// The task and the settings it runs with: config_for_url() for its URL, then
///  - concurrent_fragments: the task's own, else the profile's (else the config's), never more
///    than the profile's per-host budget (max_connections_per_host, when not 0);
///  - quality_preference: the profile's when the task names neither a format nor a preference;
///  - the age gate's cookies (age_verification) as one "Cookie:" header, and the profile's
///    headers, in config.http.origin_headers scoped to the task URL's origin and the platform's
///    hosts (sent with the task's requests to those servers only, and to yt-dlp); the user's own
///    headers (config.http.headers) stay as they are, for every request.
ProfiledTask apply_platform_profile(const DownloadTask& task, const Config& config, UrlKind kind);

/// The request for the extractor chain of a profiled task: yt-dlp's path, timeout and
/// --cookies-from-browser, the HTTP options (headers, and the site's own headers with the age
/// gate's Cookie, which the yt-dlp bridge passes as --add-header for the page's origin), and as extra yt-dlp
/// arguments the profile's
/// --extractor-args and its pacing as --sleep-requests.
extract::ExtractRequest extract_request_for(const ProfiledTask& profiled);

/// The extra yt-dlp arguments of extract_request_for().
std::vector<std::string> ytdlp_profile_args(const Config& url_config);

}  // namespace arina
