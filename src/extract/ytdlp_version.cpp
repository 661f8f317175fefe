#include "extract/ytdlp_version.hpp"

#include <charconv>
#include <future>
#include <map>
#include <mutex>

#include "extract/child_process.hpp"

namespace arina::extract {
namespace {

constexpr int kMaxAgeDays = 90;

std::optional<std::chrono::sys_days> version_date(std::string_view version) {
    int parts[3] = {0, 0, 0};
    const char* p = version.data();
    const char* end = version.data() + version.size();
    for (int i = 0; i < 3; ++i) {
        const auto [next, error] = std::from_chars(p, end, parts[i]);
        if (error != std::errc{}) return std::nullopt;
        p = next;
        if (i < 2) {
            if (p == end || *p != '.') return std::nullopt;
            ++p;
        }
    }
    const std::chrono::year_month_day date{std::chrono::year{parts[0]},
                                           std::chrono::month{static_cast<unsigned>(parts[1])},
                                           std::chrono::day{static_cast<unsigned>(parts[2])}};
    if (!date.ok() || parts[0] < 2000) return std::nullopt;
    return std::chrono::sys_days{date};
}

std::string run_version(const std::string& program) {
    ChildOptions options;
    options.argv = {program, "--version"};
    options.timeout = std::chrono::seconds(10);
    options.stdout_limit = 4096;
    auto result = run_child(options);
    if (result.end != ChildEnd::Exited || result.exit_code != 0) return {};
    std::string& out = result.out;
    out.erase(out.find_last_not_of(" \r\n\t") + 1);
    return out;
}

std::mutex probes_mutex;
std::map<std::string, std::shared_future<std::string>>& probes() {
    static std::map<std::string, std::shared_future<std::string>> map;
    return map;
}

std::shared_future<std::string> probe_for(const std::string& program) {
    const std::lock_guard lock(probes_mutex);
    auto& map = probes();
    auto it = map.find(program);
    if (it == map.end())
        it = map.emplace(program, std::async(std::launch::async, run_version, program).share()).first;
    return it->second;
}

}  // namespace

std::optional<std::string> ytdlp_age_warning(std::string_view version, std::chrono::sys_days today) {
    const auto date = version_date(version);
    if (!date) return std::nullopt;
    const auto days = (today - *date).count();
    if (days <= kMaxAgeDays) return std::nullopt;
    return "yt-dlp " + std::string(version) + " is " + std::to_string(days) +
           " days old; sites change often: install a current one with `pipx install yt-dlp` or "
           "`python3 -m pip install -U yt-dlp` and pass --yt-dlp PATH";
}

std::string ytdlp_version(const std::string& program) {
    return probe_for(program).get();
}

}  // namespace arina::extract
