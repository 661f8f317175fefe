#include "mux/libav_error.hpp"

#include <cerrno>
#include <cstdarg>
#include <mutex>

#include "mux/libav.hpp"

namespace arina::mux {
namespace {

thread_local std::string t_last_log_line;

// libav calls this from whichever thread logs (ours, or its decoder threads during stream probing).
void remember_error_line(void* context, int level, const char* format, va_list args) {
    if (level > AV_LOG_ERROR) return;
    char line[1024];
    int print_prefix = 0;  // no "[mpegts @ 0x55...]" prefix: the pointer means nothing to a user
    av_log_format_line2(context, level, format, args, line, sizeof line, &print_prefix);
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (!text.empty()) t_last_log_line = std::move(text);
}

// The AVERROR family are macros with C casts; keep them in this one place.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
constexpr int kEndOfFile = AVERROR_EOF;
constexpr int kTryAgain = AVERROR(EAGAIN);
#pragma GCC diagnostic pop

}  // namespace

void quiet_libav_logging() {
    static std::once_flag once;
    std::call_once(once, [] {
        av_log_set_level(AV_LOG_ERROR);
        av_log_set_callback(remember_error_line);
    });
}

void forget_libav_log() {
    t_last_log_line.clear();
}

std::string describe_av_error(int code) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, text, sizeof text);
    std::string message(text);
    if (!t_last_log_line.empty() && t_last_log_line != message) message += " (" + t_last_log_line + ")";
    t_last_log_line.clear();
    return message;
}

Error av_failure(FailReason reason, std::string_view what, int code) {
    return {reason, std::string(what) + ": " + describe_av_error(code)};
}

int errno_of(int code) {
    // AVERROR(e) is -e on POSIX; libav's own codes are large negative four-character tags.
    return (code < 0 && code > -4096) ? -code : 0;
}

bool is_end_of_file(int code) {
    return code == kEndOfFile;
}
bool is_try_again(int code) {
    return code == kTryAgain;
}

}  // namespace arina::mux
