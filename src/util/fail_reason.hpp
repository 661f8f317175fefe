#pragma once
// The one error vocabulary of Arina. Every failure that reaches a user maps to a
// FailReason, a human message naming the URL or file, and a documented exit code
// (README "Exit codes"). Lower layers produce an Error; nobody throws across layers.

#include <string>
#include <string_view>

namespace arina {

enum class FailReason {
    None,             ///< success
    Internal,         ///< a bug: an unexpected exception or broken invariant
    Usage,            ///< bad command line or configuration
    Network,          ///< DNS, connect, reset: retries exhausted
    Timeout,          ///< no byte for socket_timeout seconds, retries exhausted
    Http,             ///< the server answered with an HTTP error status (4xx/5xx)
    Tls,              ///< certificate or TLS handshake failure
    BadResponse,      ///< the server's answer does not fit the request (ranges, lengths, types)
    RemoteChanged,    ///< the file kept changing on the server while downloading
    DiskFull,         ///< no space left on the output device
    FileAccess,       ///< output directory or file cannot be created or written
    BadManifest,      ///< an HLS/DASH manifest is malformed or unsupported
    FragmentMissing,  ///< a stream fragment failed after all retries
    Extractor,        ///< the site extractor (yt-dlp) failed
    Database,         ///< the task store is corrupt, locked or unwritable
    Unsupported,      ///< a URL or feature Arina cannot handle
    MuxFailed,        ///< a stream's media was read but could not be muxed into the output container
    Cancelled,        ///< stopped by the user (Ctrl-C, cancel)
};

/// Process exit status for a reason; documented in README.md.
int exit_code(FailReason reason);

/// Stable lower-case identifier ("disk-full"), used in JSON output and the task store.
std::string_view to_string(FailReason reason);

/// Inverse of to_string; unknown text maps to Internal.
FailReason fail_reason_from_string(std::string_view text);

/// Whether a whole task may succeed if simply tried again later.
bool is_retryable(FailReason reason);

/// A failure as a value: what went wrong and a message a person can act on.
struct Error {
    FailReason reason = FailReason::None;
    std::string message;

    explicit operator bool() const { return reason != FailReason::None; }
};

}  // namespace arina
