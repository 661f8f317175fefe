#include "core/metrics.hpp"

#include <fstream>
#include <string>

namespace arina {
namespace {

// A "Name:   value kB" line of /proc/self/status.
std::int64_t status_field(const std::string& name) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(name + ":", 0) == 0) {
            try {
                return std::stoll(line.substr(name.size() + 1));
            } catch (...) {
                return 0;
            }
        }
    }
    return 0;
}

}  // namespace

int process_thread_count() {
    return static_cast<int>(status_field("Threads"));
}
std::int64_t process_rss_bytes() {
    return status_field("VmRSS") * 1024;
}
std::int64_t process_peak_rss_bytes() {
    return status_field("VmHWM") * 1024;
}

}  // namespace arina
