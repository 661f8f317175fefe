#include "core/task_codec.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

namespace arina {

std::string encode_task(const DownloadTask& t) {
    nlohmann::json j = {{"url", t.url},
                        {"output_dir", t.output_dir.string()},
                        {"output_name", t.output_name},
                        {"format", t.format},
                        {"quality_preference", t.quality_preference},
                        {"merge_output_format", t.merge_output_format},
                        {"priority", t.priority},
                        {"headers", t.headers}};
    if (t.concurrent_fragments) j["concurrent_fragments"] = *t.concurrent_fragments;
    if (t.playlist_index > 0) j["playlist_index"] = t.playlist_index;
    return j.dump();
}

std::optional<DownloadTask> decode_task(const std::string& json) {
    auto j = nlohmann::json::parse(json, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    try {
        DownloadTask t;
        t.url = j.at("url").get<std::string>();
        t.output_dir = j.at("output_dir").get<std::string>();
        t.output_name = j.at("output_name").get<std::string>();
        t.format = j.value("format", "");
        t.quality_preference = j.value("quality_preference", std::vector<std::string>{});
        t.merge_output_format = j.value("merge_output_format", "");
        t.priority = j.value("priority", 0);
        t.headers = j.value("headers", std::vector<std::string>{});
        if (j.contains("concurrent_fragments")) t.concurrent_fragments = j["concurrent_fragments"].get<int>();
        t.playlist_index = j.value("playlist_index", 0);
        return t;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

std::string task_host(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return {};
    const auto begin = scheme + 3;
    auto end = url.find_first_of("/?#", begin);
    if (end == std::string::npos) end = url.size();
    std::string authority = url.substr(begin, end - begin);
    if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
    for (auto& c : authority) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return authority;
}

}  // namespace arina
