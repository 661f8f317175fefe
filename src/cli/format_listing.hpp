#pragma once
// -F: print the formats a stream URL offers, without downloading.

#include "cli/options.hpp"

namespace arina::cli {

/// Returns the exit status.
int list_formats(const CliOptions& options);

}  // namespace arina::cli
