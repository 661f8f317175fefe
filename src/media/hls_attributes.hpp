#pragma once
// RFC 8216 §4.2 attribute lists: NAME=VALUE pairs separated by commas, where a quoted-string value
// may itself contain commas ("CODECS="avc1.64001f,mp4a.40.2"").

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "media/result.hpp"

namespace arina::media {

struct HlsAttribute {
    std::string_view name;
    std::string_view value;  ///< without the quotes of a quoted-string
    bool quoted = false;
};

/// A parsed attribute list; views point into the playlist text.
class HlsAttributeList {
  public:
    explicit HlsAttributeList(std::vector<HlsAttribute> attributes) : attributes_(std::move(attributes)) {}

    /// The value of the first attribute called `name`, nullopt when absent.
    std::optional<std::string_view> get(std::string_view name) const;
    const std::vector<HlsAttribute>& all() const { return attributes_; }

  private:
    std::vector<HlsAttribute> attributes_;
};

/// Parses "BANDWIDTH=1280000,CODECS="avc1.4d401f,mp4a.40.2",RESOLUTION=640x360". Tolerates
/// spaces around names, values and commas and a trailing comma. The Error message only says what
/// is wrong ("unterminated quoted string in CODECS"); the caller adds the line.
Result<HlsAttributeList> parse_hls_attributes(std::string_view text);

/// A hexadecimal-sequence IV ("0x00000000000000000000000000000001") as 16 bytes; shorter
/// sequences are right-aligned. nullopt when malformed or longer than 128 bits.
std::optional<std::array<std::uint8_t, 16>> parse_hls_iv(std::string_view text);

/// A decimal-resolution "1280x720".
std::optional<std::pair<int, int>> parse_hls_resolution(std::string_view text);

}  // namespace arina::media
