#pragma once
// How a task's progress is told to its subscribers: the stage in words ("downloading fragment
// 3 of 30"), the one-line details, the progress event, and what an -N auto reason means.
// Pure functions of a task's state, shared by the manager's state machine and its tick.
#include <string>
#include <string_view>

#include "core/events.hpp"
#include "transfer/download.hpp"

namespace arina {

std::string_view connections_reason_text(std::string_view reason);
std::string stage_of(TaskStatus status, const transfer::DownloadProgress& p);
ProgressEvent progress_event_of(const TaskInfo& t);

}  // namespace arina
