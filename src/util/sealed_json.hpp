#pragma once
// Sidecar files as sealed JSON: one object with a "checksum" member holding the SHA-256
// of the object serialised without it. A torn write or a hand edit is detected, so a
// sidecar is either trusted whole or not at all. Every resume format uses this.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "util/atomic_file.hpp"
#include "util/fail_reason.hpp"

namespace arina {

/// The object with its checksum, as one line of text.
std::string seal_json(nlohmann::json object);

/// The object without its checksum, or why it cannot be trusted: "not JSON",
/// "no checksum" or "checksum mismatch".
std::variant<nlohmann::json, std::string> unseal_json(std::string_view text);

/// Reads a sidecar and decodes it with `decode(text) -> std::variant<T, Error>`.
/// monostate when the file does not exist; errors name the file.
template <class T, class Decode>
std::variant<std::monostate, T, Error> load_sealed_file(const std::filesystem::path& path,
                                                        const std::string& error_prefix, Decode decode) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::monostate{};
    auto text = read_small_file(path);
    if (!text) return Error{FailReason::Internal, error_prefix + "cannot read " + path.string()};
    std::variant<T, Error> decoded = decode(*text);
    if (auto* e = std::get_if<Error>(&decoded)) {
        e->message += " (" + path.string() + ")";
        return *e;
    }
    return std::get<T>(std::move(decoded));
}

}  // namespace arina
