#include "core/config.hpp"

#include <toml++/toml.h>

#include <cstdio>
#include <cstdlib>

#include "util/log_hook.hpp"

namespace arina {

std::filesystem::path Config::default_config_path() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "arina/config.toml";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".config/arina/config.toml";
    return "arina.toml";
}

std::optional<Config> Config::preset(std::string_view name) {
    Config c;
    if (name == "high-performance") {
        c.max_workers = 8;
        c.concurrent_fragments = 8;
        c.http_chunk_size = 20 * 1024 * 1024;
    } else if (name == "stable") {
        // the defaults
    } else if (name == "conservative") {
        c.max_workers = 2;
        c.concurrent_fragments = 2;
        c.http_chunk_size = 5 * 1024 * 1024;
    } else {
        return std::nullopt;
    }
    return c;
}

std::variant<Config, Error> Config::load_file(const std::filesystem::path& path) {
    toml::table table;
    try {
        table = toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
        return Error{FailReason::Usage, "config " + path.string() + ": " + std::string(e.description())};
    }
    Config c;
    if (auto preset_name = table["preset"].value<std::string>()) {
        auto p = preset(*preset_name);
        if (!p)
            return Error{FailReason::Usage,
                         "config " + path.string() + ": unknown preset '" + *preset_name + "'"};
        c = *p;
    }
    std::string bad;
    auto read_int = [&](const char* key, int& into, int min, int max) {
        if (auto node = table[key]; node) {
            auto v = node.value<std::int64_t>();
            if (!v || *v < min || *v > max)
                bad = key;
            else
                into = static_cast<int>(*v);
        }
    };
    auto read_double = [&](const char* key, double& into, double min) {
        if (auto node = table[key]; node) {
            auto v = node.value<double>();
            if (!v || *v < min)
                bad = key;
            else
                into = *v;
        }
    };
    read_int("max_workers", c.max_workers, 1, 64);
    read_int("concurrent_fragments", c.concurrent_fragments, 1, 64);
    read_int("fragment_retries", c.fragment_retries, 0, 1000);
    read_int("retries", c.retries, 0, 1000);
    read_int("max_connections_per_host", c.max_connections_per_host, 0, 1024);
    read_double("socket_timeout", c.socket_timeout, 0.1);
    read_double("rate_limit", c.rate_limit, 0);
    read_double("retry_sleep", c.retry_sleep, 0);
    read_double("retry_sleep_max", c.retry_sleep_max, 0);
    if (auto node = table["http_chunk_size"]; node) {
        auto v = node.value<std::int64_t>();
        if (!v || *v < 65536)
            bad = "http_chunk_size";
        else
            c.http_chunk_size = *v;
    }
    if (auto v = table["output_dir"].value<std::string>()) c.output_dir = *v;
    if (auto v = table["database"].value<std::string>()) c.database = *v;
    if (!bad.empty())
        return Error{FailReason::Usage, "config " + path.string() + ": invalid value for '" + bad + "'"};
    return c;
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
