#pragma once
// What the server saw: one record per request, and the byte counter per URL path. Connection
// threads write; tests read copies at any time.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/test_server.hpp"

namespace arina::testing {

class RequestLog {
  public:
    explicit RequestLog(std::function<void(const RequestRecord&)> on_done) : on_done_(std::move(on_done)) {}

    /// Appends a record for a response about to be sent; returns its id for the calls below.
    std::uint64_t begin(const RequestRecord& record);
    /// Books body bytes accepted by send() for the response `id` on `path`.
    void add_body_bytes(std::uint64_t id, const std::string& path, std::int64_t bytes);
    /// The response is over; `final_record` (the connection's copy) goes to the on_done hook.
    void finish(std::uint64_t id, const RequestRecord& final_record);

    std::vector<RequestRecord> records() const;
    std::vector<RequestRecord> records_for(std::string_view path) const;
    std::int64_t body_bytes_sent(std::string_view path) const;
    void clear();
    bool wait_until_idle(std::chrono::milliseconds timeout) const;

  private:
    RequestRecord* find(std::uint64_t id);

    std::function<void(const RequestRecord&)> on_done_;
    mutable std::mutex mutex_;
    mutable std::condition_variable idle_;
    std::vector<RequestRecord> records_;
    std::uint64_t first_id_ = 0;  ///< id of records_[0]; clear() moves it past every id handed out
    std::map<std::string, std::int64_t, std::less<>> bytes_by_path_;
    int in_flight_ = 0;
};

}  // namespace arina::testing
