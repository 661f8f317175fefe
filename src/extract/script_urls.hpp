#pragma once
// Media URLs written in an inline script: players are configured with string literals such as
//   {"hls": "https:\/\/cdn.example.com\/v\/master.m3u8?t=1", file: '/media/clip.mp4'}
// This is a small tokenizer over JavaScript string literals, not a JavaScript parser: it skips
// comments, reads '...', "..." and `...` literals with their escapes, and keeps the literals that
// are absolute (http:, https:, //) or root-relative ("/...") URLs whose path ends in .m3u8, .mpd
// or .mp4.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace arina::extract {

/// Longest string literal considered a URL; longer ones are skipped (in linear time).
inline constexpr std::size_t kMaxScriptUrlBytes = 4096;

/// The media URLs in `script`, unescaped ("\/" -> "/", "\u0026" -> "&"), unresolved, in order,
/// at most `max_urls` of them (duplicates included: the caller deduplicates after resolving).
std::vector<std::string> media_urls_in_script(std::string_view script, std::size_t max_urls);

}  // namespace arina::extract
