#include "store/resume_file.hpp"

#include <nlohmann/json.hpp>

#include "util/atomic_file.hpp"
#include "util/sealed_json.hpp"

namespace arina::store {
namespace {

constexpr int kVersion = 1;
constexpr const char* kMagic = "arina-resume";

nlohmann::json body_of(const ResumeState& s) {
    nlohmann::json done = nlohmann::json::array();
    for (const auto& r : s.done.ranges()) done.push_back({r.begin, r.end});
    return {{"format", kMagic}, {"version", kVersion}, {"url", s.url},
            {"size", s.size},   {"etag", s.etag},      {"last_modified", s.last_modified},
            {"done", done}};
}

Error corrupt(const std::string& why) {
    return {FailReason::Internal, "corrupt resume file: " + why};
}

}  // namespace

std::filesystem::path resume_path_for(const std::filesystem::path& part_file) {
    return part_file.string() + ".arina";
}

std::string encode_resume_state(const ResumeState& state) {
    return seal_json(body_of(state));
}

std::variant<ResumeState, Error> decode_resume_state(std::string_view text) {
    auto unsealed = unseal_json(text);
    if (auto* why = std::get_if<std::string>(&unsealed)) return corrupt(*why);
    const nlohmann::json& j = std::get<nlohmann::json>(unsealed);
    try {
        if (j.at("format") != kMagic) return corrupt("unknown format");
        if (j.at("version").get<int>() != kVersion) return corrupt("unsupported version");
        ResumeState s;
        s.url = j.at("url").get<std::string>();
        s.size = j.at("size").get<std::int64_t>();
        s.etag = j.at("etag").get<std::string>();
        s.last_modified = j.at("last_modified").get<std::string>();
        for (const auto& r : j.at("done")) {
            const auto begin = r.at(0).get<std::int64_t>();
            const auto end = r.at(1).get<std::int64_t>();
            if (begin < 0 || end < begin || (s.size >= 0 && end > s.size))
                return corrupt("range out of bounds");
            s.done.add({begin, end});
        }
        return s;
    } catch (const nlohmann::json::exception& e) {
        return corrupt(e.what());
    }
}

Error save_resume_state(const std::filesystem::path& path, const ResumeState& state) {
    return write_file_atomically(path, encode_resume_state(state));
}

std::variant<std::monostate, ResumeState, Error> load_resume_state(const std::filesystem::path& path) {
    return load_sealed_file<ResumeState>(path, "corrupt resume file: ", decode_resume_state);
}

}  // namespace arina::store
