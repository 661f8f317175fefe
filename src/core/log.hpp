#pragma once
// The library's log: spdlog logger "arina", whose lines go to the log hook
// (util/log_hook.hpp: stderr by default, or the handler the program installed; stdout
// may carry --progress json). Warnings and errors by default; the program using the
// library picks the level.

#include "util/log_hook.hpp"

namespace spdlog {
class logger;
}

namespace arina {

/// For the library's own messages (core and above); the program sets a handler instead.
spdlog::logger& log();

/// Messages below `level` are dropped before they reach the handler.
void set_log_level(LogLevel level);

}  // namespace arina
