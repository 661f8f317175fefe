#include "stream/live_refresher.hpp"

#include <algorithm>
#include <cmath>

#include "media/hls_parser.hpp"
#include "media/limits.hpp"

namespace arina::stream {
namespace {

constexpr double kMaxBackoffSeconds = 10;
constexpr double kMinIntervalSeconds = 0.5;

std::chrono::milliseconds to_ms(double seconds) {
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace

LiveRefresher::LiveRefresher(net::Engine& engine, const net::HttpOptions& http,
                             const net::RetryTiming& timing, std::mt19937& rng, std::uint64_t owner,
                             std::string url, double target_duration, double outage_seconds, Updated updated,
                             GaveUp gave_up)
    : engine_(engine),
      http_(http),
      timing_(timing),
      rng_(rng),
      owner_(owner),
      url_(std::move(url)),
      target_(target_duration > 0 ? target_duration : 2.0),
      outage_seconds_(outage_seconds),
      updated_(std::move(updated)),
      gave_up_(std::move(gave_up)) {}

LiveRefresher::~LiveRefresher() {
    stop();
}

void LiveRefresher::stop() {
    stopped_ = true;
    if (timer_) engine_.cancel_timer(timer_);
    timer_ = 0;
    fetch_.reset();
}

void LiveRefresher::schedule(bool changed) {
    if (stopped_ || timer_ || fetch_) return;
    const double delay = std::max(kMinIntervalSeconds, changed ? target_ : target_ / 2);
    timer_ = engine_.add_timer(to_ms(delay), [this] {
        timer_ = 0;
        refresh();
    });
}

void LiveRefresher::refresh() {
    FetchSpec spec;
    spec.url = url_;
    spec.decode_content = true;
    spec.max_bytes = media::kMaxManifestBytes;
    spec.retries = 0;  // outages are handled here, with their own clock
    spec.what = "live playlist";
    fetch_ =
        std::make_unique<MemoryFetch>(engine_, http_, timing_, rng_, owner_, spec, [this](FetchResult r) {
            auto done = std::move(fetch_);  // destroyed on return; it touches nothing after
            if (r.error) return failed(r.error.message);
            auto parsed = media::parse_hls(r.body, r.effective_url);
            if (auto* e = std::get_if<Error>(&parsed))
                return failed("live playlist " + url_ + ": " + e->message);
            auto& p = std::get<media::Presentation>(parsed);
            if (p.is_master || p.streams.empty())
                return failed("live playlist " + url_ + " turned into a master playlist");
            failures_ = 0;
            last_ok_ = std::chrono::steady_clock::now();
            if (p.refresh_interval > 0) target_ = p.refresh_interval;
            updated_(p.streams.front(), !p.is_live);
        });
    fetch_->start();
}

void LiveRefresher::failed(const std::string& why) {
    if (stopped_) return;
    ++failures_;
    const double down = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_ok_).count();
    if (down >= outage_seconds_) {
        stopped_ = true;
        return gave_up_(why + "; the playlist has been unavailable for " +
                        std::to_string(static_cast<int>(down)) + " s, so the recording ends here");
    }
    const double backoff =
        std::min(kMaxBackoffSeconds, std::max(1.0, target_ / 2) * std::pow(2.0, std::min(failures_ - 1, 10)));
    timer_ = engine_.add_timer(to_ms(backoff), [this] {
        timer_ = 0;
        refresh();
    });
}

}  // namespace arina::stream
