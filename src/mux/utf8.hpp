#pragma once
// UTF-8 checks for text from files and pages: tag values (metadata_tags.hpp) and subtitle cues,
// which libavcodec refuses to convert unless they are valid UTF-8. Pure, any thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace arina::mux {

/// Length of the UTF-8 sequence starting at `text[i]` (i < size) and its code point, or 0 when the
/// bytes there are not valid UTF-8 (a stray continuation byte, an overlong form, a surrogate,
/// beyond U+10FFFF, cut short).
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& code_point);

/// Whether all of `text` is valid UTF-8.
bool is_utf8(std::string_view text);

/// `text` read as ISO 8859-1 (Latin-1), in UTF-8: every byte becomes a character, so the result is
/// always valid. Legacy SubRip files are mostly Latin-1 or Windows-1252, which agree on letters.
std::string latin1_to_utf8(std::string_view text);

}  // namespace arina::mux
