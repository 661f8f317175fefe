#include "extract/ytdlp_errors.hpp"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <vector>

namespace arina::extract {
namespace {

constexpr std::string_view kCookieAdvice = "; pass --cookies FILE or --cookies-from-browser BROWSER";

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return out;
}

bool contains(std::string_view haystack, std::initializer_list<std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(),
                       [&](std::string_view n) { return haystack.find(n) != std::string_view::npos; });
}

/// Without ANSI escape sequences (ESC [ ... final byte) and other control characters.
std::string plain(std::string_view line) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (c == 0x1b) {
            if (i + 1 < line.size() && line[i + 1] == '[') {
                i += 2;
                while (i < line.size() && !(line[i] >= '@' && line[i] <= '~')) ++i;
            }
            continue;
        }
        if (c < 0x20 || c == 0x7f) continue;
        out += static_cast<char>(c);
    }
    return out;
}

/// "signal 11, SIGSEGV"; the number alone for signals a crash rarely raises.
std::string signal_text(int sig) {
    const char* name = nullptr;
    switch (sig) {
        case SIGSEGV:
            name = "SIGSEGV";
            break;
        case SIGABRT:
            name = "SIGABRT";
            break;
        case SIGKILL:
            name = "SIGKILL";
            break;
        case SIGTERM:
            name = "SIGTERM";
            break;
        case SIGBUS:
            name = "SIGBUS";
            break;
        case SIGILL:
            name = "SIGILL";
            break;
        case SIGFPE:
            name = "SIGFPE";
            break;
        case SIGINT:
            name = "SIGINT";
            break;
        default:
            break;
    }
    return "signal " + std::to_string(sig) + (name != nullptr ? std::string(", ") + name : std::string());
}

std::string seconds_text(double seconds) {
    const double rounded = std::round(seconds * 10) / 10;
    std::string text = std::to_string(rounded);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
}

/// " (yt-dlp: LINE)" or nothing.
std::string quoting(const std::string& line) {
    return line.empty() ? "" : " (yt-dlp: " + line + ")";
}

Error not_started(const ChildResult& result, const YtDlpRun& run) {
    const bool by_path = run.program.find('/') != std::string::npos;
    if (result.spawn_errno == ENOENT) {
        const std::string where = by_path ? run.program + " does not exist"
                                          : "no \"" + run.program + "\" on PATH (" + run.search_path + ")";
        return {FailReason::Extractor, "yt-dlp not found: " + where + ", needed for " + run.url +
                                           "; install it (pipx install yt-dlp) or pass --yt-dlp PATH"};
    }
    return {FailReason::Extractor, "yt-dlp could not be started (" + run.program + ": " +
                                       std::strerror(result.spawn_errno) + "), needed for " + run.url};
}

/// A failure yt-dlp reported itself (exit status not 0).
Error reported(const ChildResult& result, const YtDlpRun& run) {
    const std::string line = ytdlp_last_error_line(result.err_tail);
    const std::string said = lower(line);
    const std::string& url = run.url;
    const bool error_line = result.err_tail.find("ERROR:") != std::string::npos;
    if (contains(said, {"unsupported url"}))
        return {FailReason::Unsupported, "unsupported URL: yt-dlp has no extractor for " + url};
    if (contains(said, {"private video", "this video is private", "video is private", "is a private"}))
        return {FailReason::Extractor, "private video: " + url + quoting(line)};
    if (contains(said, {"in your country", "geo restriction", "geo-restrict", "from your location"}))
        return {FailReason::Extractor, "video not available in your country: " + url + quoting(line)};
    if (contains(said,
                 {"confirm your age", "age-restricted", "age restricted", "inappropriate for some users"}))
        return {FailReason::Extractor,
                "sign-in required (age-restricted): " + url + quoting(line) + std::string(kCookieAdvice)};
    if (contains(said, {"sign in", "login required", "log in", "registered users", "account credentials",
                        "logged-in", "requires authentication"}))
        return {FailReason::Extractor, "login required: " + url + quoting(line) + std::string(kCookieAdvice)};
    if (contains(said, {"video unavailable", "has been removed", "is unavailable", "no longer available",
                        "has been deleted", "has been disabled", "does not exist", "not found"}) &&
        !contains(said, {"http error"}))
        return {FailReason::Extractor, "video unavailable or removed: " + url + quoting(line)};
    if (const auto at = said.find("http error "); at != std::string::npos) {
        const std::string status = line.substr(at + 11, 3);
        return {FailReason::Extractor, "the site answered HTTP " + status + ": " + url + quoting(line)};
    }
    if (!error_line && result.err_tail.find("Traceback (most recent call last)") != std::string::npos)
        return {FailReason::Extractor,
                "yt-dlp crashed (Python traceback) extracting " + url + (line.empty() ? "" : ": " + line)};
    const std::string status = "yt-dlp failed (exit " + std::to_string(result.exit_code) + ") for " + url;
    return {FailReason::Extractor, line.empty() ? status + " without saying why" : status + ": " + line};
}

}  // namespace

std::string ytdlp_last_error_line(std::string_view stderr_text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < stderr_text.size()) {  // bounded: start grows every round
        const auto end = std::min(stderr_text.find('\n', start), stderr_text.size());
        lines.push_back(stderr_text.substr(start, end - start));
        start = end + 1;
    }
    std::string chosen;
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
        const std::string line = plain(*it);
        if (line.rfind("ERROR: ", 0) == 0) {
            chosen = line.substr(7);
            break;
        }
        if (chosen.empty() && line.find_first_not_of(' ') != std::string::npos) chosen = line;
    }
    for (const std::string_view cut : {"; please report this issue", " (caused by "}) {
        if (const auto at = chosen.find(cut); at != std::string::npos) chosen.erase(at);
    }
    // yt-dlp pads URLs in its advice with double spaces.
    for (auto at = chosen.find("  "); at != std::string::npos; at = chosen.find("  ", at))
        chosen.erase(at, 1);
    chosen.erase(0, chosen.find_first_not_of(' '));
    while (!chosen.empty() && chosen.back() == ' ') chosen.pop_back();
    constexpr std::size_t kMax = 300;
    if (chosen.size() > kMax) {
        std::size_t cut = kMax;
        while (cut > 0 && (static_cast<unsigned char>(chosen[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
        chosen = chosen.substr(0, cut) + "...";
    }
    return chosen;
}

Error ytdlp_run_error(const ChildResult& result, const YtDlpRun& run) {
    const std::string line = ytdlp_last_error_line(result.err_tail);
    switch (result.end) {
        case ChildEnd::SpawnFailed:
            return not_started(result, run);
        case ChildEnd::Cancelled:
            return {FailReason::Cancelled, "extraction cancelled: " + run.url};
        case ChildEnd::TimedOut:
            return {FailReason::Timeout, "yt-dlp timed out after " + seconds_text(run.timeout_seconds) +
                                             " s extracting " + run.url};
        case ChildEnd::OutputTooLarge:
            return {FailReason::Extractor, "yt-dlp printed more than " +
                                               std::to_string(result.out.size() >> 20) + " MiB for " +
                                               run.url + "; stopped it"};
        case ChildEnd::Signaled:
            return {FailReason::Extractor, "yt-dlp crashed (" + signal_text(result.signal) + ") extracting " +
                                               run.url + (line.empty() ? "" : ": " + line)};
        case ChildEnd::Exited:
            break;
    }
    if (result.exit_code == 0) return {};
    return reported(result, run);
}

Error ytdlp_json_error(const JsonSyntaxError& error, const YtDlpRun& run) {
    std::string detail = error.detail;
    if (detail.rfind("[json.exception.", 0) == 0) detail.erase(0, detail.find("] ") + 2);
    const std::string where =
        error.byte_offset > 0 ? "at byte " + std::to_string(error.byte_offset) + ": " : "";
    return {FailReason::Extractor,
            "yt-dlp printed invalid JSON for " + run.url + " (" + where + detail + ")"};
}

}  // namespace arina::extract
