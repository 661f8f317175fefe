#include "core/config_file.hpp"

#include <toml++/toml.h>

#include <sstream>

#include "core/config_layers.hpp"
#include "util/atomic_file.hpp"

namespace arina {

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
    std::ostringstream text;
    text << table << "\n";
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
