#pragma once
// Where everything the library has to say ends up. By default a line on stderr
// ("arina: warning: ..."); a program that shows messages itself (the desktop app's log
// panel) installs a handler instead, and the library then prints nothing.
//
// Threads: emit_log() is called from any library thread (engine, disk, store writer,
// the caller's). The handler runs on that thread, synchronously, so it must be quick
// and must not call back into the library: queue the message to your own thread.

#include <functional>
#include <string_view>

namespace arina {

enum class LogLevel { Error, Warn, Info, Debug };

std::string_view to_string(LogLevel level);

using LogHandler = std::function<void(LogLevel level, std::string_view message)>;

/// Replaces the handler; an empty one restores the stderr default. Thread-safe.
void set_log_handler(LogHandler handler);
/// Hands one message to the handler (the stderr default when none is set).
void emit_log(LogLevel level, std::string_view message);

}  // namespace arina
