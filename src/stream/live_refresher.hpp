#pragma once
// Keeps re-fetching the media playlist of a live HLS stream (RFC 8216 §6.3.4: after the target
// duration when it changed, half of it when it did not) and hands every successful parse to its
// owner. Failures (HTTP errors, timeouts, a playlist cut short) are outages: refreshes back off up
// to 10 s and keep going, and only an outage longer than `outage_seconds` ends the recording.
// Engine thread only.

#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "media/presentation.hpp"
#include "stream/memory_fetch.hpp"

namespace arina::stream {

class LiveRefresher {
  public:
    /// A fresh parse of the playlist; `ended` when it now carries EXT-X-ENDLIST.
    using Updated = std::function<void(const media::Stream& stream, bool ended)>;
    /// The outage lasted too long: `why` says what kept failing.
    using GaveUp = std::function<void(const std::string& why)>;

    LiveRefresher(net::Engine& engine, const net::HttpOptions& http, const net::RetryTiming& timing,
                  std::mt19937& rng, std::uint64_t owner, std::string url, double target_duration,
                  double outage_seconds, Updated updated, GaveUp gave_up);
    ~LiveRefresher();
    LiveRefresher(const LiveRefresher&) = delete;
    LiveRefresher& operator=(const LiveRefresher&) = delete;

    /// Plans the next refresh: one target duration away if the last one brought news, half otherwise.
    void schedule(bool changed);
    void stop();

  private:
    void refresh();
    void failed(const std::string& why);

    net::Engine& engine_;
    const net::HttpOptions& http_;
    const net::RetryTiming& timing_;
    std::mt19937& rng_;
    std::uint64_t owner_;
    std::string url_;
    double target_;
    double outage_seconds_;
    Updated updated_;
    GaveUp gave_up_;

    net::TimerId timer_ = 0;
    std::unique_ptr<MemoryFetch> fetch_;
    int failures_ = 0;
    std::chrono::steady_clock::time_point last_ok_ = std::chrono::steady_clock::now();
    bool stopped_ = false;
};

}  // namespace arina::stream
