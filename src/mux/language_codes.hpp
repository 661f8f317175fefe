#pragma once
// Subtitle language tags as containers want them. Sites name languages in BCP 47 / ISO 639-1
// ("en", "pt-BR", "zh-Hans"); MP4 stores a three-letter ISO 639-2/T code in its media header and
// Matroska's Language element an ISO 639-2/B code ("ger" where MP4 says "deu"). A small table
// covers the common languages; anything else is passed on as given. Pure, any thread.

#include <string>
#include <string_view>

#include "mux/mux.hpp"

namespace arina::mux {

/// The code for `container`: "en", "EN", "en-US", "eng" -> "eng"; "de" -> "deu" (MP4) or "ger"
/// (Matroska); an unknown code as given, lower-cased. Empty when `tag` is empty or not a plausible
/// language tag (only ASCII letters, digits and '-'/'_', at most 35 characters): the stream is then
/// written without a language ("und").
std::string container_language(std::string_view tag, Container container);

}  // namespace arina::mux
