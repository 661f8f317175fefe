#include "util/sealed_json.hpp"

#include "util/sha256.hpp"

namespace arina {

std::string seal_json(nlohmann::json object) {
    object["checksum"] = sha256_hex(object.dump());
    return object.dump() + "\n";
}

std::variant<nlohmann::json, std::string> unseal_json(std::string_view text) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return std::string("not JSON");
    if (!j.contains("checksum") || !j["checksum"].is_string()) return std::string("no checksum");
    const std::string checksum = j["checksum"];
    j.erase("checksum");
    if (sha256_hex(j.dump()) != checksum) return std::string("checksum mismatch");
    return j;
}

}  // namespace arina
