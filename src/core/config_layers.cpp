#include "core/config_layers.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "core/config_keys.hpp"

namespace arina {
namespace {

namespace keys = config_keys;

// The keys a preset sets (Config::preset).
constexpr std::string_view kPresetKeys[] = {"max_workers", "concurrent_fragments", "http_chunk_size"};

std::string toml_string(std::string_view text) {
    std::string out = "\"";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

// A problem found in the file, kept with its line so that the first one in the file is reported.
struct Problem {
    std::int64_t line = 0;
    std::string text;
};

// What a TOML node holds, as a SettingValue; the description of its type when it holds
// something no setting takes (a table, a date, a list of numbers).
std::variant<SettingValue, std::string> from_node(const toml::node& node) {
    if (auto v = node.as_boolean()) return SettingValue{v->get()};
    if (auto v = node.as_integer()) return SettingValue{v->get()};
    if (auto v = node.as_floating_point()) return SettingValue{v->get()};
    if (auto v = node.as_string()) return SettingValue{v->get()};
    if (auto array = node.as_array()) {
        std::vector<std::string> items;
        for (const auto& item : *array) {
            auto text = item.as_string();
            if (!text) return std::string("a list of other things than strings");
            items.push_back(text->get());
        }
        return SettingValue{std::move(items)};
    }
    if (node.is_table()) return std::string("a table");
    return std::string("a date or time");
}

std::int64_t line_of(const toml::node& node) {
    return static_cast<std::int64_t>(node.source().begin.line);
}

bool valid_platform_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::optional<std::string> host_problem(const std::string& host) {
    std::string_view h = host;
    if (h.starts_with("*.")) h.remove_prefix(2);
    while (h.starts_with('.')) h.remove_prefix(1);
    if (h.empty() || h.find_first_of("/:@?# \t\\") != std::string_view::npos)
        return "expected a host such as \"example.com\", got \"" + host + "\"";
    return std::nullopt;
}

std::string profile_key_list() {
    std::string out;
    for (const auto& k : keys::all())
        if (k.profile) out += ", " + std::string(k.name);
    return "hosts" + out;
}

std::size_t key_index(std::string_view name) {
    const auto& all = keys::all();
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i].name == name) return i;
    return all.size();
}

}  // namespace

std::string format_setting_value(const SettingValue& value) {
    struct Visitor {
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(std::int64_t i) const { return std::to_string(i); }
        std::string operator()(double d) const {
            char buf[64];
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
            return ec == std::errc{} ? std::string(buf, end) : std::to_string(d);
        }
        std::string operator()(const std::string& s) const { return toml_string(s); }
        std::string operator()(const std::vector<std::string>& list) const {
            std::string out = "[";
            for (std::size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + toml_string(list[i]);
            return out + "]";
        }
    };
    return std::visit(Visitor{}, value);
}

std::variant<ConfigLayers, Error> ConfigLayers::from_file(const std::filesystem::path& path) {
    return parse(path, nullptr);
}

std::variant<ConfigLayers, Error> ConfigLayers::from_text(std::string_view text,
                                                          const std::filesystem::path& path) {
    return parse(path, &text);
}

std::variant<ConfigLayers, Error> ConfigLayers::parse(const std::filesystem::path& path,
                                                      const std::string_view* content) {
    const std::string name = path.string();
    toml::table table;
    try {
        table = content ? toml::parse(*content, name) : toml::parse_file(name);
    } catch (const toml::parse_error& e) {
        const auto line = e.source().begin.line;
        return Error{FailReason::Usage, name + (line > 0 ? ":" + std::to_string(line) : std::string()) +
                                            ": " + std::string(e.description())};
    }
    ConfigLayers layers;
    layers.file_ = path;
    auto origin = [&](std::int64_t line) { return "config file " + name + ":" + std::to_string(line); };
    std::vector<Problem> problems;
    auto problem = [&](std::int64_t line, const std::string& key, const std::string& text) {
        problems.push_back({line, name + ":" + std::to_string(line) + ": " + key + ": " + text});
    };
    // Reads one setting; `profile_only` restricts it to the keys a platform table takes.
    auto read = [&](const std::string& shown_key, std::string_view key, const toml::node& node,
                    bool profile_only) -> std::optional<Assignment> {
        const auto line = line_of(node);
        const keys::Key* k = keys::find(key);
        if (!k || (profile_only && !k->profile)) {
            problem(line, shown_key,
                    profile_only
                        ? "not a platform setting (a platform table takes " + profile_key_list() + ")"
                        : std::string("unknown setting"));
            return std::nullopt;
        }
        auto converted = from_node(node);
        if (auto* type = std::get_if<std::string>(&converted)) {
            problem(line, shown_key,
                    "expected " + std::string(keys::expected_type(k->kind)) + ", got " + *type);
            return std::nullopt;
        }
        SettingValue value = std::get<SettingValue>(std::move(converted));
        if (auto p = keys::normalise(*k, value)) {
            problem(line, shown_key, *p);
            return std::nullopt;
        }
        return Assignment{std::string(key), std::move(value), origin(line)};
    };

    for (auto&& [toml_key, node] : table) {
        const std::string key(toml_key.str());
        const auto line = line_of(node);
        if (key == "preset") {
            auto text = node.as_string();
            if (!text) {
                problem(
                    line, key,
                    "expected a string, got " + std::string(node.is_table() ? "a table" : "another type"));
                continue;
            }
            auto canonical = Config::preset_name(text->get());
            if (!canonical) {
                problem(line, key,
                        "unknown preset \"" + text->get() + "\" (high_performance, stable or conservative)");
                continue;
            }
            layers.file_preset_ = Assignment{key, *canonical, origin(line)};
        } else if (key == "platforms") {
            auto platforms = node.as_table();
            if (!platforms) {
                problem(line, key, "expected tables [platforms.NAME]");
                continue;
            }
            for (auto&& [platform_key, platform_node] : *platforms) {
                const std::string platform(platform_key.str());
                const std::string prefix = "platforms." + platform;
                const auto platform_line = line_of(platform_node);
                auto settings = platform_node.as_table();
                if (!settings) {
                    problem(platform_line, prefix, "expected a table [" + prefix + "]");
                    continue;
                }
                if (!valid_platform_name(platform)) {
                    problem(platform_line, prefix,
                            "a platform name is lower case letters, digits, '-' and '_'");
                    continue;
                }
                PlatformTable entry{platform, {}, {}};
                for (auto&& [setting_key, setting_node] : *settings) {
                    const std::string setting(setting_key.str());
                    if (setting == "hosts") {
                        auto value = from_node(setting_node);
                        auto* list = std::get_if<SettingValue>(&value);
                        if (!list || !std::holds_alternative<std::vector<std::string>>(*list)) {
                            problem(line_of(setting_node), prefix + ".hosts",
                                    "expected a list of host names");
                            continue;
                        }
                        for (const auto& host : std::get<std::vector<std::string>>(*list))
                            if (auto p = host_problem(host))
                                problem(line_of(setting_node), prefix + ".hosts", *p);
                        entry.hosts = std::get<std::vector<std::string>>(*list);
                        if (platform == extract::kGenericPlatform && !entry.hosts.empty())
                            problem(line_of(setting_node), prefix + ".hosts",
                                    "generic is every host no platform claims; it takes no hosts");
                        continue;
                    }
                    if (auto a = read(prefix + "." + setting, setting, setting_node, true))
                        entry.values.push_back(std::move(*a));
                }
                if (entry.hosts.empty() && !extract::find_builtin_platform(platform))
                    problem(platform_line, prefix,
                            "not a built-in platform (youtube, pornhub, xvideos, generic); a platform of "
                            "your own "
                            "needs hosts = [\"example.com\"]");
                layers.file_platforms_.push_back(std::move(entry));
            }
        } else if (auto a = read(key, key, node, false)) {
            layers.file_values_.push_back(std::move(*a));
        }
    }
    if (!problems.empty()) {
        const auto first =
            std::min_element(problems.begin(), problems.end(),
                             [](const Problem& a, const Problem& b) { return a.line < b.line; });
        return Error{FailReason::Usage, first->text};
    }
    // The file's own order, for the user platforms' detection order.
    std::stable_sort(layers.file_platforms_.begin(), layers.file_platforms_.end(),
                     [&](const PlatformTable& a, const PlatformTable& b) {
                         return line_of(*table["platforms"][a.name].node()) <
                                line_of(*table["platforms"][b.name].node());
                     });
    return layers;
}

Error ConfigLayers::set_preset(std::string_view name) {
    auto canonical = Config::preset_name(name);
    if (!canonical)
        return {FailReason::Usage, "preset: unknown preset \"" + std::string(name) +
                                       "\" (high_performance, stable or conservative)"};
    cli_preset_ = *canonical;
    return {};
}

Error ConfigLayers::set(std::string_view key, SettingValue value) {
    const keys::Key* k = keys::find(key);
    if (!k) return {FailReason::Usage, std::string(key) + ": unknown setting"};
    if (auto p = keys::normalise(*k, value)) return {FailReason::Usage, std::string(key) + ": " + *p};
    std::erase_if(cli_values_, [&](const Assignment& a) { return a.key == key; });
    cli_values_.push_back({std::string(key), std::move(value), "command line"});
    return {};
}

std::vector<extract::Platform> ConfigLayers::platforms() const {
    auto profile_for = [&](const std::string& name) {
        extract::PlatformProfile profile;
        if (const auto* builtin = extract::find_builtin_platform(name)) profile = builtin->profile;
        for (const auto& table : file_platforms_)
            if (table.name == name)
                for (const auto& a : table.values) keys::set_profile_value(profile, a.key, a.value);
        // What the command line sets holds for every URL, above any profile.
        for (const auto& a : cli_values_) keys::clear_profile_value(profile, a.key);
        if (cli_preset_)
            for (auto key : kPresetKeys) keys::clear_profile_value(profile, key);
        return profile;
    };
    std::vector<extract::Platform> out;
    for (const auto& table : file_platforms_)
        if (!table.hosts.empty()) out.push_back({table.name, table.hosts, profile_for(table.name)});
    for (const auto& builtin : extract::builtin_platforms())
        out.push_back({builtin.name, builtin.hosts, profile_for(builtin.name)});
    return out;
}

std::vector<ConfigLayers::Assignment> ConfigLayers::layered(std::string_view url, UrlKind kind,
                                                            std::vector<EffectiveSetting>& heading) const {
    std::vector<Assignment> rows;
    const Config defaults;
    for (const auto& k : keys::all()) rows.push_back({std::string(k.name), k.get(defaults), "default"});
    auto put = [&](std::string_view key, const SettingValue& value, const std::string& origin) {
        const auto i = key_index(key);
        if (i < rows.size()) rows[i] = {std::string(key), value, origin};
    };
    auto put_preset = [&](const std::string& name, const std::string& origin) {
        const Config preset = *Config::preset(name);
        for (auto key : kPresetKeys) put(key, keys::find(key)->get(preset), origin);
    };

    const std::string base_preset = file_preset_ ? std::get<std::string>(file_preset_->value) : "stable";
    put_preset(base_preset, "preset " + base_preset);
    for (const auto& a : file_values_) put(a.key, a.value, a.origin);

    if (cli_preset_)
        heading.push_back({"preset", format_setting_value(*cli_preset_), "command line"});
    else if (file_preset_)
        heading.push_back({"preset", format_setting_value(file_preset_->value), file_preset_->origin});
    else
        heading.push_back({"preset", format_setting_value(std::string("stable")), "default"});

    if (!url.empty()) {
        const std::string platform = extract::PlatformDetector(platforms()).detect(url);
        const auto host = extract::url_host(url);
        std::string why = host ? "host " + *host : "no host";
        for (const auto& table : file_platforms_)
            if (table.name == platform && !table.hosts.empty()) why += ", hosts from " + file_.string();
        // The generic profile is for media found on pages; files and manifests keep the rest.
        const bool applies = platform != extract::kGenericPlatform || kind == UrlKind::Page;
        if (!applies) why += "; plain files and manifests take no generic profile";
        heading.push_back({"platform", format_setting_value(platform), why});
        if (applies) {
            if (const auto* builtin = extract::find_builtin_platform(platform))
                for (const auto& [key, value] : keys::profile_values(builtin->profile))
                    put(key, value, "profile " + platform);
            for (const auto& table : file_platforms_)
                if (table.name == platform)
                    for (const auto& a : table.values) put(a.key, a.value, a.origin);
        }
    }
    if (cli_preset_) put_preset(*cli_preset_, "preset " + *cli_preset_ + " (command line)");
    for (const auto& a : cli_values_) put(a.key, a.value, a.origin);
    return rows;
}

std::vector<EffectiveSetting> ConfigLayers::explain(std::string_view url, UrlKind kind) const {
    std::vector<EffectiveSetting> out;
    for (const auto& r : layered(url, kind, out))
        out.push_back({r.key, format_setting_value(r.value), r.origin});
    return out;
}

Config ConfigLayers::resolve_for(std::string_view url, UrlKind kind) const {
    // The layering explain() prints, applied: `config show` cannot disagree with what runs.
    std::vector<EffectiveSetting> heading;
    Config c;
    for (const auto& r : layered(url, kind, heading)) keys::find(r.key)->set(c, r.value);
    c.platforms = platforms();
    return c;
}

Config ConfigLayers::resolve() const {
    return resolve_for({});
}

}  // namespace arina
