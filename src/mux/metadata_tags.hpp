#pragma once
// Tags (extras.hpp) turned into the key/values written into an output's global metadata, made safe
// first: values come from web pages. Pure functions, any thread; the muxer maps libav's generic keys
// ("title", "artist", "date", ...) onto each container's own (see the table in extras.hpp).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mux/extras.hpp"

namespace arina::mux {

/// Longest values kept, in bytes (cut between UTF-8 code points). Titles and names are short; a
/// description may be long, but not megabytes inside a movie header.
inline constexpr std::size_t kMaxTagBytes = 1024;
inline constexpr std::size_t kMaxLongTagBytes = 16 * 1024;
inline constexpr std::size_t kMaxTagKeyBytes = 64;
/// Free key/values beyond this many are left out (with one warning).
inline constexpr std::size_t kMaxExtraTags = 64;

/// `text` without control characters (C0, DEL, C1, NUL; carriage returns always), without invalid
/// UTF-8 bytes, trimmed of surrounding spaces and cut to at most `max_bytes` bytes between code
/// points. Line feeds and tabs are kept when `multi_line`, and become spaces otherwise.
std::string clean_tag_text(std::string_view text, std::size_t max_bytes, bool multi_line = false);

/// "20240131" or "2024-01-31" -> "2024-01-31"; nullopt for anything else (including month 13).
std::optional<std::string> iso_date(std::string_view date);

/// A free key made safe: lower-case ASCII letters, digits and '_' (anything else becomes '_'), at
/// most kMaxTagKeyBytes; empty when nothing usable remains or it starts with a digit.
std::string clean_tag_key(std::string_view key);

using TagList = std::vector<std::pair<std::string, std::string>>;

/// The global metadata for `tags`, in libav's generic keys, values cleaned; empty values left out.
/// What had to be left out (a bad date, a reserved or unusable key) is appended to `warnings`.
TagList container_tags(const Tags& tags, std::vector<std::string>& warnings);

}  // namespace arina::mux
