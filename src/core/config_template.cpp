// The file `arina config init` writes: generated from the key table, so that it lists every
// setting with its current default and cannot fall out of step with what the loader accepts.

#include "core/config_keys.hpp"
#include "core/config_layers.hpp"

namespace arina {

std::string default_config_text() {
    const Config defaults;
    std::string out =
        "# Arina's settings. Every line is commented out: the value shown is the default.\n"
        "# Precedence, lowest first: built-in defaults < preset < this file < the platform profile\n"
        "# of a URL < the command line. `arina config show URL` prints every value and where it\n"
        "# came from.\n"
        "\n"
        "# Tuning preset: high_performance, stable or conservative (max_workers,\n"
        "# concurrent_fragments and http_chunk_size).\n"
        "# preset = \"stable\"\n";
    for (const auto& key : config_keys::all()) {
        out += "\n# " + std::string(key.doc) + "\n";
        if (key.profile) out += "# (also per platform, below)\n";
        out += "# " + std::string(key.name) + " = " + format_setting_value(key.get(defaults)) + "\n";
    }
    out +=
        "\n"
        "# Platform profiles. Built in: youtube (concurrent_fragments 6, quality_preference\n"
        "# [\"1080\", \"720\", \"best\"]), pornhub (4, [\"720\", \"best\"], age_verification cookies),\n"
        "# xvideos (4) and generic (3, for media found on other sites' pages; plain files and\n"
        "# manifests keep concurrent_fragments above). A table overrides a profile field by field;\n"
        "# a table with hosts adds a platform of your own, checked before the built-in ones.\n"
        "#\n"
        "# [platforms.youtube]\n"
        "# concurrent_fragments = 8\n"
        "# extractor_args = [\"youtube:player_client=web\"]\n"
        "#\n"
        "# [platforms.mysite]\n"
        "# hosts = [\"example.com\"]          # the host and its subdomains\n"
        "# quality_preference = [\"720\", \"best\"]\n"
        "# request_interval = 1.5\n";
    return out;
}

}  // namespace arina
