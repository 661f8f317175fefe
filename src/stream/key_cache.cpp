#include "stream/key_cache.hpp"

#include <algorithm>
#include <cstring>

namespace arina::stream {

KeyCache::KeyCache(net::Engine& engine, const net::HttpOptions& http, const net::RetryTiming& timing,
                   std::mt19937& rng, std::uint64_t owner, int retries, Changed changed)
    : engine_(engine),
      http_(http),
      timing_(timing),
      rng_(rng),
      owner_(owner),
      retries_(retries),
      changed_(std::move(changed)) {}

const AesKey* KeyCache::get(const std::string& url) {
    if (auto it = keys_.find(url); it != keys_.end()) return &it->second;
    if (fetches_.contains(url)) return nullptr;
    FetchSpec spec;
    spec.url = url;
    spec.max_bytes = 1024;
    spec.retries = retries_;
    spec.what = "key";
    auto fetch = std::make_unique<MemoryFetch>(
        engine_, http_, timing_, rng_, owner_, spec, [this, url](FetchResult r) {
            auto node =
                fetches_.extract(url);  // destroyed when this lambda returns; it touches nothing after
            if (!r.error && r.body.size() != 16)
                r.error = {FailReason::BadResponse,
                           "key " + url + ": expected 16 bytes, got " + std::to_string(r.body.size())};
            if (!r.error) {
                AesKey key{};
                std::memcpy(key.data(), r.body.data(), key.size());
                keys_[url] = key;
                order_.push_back(url);
                while (order_.size() > kMaxKeys) {
                    keys_.erase(order_.front());
                    order_.pop_front();
                }
            }
            changed_(r.error);
        });
    MemoryFetch& started = *fetch;
    fetches_.emplace(url, std::move(fetch));
    started.start();
    return nullptr;
}

}  // namespace arina::stream
