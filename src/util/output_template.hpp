#pragma once
// Output file names from templates in yt-dlp's syntax: "%(title)s [%(id)s].%(ext)s".
//
// Everything in the fields comes from a web page and is hostile until proven otherwise; the
// renderer turns it into a relative path that is safe on Linux, macOS and Windows file
// systems: every value is one name (no '/' or '\'), no component is "." or "..", none
// starts with '-' or '.', control characters are gone, Windows-reserved characters
// (<>:"|?*) become their full-width look-alikes and reserved device names (CON, NUL,
// COM1...) get a '_' in front, and every component fits in kMaxComponentBytes (cut between
// UTF-8 code points, the extension kept). The extension is always the chosen format's
// (`fields.ext`), never one the title brings along.
//
// Syntax: %(FIELD)s or %(FIELD)d with printf-style flags, width and precision
// (%(playlist_index)03d, %(title).50s), %(FIELD|DEFAULT)s for a missing field, %% for '%'.
// A literal '/' in the template makes directories ("%(uploader)s/%(title)s.%(ext)s").
// Pure functions, any thread.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "util/fail_reason.hpp"

namespace arina {

/// The default template for media found on a page.
inline constexpr std::string_view kDefaultOutputTemplate = "%(title)s [%(id)s].%(ext)s";

/// Longest file or directory name the renderer makes, in bytes: NAME_MAX (255) less room
/// for the suffixes of Arina's working files (".part.arina", ".video.part", ".stream.arina").
inline constexpr std::size_t kMaxComponentBytes = 230;

/// What a template may name; empty text and nullopt are "missing" (rendered "NA", or the
/// template's |DEFAULT).
struct NamingFields {
    std::string title;
    std::string id;
    std::string ext;  ///< of the chosen format or container ("mp4"); required
    std::string format_id;
    std::string platform;     ///< "youtube", "generic", ...
    std::string upload_date;  ///< YYYYMMDD
    std::string uploader;
    std::optional<std::int64_t> height;
    std::optional<std::int64_t> playlist_index;
};

/// Checks the syntax and the field names; an Error (Usage) says what and where.
Error check_output_template(std::string_view tmpl);

/// The relative path `tmpl` gives for `fields`, or an Error (Usage) for a bad template or a
/// missing/invalid extension. The result is never empty, absolute, or outside the directory.
std::variant<std::filesystem::path, Error> render_output_template(std::string_view tmpl,
                                                                  const NamingFields& fields);

/// One hostile string as one portable name (the rules above, without the length cap or
/// extension); empty when nothing usable remains.
std::string portable_name(std::string_view raw);

/// At most `max_bytes` of `s`, never cutting a UTF-8 sequence.
std::string truncate_utf8(std::string_view s, std::size_t max_bytes);

}  // namespace arina
