#pragma once
// Writing settings back to the configuration file the CLI reads (Config::load_file), for
// programs with a settings screen. Keys this writer does not set are kept as they are in the
// file (comments are not: the file is written anew).
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
/// database, output_template, ytdlp_path) in the TOML file at `path`, creating it (and its
/// directory) if needed, and replaces the file's `[platforms.NAME]` tables with what
/// `config.platforms` differs from the built-in platforms by (a platform of the user's own with
/// its hosts and fields; a built-in one with the hosts and the fields that differ from its
/// built-in value). `config` is therefore a Config as load_file gives it (the command line's
/// layer clears profile fields). TOML tables are written in name order, so platforms of the
/// user's own are detected in name order after a save. `preset`, when not empty, is stored as
/// the file's preset. The text is checked as load_file would read it before anything is
/// written: Error (Usage) "PATH:LINE: platforms.mine: ..." when it would not load, else Error
/// (FileAccess/DiskFull) naming the file.
Error save_config_file(const std::filesystem::path& path, const Config& config, std::string_view preset = {});

/// `arina config init`: writes default_config_text() (config_layers.hpp: every key commented
/// out with its default) to `path`, creating its directory. An existing file is kept unless
/// `overwrite`: Error (Usage) "PATH exists (--force overwrites it)".
Error write_default_config_file(const std::filesystem::path& path, bool overwrite);

}  // namespace arina
