#pragma once
// yt-dlp's failures told apart, each with its own message. Pure: from what the child left
// (ChildResult: how it ended, its exit status, the tail of its stderr) to an Error.
//
// Reasons stay within util/fail_reason.hpp: Unsupported for a URL yt-dlp has no extractor for
// (so the chain can end with "no media found"), Cancelled and Timeout for ours, Extractor
// (exit 13) for everything else yt-dlp reports. Every message names the URL and, where it
// helps, yt-dlp's own last error line (without "ERROR: ", colours and its bug-report advice):
//
//   yt-dlp not found: no "yt-dlp" on PATH (/usr/bin:/bin), needed for URL; install it ...
//   yt-dlp crashed (signal 11, SIGSEGV) extracting URL
//   yt-dlp crashed (Python traceback) extracting URL: KeyError: 'formats'
//   yt-dlp timed out after 120 s extracting URL
//   yt-dlp printed invalid JSON for URL (at byte 25: ...)
//   unsupported URL: yt-dlp has no extractor for URL
//   private video: URL (yt-dlp: [youtube] abc: Private video. Sign in ...)
//   video not available in your country: URL (yt-dlp: ...)
//   sign-in required (age-restricted): URL (yt-dlp: ...); pass --cookies FILE or --cookies-from-browser
//   BROWSER login required: URL (yt-dlp: ...); pass --cookies FILE or --cookies-from-browser BROWSER video
//   unavailable or removed: URL (yt-dlp: ...) the site answered HTTP 403: URL (yt-dlp: ...) yt-dlp failed
//   (exit 2) for URL: <its last line>

#include <string>
#include <string_view>

#include "extract/child_process.hpp"
#include "extract/ytdlp_json.hpp"
#include "util/fail_reason.hpp"

namespace arina::extract {

/// What was run, for the messages.
struct YtDlpRun {
    std::string url;
    std::string program;      ///< as given ("yt-dlp" or a path)
    std::string search_path;  ///< the PATH it was looked up in, for "not found"
    double timeout_seconds = 0;
};

/// The Error for a run that did not succeed; reason None when it exited 0 (parse its stdout).
Error ytdlp_run_error(const ChildResult& result, const YtDlpRun& run);

/// yt-dlp exited 0 but its stdout is not JSON.
Error ytdlp_json_error(const JsonSyntaxError& error, const YtDlpRun& run);

/// yt-dlp's last error line in `stderr_text`: the last "ERROR:" line (else the last non-empty
/// line), without the prefix, ANSI escapes, control characters, its "please report this issue"
/// advice and its "(caused by ...)" detail; at most 300 bytes.
std::string ytdlp_last_error_line(std::string_view stderr_text);

}  // namespace arina::extract
