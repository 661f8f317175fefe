#pragma once
// AES-128 keys of a stream download, fetched once per key URI and kept for the fragments that
// follow. Engine thread only.

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "stream/aes_decryptor.hpp"
#include "stream/memory_fetch.hpp"

namespace arina::stream {

class KeyCache {
  public:
    /// `changed` runs when a requested key arrived (error None) or could not be had (the error names
    /// the key URL); a failed key is not asked for again.
    using Changed = std::function<void(const Error&)>;

    KeyCache(net::Engine& engine, const net::HttpOptions& http, const net::RetryTiming& timing,
             std::mt19937& rng, std::uint64_t owner, int retries, Changed changed);

    /// The key when it is here; otherwise starts fetching it (once) and returns nullptr.
    const AesKey* get(const std::string& url);
    /// Stops every fetch in flight.
    void stop() { fetches_.clear(); }

  private:
    // Keys rotate at most every fragment; a handful is plenty to cover the fragments in flight.
    static constexpr std::size_t kMaxKeys = 64;

    net::Engine& engine_;
    const net::HttpOptions& http_;
    const net::RetryTiming& timing_;
    std::mt19937& rng_;
    std::uint64_t owner_;
    int retries_;
    Changed changed_;
    std::map<std::string, AesKey> keys_;
    std::deque<std::string> order_;  // oldest first, for eviction
    std::map<std::string, std::unique_ptr<MemoryFetch>> fetches_;
};

}  // namespace arina::stream
