#pragma once
// HTTP-date in the IMF-fixdate form, "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7).

#include <ctime>
#include <string>

namespace arina::testing {

/// Formats with fixed English names: strftime would follow the process locale.
std::string format_http_date(std::time_t t);

}  // namespace arina::testing
