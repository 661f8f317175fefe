#pragma once
// Writing settings back to the configuration file the CLI reads (Config::load_file), for
// programs with a settings screen. Keys this writer does not know (comments, future
// sections such as profiles) are kept as they are in the file.
//
// Threads: any; the write is a small atomic file replacement (temp file, fsync, rename).

#include <filesystem>
#include <string_view>

#include "core/config.hpp"
#include "util/fail_reason.hpp"

namespace arina {

/// Sets every setting of `config` that the file format has (max_workers,
/// concurrent_fragments, retries, fragment_retries, http_chunk_size, socket_timeout,
/// rate_limit, retry_sleep, retry_sleep_max, max_connections_per_host, output_dir,
/// database) in the TOML file at `path`, creating it (and its directory) if needed.
/// `preset`, when not empty, is stored as the file's preset. Error (Usage or
/// FileAccess/DiskFull) names the file.
Error save_config_file(const std::filesystem::path& path, const Config& config, std::string_view preset = {});

/// `arina config init`: writes default_config_text() (config_layers.hpp: every key commented
/// out with its default) to `path`, creating its directory. An existing file is kept unless
/// `overwrite`: Error (Usage) "PATH exists (--force overwrites it)".
Error write_default_config_file(const std::filesystem::path& path, bool overwrite);

}  // namespace arina
