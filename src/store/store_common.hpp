#pragma once
// Small helpers shared by the task store's back ends.

#include <cstdint>
#include <string>
#include <string_view>

namespace arina::store::detail {

/// Seconds since the epoch, now.
std::int64_t unix_now();
/// "<hostname>:<pid>": the worker name when none is given.
std::string default_worker_name();
/// A PostgreSQL connection string fit for messages: the password of a URI
/// (`postgresql://user:secret@host/db`), and `password=...` in either form, replaced by "***".
std::string mask_password(std::string_view locator);

}  // namespace arina::store::detail
