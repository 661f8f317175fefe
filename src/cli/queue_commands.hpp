#pragma once
// `arina queue add|list|remove|clear` and `arina run`: the persisted task queue.

namespace arina::cli {

/// argv[0] is "queue". Returns the exit status.
int queue_command(int argc, char** argv);
/// argv[0] is "run". Returns the exit status.
int run_command(int argc, char** argv);

}  // namespace arina::cli
