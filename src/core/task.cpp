#include "core/task.hpp"

#include <array>
#include <utility>

namespace arina {
namespace {

constexpr std::array<std::pair<TaskStatus, std::string_view>, 8> kNames{{
    {TaskStatus::Queued, "queued"},
    {TaskStatus::Extracting, "extracting"},
    {TaskStatus::Downloading, "downloading"},
    {TaskStatus::PostProcessing, "post-processing"},
    {TaskStatus::Paused, "paused"},
    {TaskStatus::Completed, "completed"},
    {TaskStatus::Failed, "failed"},
    {TaskStatus::Cancelled, "cancelled"},
}};

}  // namespace

std::string_view to_string(TaskStatus status) {
    for (const auto& [s, name] : kNames)
        if (s == status) return name;
    return "unknown";
}

std::optional<TaskStatus> task_status_from_string(std::string_view text) {
    for (const auto& [s, name] : kNames)
        if (name == text) return s;
    return std::nullopt;
}

bool is_terminal(TaskStatus s) {
    return s == TaskStatus::Completed || s == TaskStatus::Failed || s == TaskStatus::Cancelled;
}

bool is_active(TaskStatus s) {
    return s == TaskStatus::Extracting || s == TaskStatus::Downloading || s == TaskStatus::PostProcessing;
}

bool can_transition(TaskStatus from, TaskStatus to) {
    using S = TaskStatus;
    if (from == to) return false;
    switch (from) {
        case S::Queued:  // a worker picks it up, or the user acts
            return to == S::Extracting || to == S::Paused || to == S::Cancelled;
        case S::Extracting:
            return to == S::Downloading || to == S::Failed || to == S::Paused || to == S::Cancelled ||
                   to == S::Queued || to == S::Completed;
        case S::Downloading:
            return to == S::PostProcessing || to == S::Completed || to == S::Failed || to == S::Paused ||
                   to == S::Cancelled || to == S::Queued;
        case S::PostProcessing:
            return to == S::Completed || to == S::Failed || to == S::Queued || to == S::Cancelled;
        case S::Paused:
            return to == S::Queued || to == S::Cancelled;
        case S::Failed:
        case S::Cancelled:  // retry
            return to == S::Queued;
        case S::Completed:
            return false;
    }
    return false;
}

}  // namespace arina
