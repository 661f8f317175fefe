#pragma once
// libcurl result codes in Arina's error vocabulary.

#include <curl/curl.h>

#include <string>

#include "net/retry_policy.hpp"
#include "util/fail_reason.hpp"

namespace arina::net {

FailReason fail_reason_for(CURLcode code);

/// What a libcurl result says about trying again (retry_policy.hpp): a name that does not resolve,
/// a connection refused on every address and a TLS handshake that fails are Persistent; a certificate
/// that does not verify and a URL libcurl refuses are Final; the rest (resets, timeouts, bodies cut
/// short, replies libcurl cannot parse) are Transient until they repeat identically.
FailureClass failure_class_for(CURLcode code);

/// What a failed transfer says, from libcurl's result and error text: libcurl's own words, except
/// where it refuses a response head before Arina sees it, which is said as what the server did (a
/// negative or non-numeric Content-Length fails inside libcurl as "Invalid Content-Length").
std::string failure_text(CURLcode code, const char* error_buffer);

}  // namespace arina::net
