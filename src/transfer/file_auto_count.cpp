#include "net/engine.hpp"
#include "transfer/connection_count.hpp"
#include "transfer/file_download.hpp"
#include "transfer/host_connection_memory.hpp"

// -N auto for a plain file: feeds the download's byte total and the server's refusals to the
// ConnectionCount controller (connection_count.hpp, pure) and acts on its answers. Kept apart from
// file_download.cpp, which plans, starts and checks the requests.

namespace arina::transfer {

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

void FileDownload::count_changed() {
    if (auto learnt = count_->learnt(); learnt && job_.host_memory)
        job_.host_memory->remember(origin_, *learnt);
    publish();
}

}  // namespace arina::transfer
