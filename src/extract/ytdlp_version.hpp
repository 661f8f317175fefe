#pragma once
// Which yt-dlp is installed, and whether it is too old to trust: sites change monthly and an
// old yt-dlp fails on them in confusing ways, so Arina says so.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace arina::extract {

/// "yt-dlp VERSION is N days old; sites change often: install a current one with ..." when the
/// version (yt-dlp's YYYY.MM.DD[.N]) is older than 90 days on `today`; nullopt when it is
/// recent or not a date.
std::optional<std::string> ytdlp_age_warning(std::string_view version, std::chrono::sys_days today);

/// `program --version`, run once per program per process (thread-safe; callers meanwhile wait,
/// at most ~10 s) and remembered; empty when it could not be run.
std::string ytdlp_version(const std::string& program);

}  // namespace arina::extract
