// Compiled by the public_api_fence_public_api_is_enough test against arina_core_api's include
// directory alone: what a front end uses (the manager, events, metrics, config, probe, the log
// hook) needs nothing outside src/core/public_headers.txt.
#include "core/config_file.hpp"
#include "core/download_manager.hpp"
#include "core/events.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/probe.hpp"

int main() {
    arina::DownloadManager manager(1);
    auto events = manager.subscribe_events();
    arina::set_log_handler([](arina::LogLevel, std::string_view) {});
    return manager.metrics().active_tasks + static_cast<int>(events->pop_events().size());
}
