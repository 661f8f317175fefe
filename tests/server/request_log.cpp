#include "server/request_log.hpp"

namespace arina::testing {

std::uint64_t RequestLog::begin(const RequestRecord& record) {
    std::lock_guard lock(mutex_);
    records_.push_back(record);
    ++in_flight_;
    return first_id_ + records_.size() - 1;
}

RequestRecord* RequestLog::find(std::uint64_t id) {
    if (id < first_id_ || id - first_id_ >= records_.size()) return nullptr;  // cleared meanwhile
    return &records_[id - first_id_];
}

void RequestLog::add_body_bytes(std::uint64_t id, const std::string& path, std::int64_t bytes) {
    std::lock_guard lock(mutex_);
    if (auto* r = find(id)) r->body_bytes_sent += bytes;
    bytes_by_path_[path] += bytes;
}

void RequestLog::finish(std::uint64_t id, const RequestRecord& final_record) {
    {
        std::lock_guard lock(mutex_);
        if (auto* r = find(id)) r->body_bytes_sent = final_record.body_bytes_sent;
        --in_flight_;
    }
    idle_.notify_all();
    // Outside the lock: the hook may write files, and must not hold up the connection threads' bookkeeping.
    if (on_done_) on_done_(final_record);
}

std::vector<RequestRecord> RequestLog::records() const {
    std::lock_guard lock(mutex_);
    return records_;
}

std::vector<RequestRecord> RequestLog::records_for(std::string_view path) const {
    std::lock_guard lock(mutex_);
    std::vector<RequestRecord> out;
    for (const auto& r : records_)
        if (r.path == path) out.push_back(r);
    return out;
}

std::int64_t RequestLog::body_bytes_sent(std::string_view path) const {
    std::lock_guard lock(mutex_);
    const auto it = bytes_by_path_.find(path);
    return it == bytes_by_path_.end() ? 0 : it->second;
}

void RequestLog::clear() {
    std::lock_guard lock(mutex_);
    first_id_ += records_.size();
    records_.clear();
    bytes_by_path_.clear();
}

bool RequestLog::wait_until_idle(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [this] { return in_flight_ == 0; });
}

}  // namespace arina::testing
