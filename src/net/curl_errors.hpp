#pragma once
// libcurl result codes in Arina's error vocabulary.

#include <curl/curl.h>

#include "util/fail_reason.hpp"

namespace arina::net {

FailReason fail_reason_for(CURLcode code);

}  // namespace arina::net
