#pragma once
// extract::PageFetcher over the transfer engine: an extractor's page requests go through the same
// engine, connection budget, proxy, cookies and TLS settings as the downloads. Blocking, for the
// extraction thread; each request is a stream::MemoryFetch created, run and destroyed on the engine
// thread.

#include <map>
#include <memory>
#include <optional>

#include "extract/extractor.hpp"
#include "net/engine.hpp"
#include "net/retry_policy.hpp"
#include "util/interval_set.hpp"

namespace arina {

class EnginePageFetcher final : public extract::PageFetcher {
  public:
    /// `engine` and `cancel` must outlive the fetcher. A set `cancel` abandons the request in flight
    /// and makes the call return FailReason::Cancelled at once.
    EnginePageFetcher(net::Engine& engine, net::HttpOptions http, int retries, net::RetryTiming timing,
                      const extract::CancelFlag& cancel);

    extract::Page get(const std::string& url, std::size_t max_bytes) override;
    extract::Page head(const std::string& url) override;

    struct Settings;  // what a fetch on the engine thread reads: shared, so it may outlive us

  private:
    extract::Page fetch(const std::string& url, std::size_t max_bytes, std::optional<ByteRange> range);

    net::Engine& engine_;
    std::shared_ptr<Settings> settings_;
    int retries_;
    const extract::CancelFlag& cancel_;
    std::map<std::string, extract::Page> pages_;  // successful GETs, by URL
};

}  // namespace arina
