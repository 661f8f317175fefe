#pragma once
// Runs tasks through a DownloadManager until they are done or the user presses
// Ctrl-C, showing progress; shared by `arina URL...` and `arina run`.

#include <csignal>

#include "cli/download_archive.hpp"
#include "cli/options.hpp"
#include "core/download_manager.hpp"

namespace arina::cli {

/// Set by the SIGINT/SIGTERM handler.
extern volatile std::sig_atomic_t g_interrupted;
void install_interrupt_handler();

/// Adds every URL of `options` (skipping those in the archive) and waits for them.
/// Returns the process exit status.
int run_urls(DownloadManager& manager, const CliOptions& options, DownloadArchive& archive);

/// Works the persisted queue until nothing is queued or running. Returns the exit status.
int run_queue(DownloadManager& manager, const CliOptions& options, DownloadArchive& archive);

}  // namespace arina::cli
