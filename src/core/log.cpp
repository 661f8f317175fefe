#include "core/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace arina {

spdlog::logger& log() {
    static std::shared_ptr<spdlog::logger> logger = [] {
        auto l = spdlog::get("arina");
        if (!l) l = spdlog::stderr_color_mt("arina");
        l->set_level(spdlog::level::warn);
        return l;
    }();
    return *logger;
}

void set_log_level(LogLevel level) {
    log().set_level(level == LogLevel::Debug  ? spdlog::level::debug
                    : level == LogLevel::Info ? spdlog::level::info
                                              : spdlog::level::warn);
}

}  // namespace arina
