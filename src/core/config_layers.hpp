#pragma once
// Where each setting comes from. Settings are layered, lowest first:
//
//   default            the built-in value (Config's member initialisers, the seed's table)
//   preset NAME        high_performance / stable (the default preset) / conservative
//   config file P:L    a key at line L of the config file P
//   profile NAME       the platform profile of the URL (youtube, pornhub, ...); a
//                      [platforms.NAME] table of the config file overrides it field by field
//                      (origin: that line of the file)
//   command line       a flag (or a preset named with --preset, which sits just below flags)
//
// and the task's own fields (DownloadTask::concurrent_fragments, format, headers) beat all of
// them. The generic profile (every host no platform claims) is for media found on web pages;
// plain files and HLS/DASH manifests keep the settings without it (UrlKind::Direct).
//
// ConfigLayers keeps the layers apart so that `arina config show URL` can print every value
// with its origin; resolve() flattens them into the Config the manager runs with.
//
// Config file (TOML; `arina config init` writes a commented one):
//
//   preset = "stable"
//   concurrent_fragments = 5
//   [platforms.youtube]            # override a built-in profile, field by field
//   concurrent_fragments = 8
//   [platforms.mysite]             # a platform of your own: checked before the built-in ones
//   hosts = ["example.com"]        # the host and its subdomains
//   quality_preference = ["720", "best"]
//
// Unknown keys, wrong types and out-of-range values are errors naming the file, the line and
// the key: "/home/me/.config/arina/config.toml:12: concurrent_fragments: must be between 1
// and 64, got 0".

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config.hpp"
#include "util/fail_reason.hpp"

namespace arina {

/// One setting's value as the file or the command line gives it.
using SettingValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>>;

/// TOML syntax: 4, 0.5, true, "text", ["a", "b"].
std::string format_setting_value(const SettingValue& value);

/// One line of `arina config show`.
struct EffectiveSetting {
    std::string key;
    std::string value;   ///< TOML syntax
    std::string origin;  ///< "default", "preset stable", "config file /p/config.toml:12", "profile youtube",
                         ///< "command line"
    friend bool operator==(const EffectiveSetting&, const EffectiveSetting&) = default;
};

/// How a URL is downloaded, as far as profiles care.
enum class UrlKind {
    Page,    ///< a web page whose media is extracted (every platform's profile applies)
    Direct,  ///< a plain file or a manifest: the generic profile does not apply
};

class ConfigLayers {
  public:
    /// Defaults only (preset stable), no file.
    ConfigLayers() = default;

    /// Defaults, overridden by the TOML file at `path`. Error (Usage) naming the file, the
    /// line and the key; a file that cannot be read names the file.
    static std::variant<ConfigLayers, Error> from_file(const std::filesystem::path& path);
    /// As from_file, for `text` that is (or is about to be) the content of `path`: what a
    /// settings screen checks before it writes the file.
    static std::variant<ConfigLayers, Error> from_text(std::string_view text,
                                                       const std::filesystem::path& path);

    /// The command line's layer. `name` as Config::preset takes it.
    Error set_preset(std::string_view name);
    /// The command line's layer: `key` is a config file key. Error (Usage):
    /// "KEY: must be between 1 and 64, got 0".
    Error set(std::string_view key, SettingValue value);

    /// The settings for every URL (no profile applied; Config::platforms carries the profiles).
    Config resolve() const;
    /// The settings for `url`: resolve() with the URL's platform profile applied.
    Config resolve_for(std::string_view url, UrlKind kind = UrlKind::Page) const;
    /// Every setting with its value and origin, for `url` (empty: for every URL). The first
    /// lines are `preset` and, with a URL, `platform`.
    std::vector<EffectiveSetting> explain(std::string_view url = {}, UrlKind kind = UrlKind::Page) const;

    /// The file these layers were read from (empty without one).
    const std::filesystem::path& file() const { return file_; }

    struct Assignment {
        std::string key;
        SettingValue value;
        std::string origin;
    };
    struct PlatformTable {
        std::string name;
        std::vector<std::string> hosts;  ///< a platform of the user's own (or hosts added to a built-in one)
        std::vector<Assignment> values;  ///< profile fields it overrides
    };

  private:
    std::filesystem::path file_;
    std::optional<Assignment> file_preset_;
    std::vector<Assignment> file_values_;
    std::vector<PlatformTable> file_platforms_;
    std::optional<std::string> cli_preset_;
    std::vector<Assignment> cli_values_;

    /// from_file (text null) and from_text.
    static std::variant<ConfigLayers, Error> parse(const std::filesystem::path& path,
                                                   const std::string_view* content);
    std::vector<extract::Platform> platforms() const;
    /// One row per key (config_keys order) with its value and origin; `heading` gets the
    /// preset and platform lines.
    std::vector<Assignment> layered(std::string_view url, UrlKind kind,
                                    std::vector<EffectiveSetting>& heading) const;
};

/// The text `arina config init` writes: every key commented out with its default and what it
/// does, and an example of a platform table.
std::string default_config_text();

}  // namespace arina
