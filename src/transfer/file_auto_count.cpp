#include <cmath>

#include "net/engine.hpp"
#include "transfer/connection_count.hpp"
#include "transfer/file_download.hpp"
#include "transfer/host_connection_memory.hpp"
#include "transfer/range_planner.hpp"

// -N auto for a plain file: feeds the download's byte total and the server's refusals to the
// ConnectionCount controller (connection_count.hpp, pure) and acts on its answers; and the
// per-connection rates progress shows. Kept apart from file_download.cpp, which plans, starts and
// checks the requests.

namespace arina::transfer {
namespace {

// The smallest piece when the queue is cut again for a smaller count (as when it was first cut).
constexpr std::int64_t kMinRecutPiece = 256 * 1024;
// How often the per-connection rates shown in progress are measured again.
constexpr std::chrono::milliseconds kRatesInterval{250};

}  // namespace

int FileDownload::target_connections() const {
    return count_ ? count_->target() : job_.connections;
}

void FileDownload::sample_rate() {
    if (!count_ || count_->settled()) return;
    const int before = count_->target();
    if (!count_->on_sample(std::chrono::steady_clock::now(), fetched_bytes_,
                           static_cast<int>(active_.size())))
        return;
    count_changed();
    // More connections: started from the loop, not from inside this body callback.
    if (count_->target() > before)
        engine_.post([this] {
            if (!ended_) pump();
        });
}

// A 429/503 or a refused connection to one more request while others of this download receive
// data: the server's limit on connections, not a failure of the piece. A server refusing every
// request (nothing flowing) is a failure as usual, so this cannot loop.
bool FileDownload::refused_extra_connection(const Active& a, const net::AttemptFailure& failure) {
    if (!count_) return false;
    const bool refusal =
        failure.http_status == 503 || failure.http_status == 429 ||
        (failure.reason == FailReason::Network && failure.failure_class == net::FailureClass::Persistent);
    if (!refusal || a.cursor > a.begin) return false;
    int flowing = 0;
    for (const auto& [id, other] : active_)
        if (other.cursor > other.begin) ++flowing;
    if (flowing == 0) return false;
    // active_ no longer holds `a`: the others in flight are what the server is serving now.
    count_->on_refused(static_cast<int>(active_.size()));
    count_changed();
    return true;
}

// Refreshed at most every kRatesInterval, or when a request starts or ends (publish() runs for
// every block received). The snapshot with the whole count in flight, every request measured, is
// kept for the result: the tail of a download has fewer requests, and their rates say less.
void FileDownload::measure_connections() {
    const auto now = std::chrono::steady_clock::now();
    if (connection_rates_.size() == active_.size() && now - rates_at_ < kRatesInterval) return;
    rates_at_ = now;
    connection_rates_.clear();
    bool measured = !active_.empty();
    for (const auto& [id, a] : active_) {  // by TransferId: the order the requests started
        const auto rate = std::llround(measured_rate(a, now));
        connection_rates_.push_back(rate);
        measured &= rate > 0;
    }
    const int whole = mode_ == Mode::Ranged ? target_connections() : 1;
    if (measured && static_cast<int>(active_.size()) >= whole) full_rates_ = connection_rates_;
}

void FileDownload::count_changed() {
    if (auto learnt = count_->learnt(); learnt && job_.host_memory)
        job_.host_memory->remember(origin_, *learnt);
    // Settled below the count the pieces were cut for (the budget): the queued pieces become fewer,
    // larger ones (whole rounds for the new count, up to the chunk size), so that each connection
    // waits for fewer answers' latency. Pieces with a retry history keep it and stay as they are.
    if (count_->settled() && count_->target() < job_.connections && !waiting_.empty()) {
        IntervalSet fresh;
        std::deque<Waiting> kept;
        for (auto& w : waiting_) {
            if (w.history.failures == 0 && w.history.quick_retries == 0)
                fresh.add(w.range);
            else
                kept.push_back(std::move(w));
        }
        const auto piece =
            balanced_piece_size(fresh.total(), job_.chunk_size, count_->target(), kMinRecutPiece);
        for (const auto& range : plan_pieces(fresh.ranges(), piece)) kept.push_back({range, {}});
        waiting_ = std::move(kept);
    }
    publish();
}

}  // namespace arina::transfer
