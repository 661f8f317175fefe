#pragma once
// Typed, forgiving reads of yt-dlp JSON fields, for ytdlp_json.cpp and ytdlp_formats.cpp only.
// null or absent is "not known" (silently); a value of the wrong type is ignored with a warning.
// Warnings are capped, so a hostile document with a million bad fields cannot flood the user.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arina::extract::ytdlp {

using Json = nlohmann::json;

class Fields {
  public:
    /// Something the user should know (formats left out): listed first.
    void note(std::string message);
    /// A detail of the JSON (a field of the wrong type): listed after the notes.
    void warn(std::string message);
    /// Appends the notes, then the details, then "and N more" when some were dropped.
    void flush_into(std::vector<std::string>& warnings);

    /// `where` names the object in warnings ("format 137", "the video").
    std::optional<std::string> text(const Json& object, const char* key, std::string_view where);
    /// A finite number.
    std::optional<double> number(const Json& object, const char* key, std::string_view where);
    /// A whole number (an integral float such as 1080.0 counts).
    std::optional<std::int64_t> integer(const Json& object, const char* key, std::string_view where);
    bool flag(const Json& object, const char* key, std::string_view where);
    /// The member if it is an object / an array (nullptr otherwise, with a warning if it is not
    /// null).
    const Json* object(const Json& object, const char* key, std::string_view where);
    const Json* array(const Json& object, const char* key, std::string_view where);

  private:
    const Json* member(const Json& object, const char* key);
    void wrong_type(const Json& value, const char* key, std::string_view where, std::string_view wanted);

    std::vector<std::string> notes_;
    std::vector<std::string> details_;
    std::size_t dropped_ = 0;
};

/// `text` for a message: at most 80 bytes, control characters replaced, in quotes. yt-dlp's
/// strings come from web pages and must not drive the terminal.
std::string shown(std::string_view text);

/// Whether `url` is an absolute http or https URL (the only kinds the downloader may fetch).
bool is_http_url(std::string_view url);

}  // namespace arina::extract::ytdlp
