#pragma once
// How the media layer's pure functions report failure: a value or an arina::Error, never an exception.

#include <string>
#include <utility>
#include <variant>

#include "util/fail_reason.hpp"

namespace arina::media {

/// Every parser in src/media returns Result<T>: the value, or an Error whose reason is
/// FailReason::BadManifest and whose message says what was wrong and where, for example
/// "HLS playlist line 12: EXTINF without a duration".
///
///     auto parsed = parse_hls(text, url);
///     if (auto* error = std::get_if<Error>(&parsed)) return *error;
///     Presentation& p = std::get<Presentation>(parsed);
template <class T>
using Result = std::variant<T, Error>;

/// The error every manifest problem turns into.
inline Error bad_manifest(std::string message) {
    return Error{FailReason::BadManifest, std::move(message)};
}

}  // namespace arina::media
