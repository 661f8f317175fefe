#include "core/config.hpp"

#include <cstdlib>

#include "core/config_layers.hpp"
#include "util/log_hook.hpp"

namespace arina {

int auto_connection_budget(const Config& config) {
    constexpr int kWithoutHostBudget = 16;
    return config.max_connections_per_host > 0 ? config.max_connections_per_host : kWithoutHostBudget;
}

std::filesystem::path Config::default_config_path() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "arina/config.toml";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".config/arina/config.toml";
    return "arina.toml";
}

std::optional<std::string> Config::preset_name(std::string_view name) {
    // The seed spells it high_performance; the command line and the desktop app have long
    // written high-performance. Both name the one preset.
    if (name == "high_performance" || name == "high-performance") return "high_performance";
    if (name == "stable" || name == "conservative") return std::string(name);
    return std::nullopt;
}

std::optional<Config> Config::preset(std::string_view name) {
    const auto canonical = preset_name(name);
    if (!canonical) return std::nullopt;
    Config c;
    if (*canonical == "high_performance") {
        c.max_workers = 8;
        c.concurrent_fragments = 8;
        c.http_chunk_size = 20 * 1024 * 1024;
    } else if (*canonical == "conservative") {
        c.max_workers = 2;
        c.concurrent_fragments = 2;
        c.http_chunk_size = 5 * 1024 * 1024;
    }
    // stable: the defaults
    return c;
}

std::variant<Config, Error> Config::load_file(const std::filesystem::path& path) {
    auto layers = ConfigLayers::from_file(path);
    if (auto* err = std::get_if<Error>(&layers)) return *err;
    return std::get<ConfigLayers>(layers).resolve();
}

Config Config::load() {
    const auto path = default_config_path();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return Config{};
    auto loaded = load_file(path);
    if (auto* err = std::get_if<Error>(&loaded)) {
        emit_log(LogLevel::Warn, err->message + "; using defaults");
        return Config{};
    }
    return std::get<Config>(loaded);
}

}  // namespace arina
