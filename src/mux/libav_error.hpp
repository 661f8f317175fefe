#pragma once
// libav's integer error codes turned into Arina Errors, and libav's logging kept off the console.
// libav reports most failures twice: a terse code ("Invalid argument") and a log line with the detail
// ("Could not find tag for codec vorbis in stream #1"). We keep the thread's last error line and add it to
// the message, so users get the detail without libav writing to stderr.

#include <string>
#include <string_view>

#include "util/fail_reason.hpp"

namespace arina::mux {

/// Replaces libav's stderr logger, once per process: lines at error level or worse are remembered per
/// thread for describe_av_error(), everything else is dropped. Process-wide, as libav's logger is.
void quiet_libav_logging();

/// Forgets the thread's remembered log line; call before a libav call whose failure will be reported, so an
/// old unrelated line is not attached to the new error.
void forget_libav_log();

/// libav's text for `code`, followed by the last remembered log line in parentheses when there is one.
std::string describe_av_error(int code);

/// `what` + ": " + describe_av_error(code), as an Error with `reason`.
Error av_failure(FailReason reason, std::string_view what, int code);

/// The errno inside an AVERROR(errno) code; 0 for libav's own codes (AVERROR_INVALIDDATA, AVERROR_EOF, ...).
int errno_of(int code);

bool is_end_of_file(int code);  ///< AVERROR_EOF
bool is_try_again(int code);    ///< AVERROR(EAGAIN)

}  // namespace arina::mux
