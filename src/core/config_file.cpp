#include "core/config_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>
#include <type_traits>

#include "core/config_keys.hpp"
#include "core/config_layers.hpp"
#include "util/atomic_file.hpp"

namespace arina {
namespace {

void put(toml::table& table, std::string_view key, const SettingValue& value) {
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                toml::array list;
                for (const auto& item : v) list.push_back(item);
                table.insert_or_assign(key, std::move(list));
            } else {
                table.insert_or_assign(key, v);
            }
        },
        value);
}

// The [platforms.NAME] tables that give `platforms` (Config::platforms: the user's platforms,
// then the built-in ones) on top of the built-in profiles: a user's platform with its hosts and
// every field it sets; a built-in one with the hosts added to it and the fields that differ from
// its built-in value. A built-in platform left as built in gets no table.
toml::table platform_tables(const std::vector<extract::Platform>& platforms) {
    toml::table out;
    std::vector<std::string> names;
    for (const auto& p : platforms)
        if (std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
    for (const auto& name : names) {
        const extract::Platform* builtin = extract::find_builtin_platform(name);
        std::vector<std::string> hosts;
        const extract::PlatformProfile* profile = nullptr;
        for (const auto& p : platforms) {
            if (p.name != name) continue;
            profile = &p.profile;
            for (const auto& host : p.hosts) {
                const bool built_in_host = builtin && std::find(builtin->hosts.begin(), builtin->hosts.end(),
                                                                host) != builtin->hosts.end();
                if (!built_in_host && std::find(hosts.begin(), hosts.end(), host) == hosts.end())
                    hosts.push_back(host);
            }
        }
        const auto builtin_values = builtin ? config_keys::profile_values(builtin->profile)
                                            : std::vector<std::pair<std::string_view, SettingValue>>{};
        toml::table entry;
        if (!hosts.empty()) put(entry, "hosts", hosts);
        for (const auto& [key, value] : config_keys::profile_values(*profile)) {
            const auto same = std::find_if(builtin_values.begin(), builtin_values.end(), [&](const auto& b) {
                return b.first == key && b.second == value;
            });
            if (same == builtin_values.end()) put(entry, key, value);
        }
        // A platform of the user's own is always written, so one without hosts is refused by the check.
        if (!entry.empty() || !builtin) out.insert_or_assign(name, std::move(entry));
    }
    return out;
}

}  // namespace

Error save_config_file(const std::filesystem::path& path, const Config& config, std::string_view preset) {
    toml::table table;
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
        try {
            table = toml::parse_file(path.string());
        } catch (const toml::parse_error& e) {
            // Overwriting a file the user is editing by hand would lose it: refuse instead.
            return {FailReason::Usage, "config " + path.string() + ": " + std::string(e.description())};
        }
    }
    if (!preset.empty()) table.insert_or_assign("preset", std::string(preset));
    table.insert_or_assign("max_workers", config.max_workers);
    if (config.concurrent_fragments == kAutoConnections)
        table.insert_or_assign("concurrent_fragments", "auto");
    else
        table.insert_or_assign("concurrent_fragments", config.concurrent_fragments);
    table.insert_or_assign("fragment_retries", config.fragment_retries);
    table.insert_or_assign("retries", config.retries);
    table.insert_or_assign("max_connections_per_host", config.max_connections_per_host);
    table.insert_or_assign("http_chunk_size", config.http_chunk_size);
    table.insert_or_assign("socket_timeout", config.socket_timeout);
    table.insert_or_assign("rate_limit", config.rate_limit);
    table.insert_or_assign("retry_sleep", config.retry_sleep);
    table.insert_or_assign("retry_sleep_max", config.retry_sleep_max);
    table.insert_or_assign("output_dir", config.output_dir.string());
    if (!config.database.empty()) table.insert_or_assign("database", config.database.string());
    // Empty means "the default" for these two: an emptied field removes the key.
    for (const auto& [key, value] :
         {std::pair<const char*, const std::string&>{"output_template", config.output_template},
          std::pair<const char*, const std::string&>{"ytdlp_path", config.ytdlp_path}}) {
        if (value.empty())
            table.erase(key);
        else
            table.insert_or_assign(key, value);
    }
    table.erase("platforms");
    if (auto platforms = platform_tables(config.platforms); !platforms.empty())
        table.insert_or_assign("platforms", std::move(platforms));
    std::ostringstream text;
    text << table << "\n";
    // Never write a file the CLI would refuse (a platform of the user's own without hosts, a
    // value out of range): the error names the key.
    if (auto checked = ConfigLayers::from_text(text.str(), path); std::holds_alternative<Error>(checked))
        return std::get<Error>(std::move(checked));
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) return file_error(ec.value(), "cannot create directory", path.parent_path());
    }
    return write_file_atomically(path, text.str());
}

Error write_default_config_file(const std::filesystem::path& path, bool overwrite) {
    std::error_code ec;
    if (!overwrite && std::filesystem::exists(path, ec))
        return {FailReason::Usage, path.string() + " exists (--force overwrites it)"};
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) return file_error(ec.value(), "cannot create directory", path.parent_path());
    }
    return write_file_atomically(path, default_config_text());
}

}  // namespace arina
