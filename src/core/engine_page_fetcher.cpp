#include "core/engine_page_fetcher.hpp"

#include <chrono>
#include <future>
#include <memory>
#include <random>

#include "net/media_type.hpp"
#include "stream/memory_fetch.hpp"
#include "transfer/download.hpp"

namespace arina {

struct EnginePageFetcher::Settings {
    net::HttpOptions http;
    net::RetryTiming timing;
    std::mt19937 rng{std::random_device{}()};
    std::uint64_t owner = transfer::next_download_key();
};

namespace {

// What the engine thread and the waiting extraction thread share: the fetch lives on the engine
// thread; whoever finishes second (the fetch or an abandoning caller) frees nothing the other uses.
struct Pending {
    std::unique_ptr<stream::MemoryFetch> fetch;
    std::promise<stream::FetchResult> promise;
};

// Destroys the fetch on the engine's thread and waits until it has been. The fetch's callback owns
// `pending` (a cycle until then), and an engine stopped before a posted reset runs drops the job
// unrun: a probe's runtime stops right after its last page, which leaked both.
void release_on_engine(net::Engine& engine, const std::shared_ptr<Pending>& pending) {
    auto released = std::make_shared<std::promise<void>>();
    auto done = released->get_future();
    engine.post([pending, released] {
        pending->fetch.reset();
        released->set_value();
    });
    done.wait();
}

}  // namespace

EnginePageFetcher::EnginePageFetcher(net::Engine& engine, net::HttpOptions http, int retries,
                                     net::RetryTiming timing, const extract::CancelFlag& cancel)
    : engine_(engine), settings_(std::make_shared<Settings>()), retries_(retries), cancel_(cancel) {
    settings_->http = std::move(http);
    settings_->timing = timing;
}

extract::Page EnginePageFetcher::get(const std::string& url, std::size_t max_bytes) {
    // Extractors of the chain look at the same page in turn: it is fetched once.
    if (auto it = pages_.find(url);
        it != pages_.end() && (!it->second.truncated || it->second.body.size() >= max_bytes)) {
        extract::Page page = it->second;
        if (page.body.size() > max_bytes) {
            page.body.resize(max_bytes);
            page.truncated = true;
        }
        return page;
    }
    auto page = fetch(url, max_bytes, std::nullopt);
    if (!page.error) pages_[url] = page;
    return page;
}

extract::Page EnginePageFetcher::fetch(const std::string& url, std::size_t max_bytes,
                                       std::optional<ByteRange> range) {
    extract::Page page;
    if (cancel_.load()) {
        page.error = {FailReason::Cancelled, "cancelled: " + url};
        return page;
    }
    stream::FetchSpec spec;
    spec.url = url;
    spec.decode_content = true;
    spec.max_bytes = max_bytes;
    spec.keep_first_bytes = !range;
    spec.range = range;
    spec.retries = retries_;
    spec.what = "page";
    auto pending = std::make_shared<Pending>();
    auto result = pending->promise.get_future();
    net::Engine& engine = engine_;
    engine_.post([&engine, settings = settings_, pending, spec] {
        // The fetch holds references into `settings`: the lambda it reports to keeps them alive.
        pending->fetch = std::make_unique<stream::MemoryFetch>(
            engine, settings->http, settings->timing, settings->rng, settings->owner, spec,
            [pending, settings](stream::FetchResult r) { pending->promise.set_value(std::move(r)); });
        pending->fetch->start();
    });
    // Wake now and then to notice a cancel: the fetch may take up to its socket timeout.
    while (result.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
        if (!cancel_.load()) continue;
        release_on_engine(engine_, pending);
        page.error = {FailReason::Cancelled, "cancelled: " + url};
        return page;
    }
    stream::FetchResult r = result.get();
    release_on_engine(engine_, pending);
    page.error = r.error;
    page.status = r.error ? 0 : 200;
    page.effective_url = r.effective_url.empty() ? url : r.effective_url;
    page.content_type = net::media_type_of(r.content_type);
    page.body = std::move(r.body);
    page.truncated = r.truncated;
    return page;
}

extract::Page EnginePageFetcher::head(const std::string& url) {
    // A GET of the first byte: some servers answer HEAD differently from GET (or not at all).
    auto page = fetch(url, 1, ByteRange{0, 1});
    page.body.clear();
    return page;
}

}  // namespace arina
