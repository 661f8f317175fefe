#pragma once
// `arina config show [OPTIONS] [URL]`: every setting with its value and where it came from
// (default, preset, config file line, platform profile, command line), for URL when given;
// `arina config path`: the config file's path; `arina config init [--force]`: writes a
// commented default config file.

namespace arina::cli {

/// argv[0] is "config". Returns the process exit status.
int config_command(int argc, char** argv);

}  // namespace arina::cli
