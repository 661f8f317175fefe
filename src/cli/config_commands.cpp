#include "cli/config_commands.hpp"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.hpp"
#include "core/config_file.hpp"
#include "core/config_layers.hpp"

namespace arina::cli {
namespace {

constexpr const char* kUsage =
    "usage: arina config show [OPTIONS] [URL]   settings for URL and where each comes from\n"
    "       arina config path [--config FILE]   the config file's path\n"
    "       arina config init [--force] [--config FILE]   write a commented default config file\n";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "arina: %s\n%s", message.c_str(), kUsage);
    return exit_code(FailReason::Usage);
}

// `show` takes every download option, so that `arina config show -N 8 URL` shows what that
// command would run with.
int show(int argc, char** argv) {
    auto parsed = parse_command_line(argc, argv, /*urls_required=*/false);
    if (parsed.exit_now) return *parsed.exit_now;
    if (parsed.error) {
        std::fprintf(stderr, "%s\n", parsed.error.message.c_str());
        return exit_code(parsed.error.reason);
    }
    const auto& options = parsed.options;
    if (options.urls.size() > 1) return usage_error("config show: one URL at most");
    const std::string url = options.urls.empty() ? std::string() : options.urls.front();
    const auto& file = options.layers.file();
    if (!file.empty())
        std::printf("# config file: %s\n", file.string().c_str());
    else
        std::printf("# config file: none (%s)\n",
                    config_file_choice(argc, argv).path ? "it does not exist" : "--ignore-config");
    const auto settings = options.layers.explain(url, UrlKind::Page);
    std::size_t width = 0;
    for (const auto& s : settings) width = std::max(width, s.key.size() + 3 + s.value.size());
    for (const auto& s : settings) {
        const std::string line = s.key + " = " + s.value;
        std::printf("%-*s    # %s\n", static_cast<int>(width), line.c_str(), s.origin.c_str());
    }
    if (!url.empty()) {
        // The generic profile is for pages: say what a file or manifest there would get instead.
        const auto direct = options.layers.explain(url, UrlKind::Direct);
        for (std::size_t i = 0; i < settings.size() && i < direct.size(); ++i)
            if (settings[i].key != "platform" && settings[i].value != direct[i].value)
                std::printf("# a plain file or manifest at this URL: %s = %s    # %s\n",
                            direct[i].key.c_str(), direct[i].value.c_str(), direct[i].origin.c_str());
    }
    return 0;
}

int path(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--config" || arg == "--ignore-config" || arg.starts_with("--config=")) {
            if (arg == "--config") ++i;
            continue;
        }
        return usage_error("config path: unexpected '" + std::string(arg) + "'");
    }
    const auto choice = config_file_choice(argc, argv);
    std::printf("%s\n", (choice.path ? *choice.path : Config::default_config_path()).string().c_str());
    return 0;
}

int init(int argc, char** argv) {
    bool force = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--force") {
            force = true;
        } else if (arg == "--config" && i + 1 < argc) {
            ++i;
        } else if (!arg.starts_with("--config=")) {
            return usage_error("config init: unexpected '" + std::string(arg) + "'");
        }
    }
    const auto choice = config_file_choice(argc, argv);
    const auto target = choice.path ? *choice.path : Config::default_config_path();
    if (auto err = write_default_config_file(target, force)) {
        std::fprintf(stderr, "arina: %s\n", err.message.c_str());
        return exit_code(err.reason);
    }
    std::printf("wrote %s\n", target.string().c_str());
    return 0;
}

}  // namespace

int config_command(int argc, char** argv) {
    if (argc < 2) return usage_error("config: show, path or init?");
    const std::string_view what = argv[1];
    if (what == "show") return show(argc - 1, argv + 1);
    if (what == "path") return path(argc - 1, argv + 1);
    if (what == "init") return init(argc - 1, argv + 1);
    if (what == "--help" || what == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
    }
    return usage_error("config: unknown command '" + std::string(what) + "'");
}

}  // namespace arina::cli
