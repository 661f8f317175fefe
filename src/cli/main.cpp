// arina: download URLs from the command line, work a persisted queue, or show the settings.

#include <cstdio>
#include <cstring>

#include "cli/config_commands.hpp"
#include "cli/format_listing.hpp"
#include "cli/options.hpp"
#include "cli/queue_commands.hpp"
#include "cli/session.hpp"
#include "core/log.hpp"

int main(int argc, char** argv) {
    if (argc >= 2 && std::strcmp(argv[1], "queue") == 0) return arina::cli::queue_command(argc - 1, argv + 1);
    if (argc >= 2 && std::strcmp(argv[1], "run") == 0) return arina::cli::run_command(argc - 1, argv + 1);
    if (argc >= 2 && std::strcmp(argv[1], "config") == 0)
        return arina::cli::config_command(argc - 1, argv + 1);

    auto parsed = arina::cli::parse_command_line(argc, argv);
    if (parsed.exit_now) return *parsed.exit_now;
    if (parsed.error) {
        std::fprintf(stderr, "%s\n", parsed.error.message.c_str());
        return arina::exit_code(parsed.error.reason);
    }
    auto& options = parsed.options;
    // Direct downloads keep no task database: their partial files are what resumes.
    options.config.database.clear();
    arina::set_log_level(options.verbose ? arina::LogLevel::Info : arina::LogLevel::Warn);
    arina::cli::install_interrupt_handler();
    if (options.list_formats) return arina::cli::list_formats(options);
    arina::cli::DownloadArchive archive(options.download_archive);
    arina::DownloadManager manager(options.config);
    return arina::cli::run_urls(manager, options, archive);
}
