#pragma once
// Small HTTP resources fetched whole into memory, with retries: manifests, media playlists,
// AES keys, DASH segment indexes and init sections. A MemoryFetch is one such request from start
// to verdict; it lives on the engine thread and reports once through its `done` callback.

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include "net/engine.hpp"
#include "net/retry_policy.hpp"
#include "util/fail_reason.hpp"
#include "util/interval_set.hpp"

namespace arina::stream {

struct FetchSpec {
    std::string url;
    std::optional<ByteRange> range;  ///< ask for these bytes only (a 200 answer is sliced)
    bool decode_content = false;     ///< accept gzip/br (text resources)
    std::size_t max_bytes = 16u << 20;
    /// A longer body is cut at max_bytes and the fetch succeeds with FetchResult::truncated set
    /// (a web page's first megabytes are enough to find its media); otherwise it is an error.
    bool keep_first_bytes = false;
    int retries = 0;  ///< failures allowed before giving up
    /// 4xx answers are Persistent (a few quick retries) rather than Final: CDNs answer 403 or 404 for a
    /// segment that has not reached them yet, so media players (and yt-dlp) try fragments, keys and
    /// indexes again whatever the status (net::classify).
    bool retry_any_status = false;
    std::string what;  ///< names the resource in messages: "manifest", "key", ...
};

struct FetchResult {
    Error error;  ///< reason None on success
    std::string body;
    std::string effective_url;  ///< after redirects: base for relative URIs
    std::string content_type;
    int attempts = 0;
    bool truncated = false;  ///< cut at FetchSpec::max_bytes (keep_first_bytes)
};

/// "server answered HTTP 404" and friends, for messages.
std::string describe_status(int status);

class MemoryFetch final : private net::TransferHandler {
  public:
    using Done = std::function<void(FetchResult)>;

    /// `http`, `timing` and `rng` must outlive the fetch. Nothing happens before start().
    MemoryFetch(net::Engine& engine, const net::HttpOptions& http, const net::RetryTiming& timing,
                std::mt19937& rng, std::uint64_t owner, FetchSpec spec, Done done);
    /// Stops whatever is in flight; `done` is not called afterwards.
    ~MemoryFetch() override;
    MemoryFetch(const MemoryFetch&) = delete;
    MemoryFetch& operator=(const MemoryFetch&) = delete;

    void start();
    bool running() const { return transfer_ != 0 || timer_ != 0; }

  private:
    bool on_response(net::TransferId id, const net::ResponseHead& head) override;
    bool on_body(net::TransferId id, std::span<const char> data) override;
    void on_done(net::TransferId id, const net::TransferOutcome& outcome) override;
    void attempt();
    void failed(net::AttemptFailure failure, std::string problem);
    void complete(FetchResult result);

    net::Engine& engine_;
    const net::HttpOptions& http_;
    const net::RetryTiming& timing_;
    std::mt19937& rng_;
    std::uint64_t owner_;
    FetchSpec spec_;
    Done done_;

    net::TransferId transfer_ = 0;
    net::TimerId timer_ = 0;
    net::RetryHistory history_;
    // The answer in progress.
    std::string body_;
    std::string effective_url_;
    std::string content_type_;
    bool truncated_ = false;
    std::int64_t skip_ = 0;        // bytes to drop first (a 200 answer to a range request)
    std::int64_t remaining_ = -1;  // bytes still wanted; -1 = all
    std::optional<net::AttemptFailure> failure_;
    std::string problem_;
};

}  // namespace arina::stream
