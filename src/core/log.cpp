#include "core/log.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace arina {
namespace {

// Hands each formatted message (no time stamp or level: the handler adds what it shows)
// to the log hook.
class HookSink final : public spdlog::sinks::base_sink<std::mutex> {
  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const std::string_view text(msg.payload.data(), msg.payload.size());
        emit_log(msg.level >= spdlog::level::err    ? LogLevel::Error
                 : msg.level == spdlog::level::warn ? LogLevel::Warn
                 : msg.level == spdlog::level::info ? LogLevel::Info
                                                    : LogLevel::Debug,
                 text);
    }
    void flush_() override {}
};

}  // namespace

spdlog::logger& log() {
    static std::shared_ptr<spdlog::logger> logger = [] {
        auto l = spdlog::get("arina");
        if (!l) {
            l = std::make_shared<spdlog::logger>("arina", std::make_shared<HookSink>());
            spdlog::register_logger(l);
        }
        l->set_level(spdlog::level::warn);
        return l;
    }();
    return *logger;
}

void set_log_level(LogLevel level) {
    log().set_level(level == LogLevel::Debug  ? spdlog::level::debug
                    : level == LogLevel::Info ? spdlog::level::info
                    : level == LogLevel::Warn ? spdlog::level::warn
                                              : spdlog::level::err);
}

}  // namespace arina
