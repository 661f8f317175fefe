#include "store/task_ops.hpp"

#include <algorithm>
#include <utility>

namespace arina::store::detail {

void Batch::push(Op op) {
    last_seq_ = std::max(last_seq_, op.seq);
    ops_.push_back(std::move(op));
}

void Batch::push_progress(std::uint64_t seq, TaskKey key, Progress progress) {
    last_seq_ = std::max(last_seq_, seq);
    auto [it, fresh] = progress_.insert_or_assign(key, progress);
    if (fresh) ops_.push_back(Op{seq, key, ProgressJob{}});
}

void Batch::push_resume(std::uint64_t seq, TaskKey key, std::string resume_json) {
    last_seq_ = std::max(last_seq_, seq);
    auto [it, fresh] = resume_.insert_or_assign(key, std::move(resume_json));
    if (fresh) ops_.push_back(Op{seq, key, ResumeJob{}});
}

void Batch::prepend(Batch&& older) {
    std::vector<Op> ops = std::move(older.ops_);
    for (auto& op : ops_) {
        // Drop this batch's marker when the older batch already has one for the task:
        // the value (ours, the newer) is applied at the older marker's place.
        const bool duplicate =
            (std::holds_alternative<ProgressJob>(op.job) && older.progress_.count(op.key)) ||
            (std::holds_alternative<ResumeJob>(op.job) && older.resume_.count(op.key));
        if (!duplicate) ops.push_back(std::move(op));
    }
    ops_ = std::move(ops);
    for (auto& [key, value] : older.progress_) progress_.try_emplace(key, value);
    for (auto& [key, value] : older.resume_) resume_.try_emplace(key, std::move(value));
    last_seq_ = std::max(last_seq_, older.last_seq_);
    older = Batch{};
}

bool Batch::has_structural_changes() const {
    return std::any_of(ops_.begin(), ops_.end(), [](const Op& op) {
        return !std::holds_alternative<ProgressJob>(op.job) && !std::holds_alternative<ResumeJob>(op.job) &&
               !std::holds_alternative<BarrierJob>(op.job);
    });
}

std::vector<InsertJob> Batch::take_inserts_and_barriers() {
    std::vector<InsertJob> inserts;
    std::vector<Op> kept;
    kept.reserve(ops_.size());
    for (auto& op : ops_) {
        if (auto* insert = std::get_if<InsertJob>(&op.job)) {
            inserts.push_back(std::move(*insert));
        } else if (!std::holds_alternative<BarrierJob>(op.job)) {
            kept.push_back(std::move(op));
        }
    }
    ops_ = std::move(kept);
    return inserts;
}

}  // namespace arina::store::detail
