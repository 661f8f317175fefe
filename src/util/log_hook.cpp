#include "util/log_hook.hpp"

#include <cstdio>
#include <memory>
#include <mutex>

namespace arina {
namespace {

// The handler is swapped rarely and called often: callers copy a shared_ptr under a
// short lock and run the handler outside it, so a slow handler never serialises others.
std::mutex handler_mutex;
std::shared_ptr<const LogHandler> current_handler;

void write_to_stderr(LogLevel level, std::string_view message) {
    std::fprintf(stderr, "arina: %.*s: %.*s\n", static_cast<int>(to_string(level).size()),
                 to_string(level).data(), static_cast<int>(message.size()), message.data());
}

}  // namespace

std::string_view to_string(LogLevel level) {
    switch (level) {
        case LogLevel::Error:
            return "error";
        case LogLevel::Warn:
            return "warning";
        case LogLevel::Info:
            return "info";
        case LogLevel::Debug:
            return "debug";
    }
    return "?";
}

void set_log_handler(LogHandler handler) {
    auto next = handler ? std::make_shared<const LogHandler>(std::move(handler)) : nullptr;
    std::lock_guard lock(handler_mutex);
    current_handler = std::move(next);
}

void emit_log(LogLevel level, std::string_view message) {
    std::shared_ptr<const LogHandler> handler;
    {
        std::lock_guard lock(handler_mutex);
        handler = current_handler;
    }
    if (handler) {
        try {
            (*handler)(level, message);
        } catch (...) {
            // A handler that throws must not take a library thread down; the message is lost.
        }
        return;
    }
    write_to_stderr(level, message);
}

}  // namespace arina
