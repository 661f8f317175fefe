#pragma once
// What the user sees while tasks run: on a terminal, one live line per active task
// plus a total line, redrawn in place; in a log, the same lines every few seconds;
// with --progress json, one JSON object per line on stdout (for scripts and the GUI).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "core/metrics.hpp"
#include "core/task.hpp"

namespace arina::cli {

class TaskBoard {
  public:
    /// `stats`: each finished task also says its connection count and why (--stats).
    TaskBoard(ProgressStyle style, bool quiet, bool verbose, bool stats = false);

    /// ~10 times a second: the active tasks and the totals.
    void update(const std::vector<TaskInfo>& active, const Metrics& metrics);
    /// Once per task when it ends.
    void finished(const TaskInfo& info, const TaskResult& result);
    /// Once at the end.
    void summary(int completed, int failed, double seconds, const Metrics& metrics, bool stats);

  private:
    void clear_live();
    std::string task_line(const TaskInfo& t) const;
    std::string total_line(const Metrics& m, std::size_t active) const;

    ProgressStyle style_;
    bool quiet_;
    bool verbose_;
    bool stats_;
    bool terminal_;
    int live_lines_ = 0;
    std::int64_t duplicated_bytes_ = 0;  // of the tasks finished so far, for --stats
    std::int64_t downloaded_bytes_ = 0;
    std::chrono::steady_clock::time_point last_print_{};
};

}  // namespace arina::cli
