#pragma once
// DownloadTask <-> JSON: the parameters a task is persisted with, so that a resumed
// task starts from exactly the struct it was added with.

#include <optional>
#include <string>

#include "core/task.hpp"

namespace arina {

std::string encode_task(const DownloadTask& task);
/// nullopt when the JSON is not a task written by encode_task.
std::optional<DownloadTask> decode_task(const std::string& json);
/// The host (and port, when given) of a URL, lower-cased: the key of the per-host
/// connection budget. "" when the URL has no authority.
std::string task_host(const std::string& url);

}  // namespace arina
