#pragma once
// The library's log: spdlog logger "arina" on stderr (stdout may carry --progress json).
// Warnings and errors by default; the program using the library picks the level.

namespace spdlog {
class logger;
}

namespace arina {

spdlog::logger& log();

enum class LogLevel { Warn, Info, Debug };
void set_log_level(LogLevel level);

}  // namespace arina
