#include "stream/stream_sidecar.hpp"

#include <nlohmann/json.hpp>

#include "util/atomic_file.hpp"
#include "util/sealed_json.hpp"

namespace arina::stream {
namespace {

constexpr const char* kMagic = "arina-stream-resume";
constexpr int kVersion = 2;
constexpr int kOldestReadable = 1;  // version 1: no "ahead" (spilled fragments)

bool plain_name(const std::string& name) {
    return !name.empty() && name.find('/') == std::string::npos && name != "." && name != "..";
}

Error corrupt(const std::string& why) {
    return {FailReason::Internal, "corrupt stream resume file: " + why};
}

nlohmann::json body_of(const StreamResumeState& s) {
    nlohmann::json tracks = nlohmann::json::array();
    for (const auto& t : s.tracks) {
        nlohmann::json ahead = nlohmann::json::array();
        for (const auto& a : t.ahead)
            ahead.push_back(
                {{"number", a.number}, {"sequence", a.sequence}, {"file", a.file}, {"bytes", a.bytes}});
        tracks.push_back({{"format_id", t.format_id},
                          {"file", t.file},
                          {"fragments_done", t.fragments_done},
                          {"bytes", t.bytes},
                          {"next_sequence", t.next_sequence},
                          {"fragments_total", t.fragments_total},
                          {"init_id", t.init_id},
                          {"init_sha256", t.init_sha256},
                          {"skipped", t.skipped},
                          {"ahead", ahead}});
    }
    return {{"format", kMagic},         {"version", kVersion}, {"url", s.url},
            {"container", s.container}, {"live", s.live},      {"tracks", tracks}};
}

}  // namespace

std::string encode_stream_resume(const StreamResumeState& state) {
    return seal_json(body_of(state));
}

std::variant<StreamResumeState, Error> decode_stream_resume(std::string_view text) {
    auto unsealed = unseal_json(text);
    if (auto* why = std::get_if<std::string>(&unsealed)) return corrupt(*why);
    const nlohmann::json& j = std::get<nlohmann::json>(unsealed);
    try {
        if (j.at("format") != kMagic) return corrupt("unknown format");
        const int version = j.at("version").get<int>();
        if (version < kOldestReadable || version > kVersion) return corrupt("unsupported version");
        StreamResumeState s;
        s.url = j.at("url").get<std::string>();
        s.container = j.at("container").get<std::string>();
        s.live = j.at("live").get<bool>();
        for (const auto& t : j.at("tracks")) {
            TrackResume r;
            r.format_id = t.at("format_id").get<std::string>();
            r.file = t.at("file").get<std::string>();
            r.fragments_done = t.at("fragments_done").get<std::int64_t>();
            r.bytes = t.at("bytes").get<std::int64_t>();
            r.next_sequence = t.at("next_sequence").get<std::int64_t>();
            r.fragments_total = t.at("fragments_total").get<std::int64_t>();
            r.init_id = t.at("init_id").get<std::string>();
            r.init_sha256 = t.at("init_sha256").get<std::string>();
            r.skipped = t.at("skipped").get<std::vector<std::int64_t>>();
            if (version >= 2) {
                for (const auto& a : t.at("ahead")) {
                    SpilledFragment f;
                    f.number = a.at("number").get<std::int64_t>();
                    f.sequence = a.at("sequence").get<std::int64_t>();
                    f.file = a.at("file").get<std::string>();
                    f.bytes = a.at("bytes").get<std::int64_t>();
                    if (f.number <= r.fragments_done || f.bytes < 0) return corrupt("bad spilled fragment");
                    if (!plain_name(f.file)) return corrupt("bad spilled fragment file name");
                    r.ahead.push_back(std::move(f));
                }
            }
            if (r.fragments_done < 0 || r.bytes < 0) return corrupt("negative count");
            // The part file must be a plain name in the same directory.
            if (!plain_name(r.file)) return corrupt("bad part file name");
            s.tracks.push_back(std::move(r));
        }
        return s;
    } catch (const nlohmann::json::exception& e) {
        return corrupt(e.what());
    }
}

Error save_stream_resume(const std::filesystem::path& path, const StreamResumeState& state) {
    return write_file_atomically(path, encode_stream_resume(state));
}

std::variant<std::monostate, StreamResumeState, Error> load_stream_resume(const std::filesystem::path& path) {
    return load_sealed_file<StreamResumeState>(path, "corrupt stream resume file: ", decode_stream_resume);
}

}  // namespace arina::stream
