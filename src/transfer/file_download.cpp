#include "transfer/file_download.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "net/media_type.hpp"
#include "net/origin.hpp"
#include "transfer/hedge_planner.hpp"
#include "transfer/host_connection_memory.hpp"
#include "transfer/range_planner.hpp"
#include "util/atomic_file.hpp"
#include "util/filename.hpp"

namespace arina::transfer {
namespace {

// Below this a tail piece is not worth a new connection.
constexpr std::int64_t kMinSplitPiece = 256 * 1024;
// Splitting decisions are revisited this often; the resume sidecar is saved every
// kSaveEvery-th time.
constexpr std::chrono::milliseconds kRebalanceInterval{250};
constexpr int kSaveEvery = 4;
// The first request asks for no more than this: a small probe finishes fast, so the
// rest of the file can be cut into equal rounds for all connections.
constexpr std::int64_t kProbeBytes = 128 * 1024;
// A file that changes on the server this often is not going to settle.
constexpr int kMaxRestarts = 3;
constexpr std::int64_t kUnknownEnd = std::numeric_limits<std::int64_t>::max();
std::string range_text(std::int64_t begin, std::int64_t end) {
    return "bytes " + std::to_string(begin) + "-" + std::to_string(end - 1);
}

std::chrono::milliseconds to_ms(double seconds) {
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace

FileDownload::FileDownload(net::Engine& engine, DiskWorker& disk, FileJob job, Finished finished)
    : engine_(engine),
      disk_(disk),
      job_(std::move(job)),
      finished_(std::move(finished)),
      key_(transfer::next_download_key()),
      rng_(std::random_device{}()) {
    job_.connections = std::max(1, job_.connections);
    job_.chunk_size = std::max<std::int64_t>(job_.chunk_size, 64 * 1024);
    request_url_ = job_.url;
    if (job_.auto_connections) {
        origin_ = net::origin_of(job_.url);
        std::optional<LearntCount> learnt;
        if (job_.host_memory) learnt = job_.host_memory->recall(origin_);
        count_.emplace(ConnectionCountSettings{.budget = job_.connections}, std::chrono::steady_clock::now(),
                       learnt);
    }
}

FileDownload::~FileDownload() = default;

// ------------------------------------------------------------------ starting

void FileDownload::start() {
    std::error_code ec;
    std::filesystem::create_directories(job_.output_dir, ec);
    if (ec) return fail(file_error(ec.value(), "cannot create directory", job_.output_dir));

    // When the name is known before asking the server, a finished file or a resumable
    // .part can be found without a probe request.
    if (!job_.output_name.empty() || !filename_from_url(job_.url).empty()) {
        if (!choose_output(nullptr)) return;
        if (!job_.continue_partial) {
            std::filesystem::remove(part_path_, ec);
            std::filesystem::remove(store::resume_path_for(part_path_), ec);
        } else if (std::filesystem::exists(part_path_, ec)) {
            auto loaded = store::load_resume_state(store::resume_path_for(part_path_));
            if (auto* state = std::get_if<store::ResumeState>(&loaded); state && state->size > 0) {
                size_ = state->size;
                etag_ = state->etag;
                last_modified_ = state->last_modified;
                if (!open_part(false)) return;
                mode_ = Mode::Ranged;
                plan_waiting(done_);
                schedule_save();
                pump();
                maybe_complete();
                return;
            }
            if (auto* err = std::get_if<Error>(&loaded)) notices_.push_back(err->message + "; starting over");
        }
    }
    begin_probe();
}

// The first request: learns the size, range support, validators and the file name.
// It asks for the first chunk, so on a server with ranges it is also the first piece.
void FileDownload::begin_probe() {
    if (ended_) return;
    mode_ = Mode::Probe;
    Active a;
    a.probe = true;
    a.started = std::chrono::steady_clock::now();
    net::TransferRequest req;
    req.url = job_.url;
    req.http = &job_.http;
    req.owner = key_;
    if (decode_ || plain_) {
        req.decode_content = decode_;
        a.end = a.requested_end = kUnknownEnd;
    } else {
        const std::int64_t probe = std::min(job_.chunk_size, kProbeBytes);
        req.range = ByteRange{0, probe};
        a.end = a.requested_end = probe;
    }
    const auto id = engine_.start(std::move(req), *this);
    active_.emplace(id, a);
    publish();
}

bool FileDownload::choose_output(const net::ResponseHead* head) {
    std::string name = job_.output_name;
    if (name.empty() && head) name = filename_from_content_disposition(head->get("content-disposition"));
    if (name.empty())
        name = filename_from_url(head && !head->effective_url.empty() ? head->effective_url : job_.url);
    if (name.empty()) name = filename_from_url(job_.url);
    if (name.empty()) name = "download";
    const std::filesystem::path chosen =
        std::filesystem::path(name).is_absolute() ? std::filesystem::path(name) : job_.output_dir / name;
    const bool changed = chosen != final_path_;
    final_path_ = chosen;
    part_path_ = final_path_.string() + ".part";
    std::error_code ec;
    if (changed && !job_.overwrite && std::filesystem::exists(final_path_, ec) &&
        !std::filesystem::exists(part_path_, ec)) {
        DownloadResult r;
        r.already_present = true;
        r.file = final_path_;
        r.size = static_cast<std::int64_t>(std::filesystem::file_size(final_path_, ec));
        finish(std::move(r));
        return false;
    }
    if (final_path_.has_parent_path() && final_path_.parent_path() != job_.output_dir) {
        std::filesystem::create_directories(final_path_.parent_path(), ec);
        if (ec) {
            fail(file_error(ec.value(), "cannot create directory", final_path_.parent_path()));
            return false;
        }
    }
    return true;
}

// Opens the .part file. Unless `fresh`, reuses what the resume sidecar vouches for,
// provided it describes the same remote file (size and validators).
bool FileDownload::open_part(bool fresh) {
    done_.clear();
    unconfirmed_.clear();
    unconfirmed_answers_.clear();
    resumed_bytes_ = 0;
    const auto sidecar = store::resume_path_for(part_path_);
    bool reuse = false;
    if (!fresh && !force_fresh_ && job_.continue_partial) {
        auto loaded = store::load_resume_state(sidecar);
        if (auto* s = std::get_if<store::ResumeState>(&loaded)) {
            const bool validated = !s->etag.empty() || !s->last_modified.empty();
            if (s->size == size_ && s->etag == etag_ && s->last_modified == last_modified_ && validated) {
                done_ = s->done;
                reuse = true;
            } else {
                notices_.push_back("the file on the server differs from the partial download; starting over");
            }
        } else if (auto* err = std::get_if<Error>(&loaded)) {
            notices_.push_back(err->message + "; starting over");
        }
    }
    force_fresh_ = false;
    if (!reuse) {
        // Through the disk thread, so it cannot overtake a save still queued there.
        disk_.submit(key_, [sidecar] {
            std::error_code ec;
            std::filesystem::remove(sidecar, ec);
        });
    }
    auto opened = PartFile::open(part_path_, !reuse);
    if (auto* err = std::get_if<Error>(&opened)) {
        fail(*err);
        return false;
    }
    part_ = std::get<std::shared_ptr<PartFile>>(opened);
    if (!reuse && mode_ != Mode::Single && size_ > 0) {
        if (Error err = part_->reserve(size_)) {
            fail(err);
            return false;
        }
    }
    resumed_bytes_ = done_.total();
    return true;
}

// ------------------------------------------------------------------ responses

bool FileDownload::on_response(net::TransferId id, const net::ResponseHead& head) {
    auto it = active_.find(id);
    if (ended_ || it == active_.end()) return false;
    Active& a = it->second;
    const bool ok =
        (mode_ == Mode::Probe && a.probe) ? accept_probe_head(a, head) : accept_range_head(a, head);
    publish();
    return ok;
}

bool FileDownload::accept_probe_head(Active& a, const net::ResponseHead& head) {
    const int status = head.status;
    if (status >= 300 || status < 200) {
        a.failed = true;
        a.failure = {FailReason::Http, status,
                     net::parse_retry_after(head.get("retry-after"), std::time(nullptr))};
        a.message = job_.url + ": server answered HTTP " + std::to_string(status);
        if (status == 416) {
            // An empty file answers a range request with 416 and `bytes */0`.
            auto cr = net::parse_content_range(head.get("content-range"));
            if (cr && cr->total == 0) {
                a.failed = false;
                if (!choose_output(&head)) return false;
                size_ = 0;
                mode_ = Mode::Ranged;
                if (!open_part(true)) return false;
                a.end = a.requested_end = 0;
            }
        }
        return false;
    }
    if (job_.is_hand_off && job_.is_hand_off(head.get("content-type"))) {
        a.hand_off = true;  // nothing is written: the caller downloads it as a stream or a page instead
        request_url_ = head.effective_url.empty() ? job_.url : head.effective_url;
        handed_off_type_ = net::media_type_of(head.get("content-type"));
        return false;
    }
    const std::string encoding = head.get("content-encoding");
    if (!decode_ && !encoding.empty() && encoding != "identity") {
        // Ranges of an encoded body are ranges of the compressed bytes: useless for
        // writing in place. Fetch the whole representation once, decoded.
        decode_ = true;
        a.reprobe = true;
        notices_.push_back("server sends Content-Encoding: " + encoding +
                           "; downloading as one decoded stream");
        return false;
    }
    if (status == 200 || status == 206) {
        // After a restart, the new first answer must still be the file: an error page is not.
        std::int64_t new_size = status == 200 ? head.content_length().value_or(-1) : -1;
        if (auto cr = net::parse_content_range(head.get("content-range")); status == 206 && cr)
            new_size = cr->total;
        if (auto why = not_the_same_file(head, new_size)) {
            a.failed = true;
            a.failure = {FailReason::BadResponse, 0, std::nullopt};
            a.message = job_.url + ": server answered HTTP " + std::to_string(status) + " with " + *why +
                        "; not taken for the file";
            return false;
        }
    }
    request_url_ = head.effective_url.empty() ? job_.url : head.effective_url;
    const std::string etag = head.get("etag");
    etag_ = net::is_strong_etag(etag) ? etag : std::string();
    last_modified_ = head.get("last-modified");
    content_type_ = head.get("content-type");

    if (status == 206 && !decode_ && !plain_) {
        auto cr = net::parse_content_range(head.get("content-range"));
        // An answer from byte 0 that is shorter or longer than asked is placed as it says: it cannot be
        // shifted, its first byte is the file's first.
        if (!cr || cr->first != 0 || cr->total < 0 || cr->last < 0 || cr->last >= cr->total) {
            a.violated = true;
            a.bad_range = true;
            a.message = job_.url + ": Content-Range '" + head.get("content-range") +
                        "' does not match the requested " + range_text(0, a.requested_end);
            return false;
        }
        if (!choose_output(&head)) return false;
        size_ = cr->total;
        mode_ = Mode::Ranged;
        if (!open_part(false)) return false;
        a.end = a.requested_end = cr->last + 1;
        if (auto len = head.content_length(); len && *len != a.end) {
            a.violated = true;
            a.message = job_.url + ": Content-Length " + std::to_string(*len) + " does not match " +
                        range_text(0, a.end);
            return false;
        }
        IntervalSet planned = done_;
        planned.add({0, a.end});
        plan_waiting(planned);
        schedule_save();
        engine_.post([this] { pump(); });
        return true;
    }
    if (status == 200 || (status == 206 && (decode_ || plain_))) {
        // No ranges (or a decoded body): one stream from the start.
        if (!choose_output(&head)) return false;
        mode_ = Mode::Single;
        const auto len = head.content_length();
        size_ = (decode_ || !len) ? -1 : *len;
        if (!open_part(true)) return false;
        a.end = a.requested_end = size_ >= 0 ? size_ : kUnknownEnd;
        return true;
    }
    a.violated = true;
    a.message = job_.url + ": unexpected HTTP " + std::to_string(status) + " to a download request";
    return false;
}

bool FileDownload::accept_range_head(Active& a, const net::ResponseHead& head) {
    const int status = head.status;
    const std::string etag = head.get("etag");
    const std::string strong = net::is_strong_etag(etag) ? etag : std::string();
    const bool validators_differ = (!etag_.empty() && !strong.empty() && strong != etag_) ||
                                   (etag_.empty() && !last_modified_.empty() && head.has("last-modified") &&
                                    head.get("last-modified") != last_modified_);
    if (status == 206) {
        auto cr = net::parse_content_range(head.get("content-range"));
        if (validators_differ || (cr && cr->total >= 0 && cr->total != size_)) {
            if (auto why = not_the_same_file(head, cr ? cr->total : -1)) {
                a.failed = true;
                a.failure = {FailReason::BadResponse, 0, std::nullopt};
                a.message = request_url_ + ": server answered HTTP 206 with " + *why + " for " +
                            range_text(a.begin, a.requested_end) + "; not taken for the file";
                return false;
            }
            restart("the file changed on the server");
            return false;
        }
        if ((!cr || cr->first != a.begin || cr->last != a.requested_end - 1) &&
            !(cr && take_other_range(a, *cr, head.get("content-range")))) {
            a.violated = true;
            a.bad_range = true;
            // After an answer placed but not yet confirmed, one that cannot be placed makes the
            // server's ranges suspect: the plain stream at once, no retry.
            a.lied = !unconfirmed_.ranges().empty();
            a.message = request_url_ + ": Content-Range '" + head.get("content-range") +
                        "' does not match the requested " + range_text(a.begin, a.requested_end);
            return false;
        }
        const std::string encoding = head.get("content-encoding");
        if (!encoding.empty() && encoding != "identity") {
            a.violated = true;
            a.message = request_url_ + ": unexpected Content-Encoding " + encoding + " for " +
                        range_text(a.begin, a.requested_end);
            return false;
        }
        if (auto len = head.content_length(); len && *len != a.requested_end - a.begin) {
            a.violated = true;
            a.message = request_url_ + ": Content-Length " + std::to_string(*len) + " does not match " +
                        range_text(a.begin, a.requested_end);
            return false;
        }
        return true;
    }
    if (status == 200) {
        // An error page (session expired, captive portal, login wall) answering for bytes of the
        // file is a failed attempt, never a reason to throw away what is on disk.
        if (auto why = not_the_same_file(head, head.content_length().value_or(-1))) {
            a.failed = true;
            a.failure = {FailReason::BadResponse, 0, std::nullopt};
            a.message = request_url_ + ": server answered HTTP 200 with " + *why + " for " +
                        range_text(a.begin, a.requested_end) + "; not taken for the file";
            return false;
        }
    }
    if (status == 200 || status == 412 || status == 416) {
        // 200 to If-Range: the validator no longer matches, or the server stopped
        // honouring ranges. Either way the bytes on disk cannot be combined with this
        // answer: start over rather than splice two versions.
        restart(validators_differ || status != 200 ? "the file changed on the server"
                                                   : "the server no longer honours byte ranges");
        return false;
    }
    a.failed = true;
    a.failure = {FailReason::Http, status,
                 net::parse_retry_after(head.get("retry-after"), std::time(nullptr))};
    a.message = request_url_ + ": server answered HTTP " + std::to_string(status) + " for " +
                range_text(a.begin, a.requested_end);
    return false;
}

bool FileDownload::on_body(net::TransferId id, std::span<const char> data) {
    auto it = active_.find(id);
    if (ended_ || it == active_.end()) return false;
    Active& a = it->second;
    const auto room = static_cast<std::size_t>(std::max<std::int64_t>(0, a.end - a.cursor));
    const std::size_t n = std::min(room, data.size());
    if (n > 0) {
        write_body(a, data.first(n));
        if (ended_ || a.violated) return false;  // the write failed, or the bytes contradict the disk
        sample_rate();
    }
    if (a.twin) settle_race(a);
    if (n < data.size() || a.cursor >= a.end) {
        if (a.end < a.requested_end) {  // the piece was split: the rest belongs to another request
            publish();
            return false;
        }
        if (n < data.size()) {
            a.violated = true;
            a.message = request_url_ + ": server sent more than the " +
                        std::to_string(a.requested_end - a.begin) + " bytes asked for";
            return false;
        }
    }
    publish();
    return true;
}

void FileDownload::on_done(net::TransferId id, const net::TransferOutcome& outcome) {
    auto it = active_.find(id);
    if (ended_ || it == active_.end()) return;
    Active a = it->second;
    active_.erase(it);

    if (a.reprobe) return begin_probe();
    if (a.check) return check_done(a);
    if (a.shifted && !a.proven && !a.violated) note_unconfirmed(a);
    if (a.hand_off) {
        DownloadResult r;
        r.handed_off_url = request_url_;
        r.content_type = handed_off_type_;
        r.size = -1;
        return finish(std::move(r));
    }
    const bool whole = mode_ != Mode::Ranged;
    if (a.violated) {
        for (const auto& r : a.wrote.ranges()) {  // nothing from a lying response is kept
            done_.remove(r);
            unconfirmed_.remove(r);
        }
        a.cursor = a.begin;
        // Bytes that contradict the disk: no retry can make the ranges trustworthy.
        if (a.lied && fall_back_to_plain_stream(a.message)) return;
        if (!whole && drop_from_race(a)) return;
        net::AttemptFailure f{FailReason::BadResponse, 0, std::nullopt};
        return whole ? whole_failed(f, a.message, a.bad_range) : piece_failed(a, f, a.message);
    }
    if (!whole && (a.failed || a.cursor < a.end) && drop_from_race(a)) return;
    if (a.failed) return whole ? whole_failed(a.failure, a.message) : piece_failed(a, a.failure, a.message);

    const bool transfer_ok = outcome.reason == FailReason::None && !outcome.stopped_by_handler;
    if (mode_ == Mode::Single && transfer_ok && (size_ < 0 || a.cursor == size_)) {
        size_ = a.cursor;
        return finalize();
    }
    if (mode_ == Mode::Ranged && a.cursor >= a.end) {
        note_finished_piece(a);
        pump();
        return maybe_complete();
    }
    net::AttemptFailure f{outcome.reason == FailReason::None ? FailReason::BadResponse : outcome.reason, 0,
                          std::nullopt, outcome.failure_class};
    a.bad_range = outcome.message.find("without a Content-Range") != std::string::npos;
    std::string message = outcome.message;
    // The connection closed inside a body of announced length: say what the server sent. The same
    // cut again is the server's doing (given up, a protocol failure, exit 7), not the network's.
    a.short_body = outcome.reason == FailReason::Network && a.received > 0 && a.end != kUnknownEnd &&
                   a.cursor < a.end && outcome.message.find("remaining to read") != std::string::npos;
    if (a.short_body) {
        message = request_url_ + ": server sent " + std::to_string(a.cursor - a.begin) + " of the " +
                  std::to_string(a.end - a.begin) +
                  " bytes its Content-Length announced, then closed the connection";
        if (mode_ == Mode::Ranged) message += " (" + range_text(a.begin, a.end) + ")";
    }
    if (outcome.reason == FailReason::None) {
        message = request_url_ + ": body ended after " + std::to_string(a.cursor - a.begin) + " of " +
                  std::to_string(a.end - a.begin) + " bytes";
        if (mode_ == Mode::Ranged) message += " (" + range_text(a.begin, a.end) + ")";
    }
    return whole ? whole_failed(f, message, a.bad_range, a.short_body) : piece_failed(a, f, message);
}

// ------------------------------------------------------------------ scheduling

net::TransferId FileDownload::start_piece(ByteRange range, net::RetryHistory history) {
    Active a;
    a.begin = a.cursor = range.begin;
    a.end = a.requested_end = range.end;
    a.history = std::move(history);
    a.started = std::chrono::steady_clock::now();
    net::TransferRequest req;
    req.url = request_url_;
    req.range = range;
    req.if_range = if_range();
    req.http = &job_.http;
    req.owner = key_;
    const auto id = engine_.start(std::move(req), *this);
    active_.emplace(id, a);
    return id;
}

void FileDownload::plan_waiting(const IntervalSet& have) {
    const auto holes = have.holes(size_);
    std::int64_t missing = 0;
    for (const auto& h : holes) missing += h.size();
    const auto piece = balanced_piece_size(missing, job_.chunk_size, job_.connections, kMinSplitPiece);
    waiting_.clear();
    for (const auto& range : plan_pieces(holes, piece)) waiting_.push_back({range, {}});
}

void FileDownload::pump() {
    if (ended_ || finalizing_ || mode_ != Mode::Ranged) return;
    hand_back_slow_tails();
    const auto slots = static_cast<std::size_t>(target_connections());
    while (active_.size() < slots && !waiting_.empty()) {
        Waiting w = waiting_.front();
        waiting_.pop_front();
        start_piece(w.range, std::move(w.history));
    }
    split_for_free_connections(slots);
    // Nothing left to split: a free connection may fetch a straggler's bytes once more.
    while (active_.size() < slots && waiting_.empty() && retry_timers_.empty() && start_hedge()) {
    }
    publish();
}

void FileDownload::piece_failed(Active a, net::AttemptFailure failure, std::string message) {
    if (refused_extra_connection(a, failure)) {
        // Not the piece's fault: it waits for a connection within the new count, its retries unspent.
        waiting_.push_front({{a.cursor, a.end}, std::move(a.history)});
        return pump();
    }
    // The same failure at the same place again made no progress: the server does it every time.
    const std::string signature = message + " @" + std::to_string(a.cursor);
    const auto decision =
        net::next_retry(failure, signature, a.history, job_.fragment_retries, job_.retry_timing, rng_);
    if (!decision.retry) {
        if (a.bad_range && fall_back_to_plain_stream(message)) return;
        if (decision.failure_class != net::FailureClass::Final) retries_exhausted_ = true;
        if (a.short_body && decision.failure_class == net::FailureClass::Persistent) {
            return fail({FailReason::BadResponse, message + ", at the same byte every time" +
                                                      net::gave_up_note(decision, a.history.failures)});
        }
        return fail({failure.reason, message + net::gave_up_note(decision, a.history.failures)});
    }
    // What is still missing of the piece (a copy of a hedged piece may have left bytes ahead on disk).
    auto rest = missing_in(done_, {a.cursor, a.end});
    if (rest.empty()) {
        pump();
        return maybe_complete();
    }
    auto timer = std::make_shared<net::TimerId>();
    *timer = engine_.add_timer(to_ms(decision.delay_seconds), [this, timer, rest = std::move(rest),
                                                               history = std::move(a.history)]() mutable {
        retry_timers_.erase(*timer);
        for (auto r = rest.rbegin(); r != rest.rend(); ++r)
            waiting_.push_front({*r, r + 1 == rest.rend() ? std::move(history) : net::RetryHistory{}});
        pump();
    });
    retry_timers_.insert(*timer);
    pump();
}

void FileDownload::whole_failed(net::AttemptFailure failure, std::string message, bool bad_range,
                                bool short_body) {
    const auto decision =
        net::next_retry(failure, message, whole_history_, job_.retries, job_.retry_timing, rng_);
    if (!decision.retry) {
        if (bad_range && fall_back_to_plain_stream(message)) return;
        if (decision.failure_class != net::FailureClass::Final) retries_exhausted_ = true;
        if (short_body && decision.failure_class == net::FailureClass::Persistent) {
            return fail({FailReason::BadResponse, message + ", at the same byte every time" +
                                                      net::gave_up_note(decision, whole_history_.failures)});
        }
        return fail({failure.reason, message + net::gave_up_note(decision, whole_history_.failures)});
    }
    for (auto& [id, a] : active_) engine_.abort(id);
    active_.clear();
    mode_ = Mode::Probe;
    auto timer = std::make_shared<net::TimerId>();
    *timer = engine_.add_timer(to_ms(decision.delay_seconds), [this, timer] {
        retry_timers_.erase(*timer);
        begin_probe();
    });
    retry_timers_.insert(*timer);
    publish();
}

// The server's answers to range requests cannot be trusted (no Content-Range, other bytes than
// asked): the change of strategy is to ask for the whole file once, without Range, and write it as
// one stream. False when that was tried already.
bool FileDownload::fall_back_to_plain_stream(const std::string& why) {
    if (plain_ || decode_) return false;
    plain_ = true;
    notices_.push_back(why + "; downloading as one plain stream without ranges");
    stop_everything();
    done_.clear();
    resumed_bytes_ = 0;
    force_fresh_ = true;
    whole_history_ = {};
    mode_ = Mode::Probe;
    // Posted: we may be inside a callback of the transfer that failed.
    engine_.post([this] {
        if (!ended_) begin_probe();
    });
    publish();
    return true;
}

std::optional<std::string> FileDownload::not_the_same_file(const net::ResponseHead& head,
                                                           std::int64_t new_size) const {
    if (content_type_.empty() && size_ <= 0) return std::nullopt;  // nothing to compare with yet
    return net::implausible_replacement(content_type_, size_, head.get("content-type"), new_size);
}

void FileDownload::restart(const std::string& why) {
    if (++restarts_ > kMaxRestarts) {
        return fail({FailReason::RemoteChanged, job_.url + ": " + why + "; gave up after " +
                                                    std::to_string(kMaxRestarts) + " restarts"});
    }
    notices_.push_back(why + "; starting over");
    stop_everything();
    done_.clear();
    resumed_bytes_ = 0;
    force_fresh_ = true;
    // Posted: we may be inside a callback of the transfer that noticed the change.
    engine_.post([this] { begin_probe(); });
}

void FileDownload::maybe_complete() {
    if (ended_ || finalizing_ || mode_ != Mode::Ranged) return;
    if (!active_.empty() || !waiting_.empty() || !retry_timers_.empty()) return;
    if (!done_.contains({0, size_})) {
        // Should not happen; never present a file with holes as complete.
        plan_waiting(done_);
        return pump();
    }
    if (!unconfirmed_answers_.empty() && start_check()) return;
    finalize();
}

// ------------------------------------------------------------------ ending

std::string FileDownload::if_range() const {
    return !etag_.empty() ? etag_ : last_modified_;
}

store::ResumeState FileDownload::resume_state() const {
    IntervalSet confirmed = done_;
    for (const auto& r : unconfirmed_.ranges()) confirmed.remove(r);
    return {job_.url, size_, etag_, last_modified_, confirmed};
}

void FileDownload::schedule_save() {
    if (save_timer_ != 0 || ended_) return;
    save_timer_ = engine_.add_timer(kRebalanceInterval, [this] {
        save_timer_ = 0;
        if (ended_ || finalizing_ || mode_ != Mode::Ranged) return;
        if (++ticks_ % kSaveEvery == 0 && dirty_) {
            dirty_ = false;
            save_now(nullptr);
        }
        schedule_save();
        pump();  // a piece may have become slow enough to be worth splitting
    });
}

// The sidecar may only claim bytes that are durable, so the .part is synced first,
// on the disk thread, and then the sidecar is replaced atomically.
void FileDownload::save_now(std::function<void()> then) {
    if (!part_ || mode_ != Mode::Ranged) {
        if (then) then();
        return;
    }
    auto part = part_;
    auto state = resume_state();
    auto path = store::resume_path_for(part_path_);
    disk_.submit(key_, [part, state = std::move(state), path, then = std::move(then), &engine = engine_] {
        if (!part->sync()) store::save_resume_state(path, state);
        if (then) engine.post(then);
    });
}

void FileDownload::finalize() {
    finalizing_ = true;
    if (save_timer_) engine_.cancel_timer(save_timer_);
    save_timer_ = 0;
    publish();
    auto part = part_;
    const auto part_path = part_path_;
    const auto final_path = final_path_;
    const auto size = size_;
    disk_.submit(key_, [this, part, part_path, final_path, size] {
        Error err = part->sync();
        if (!err && std::filesystem::file_size(part_path) != static_cast<std::uintmax_t>(size))
            err = part->truncate(size);
        if (!err && ::rename(part_path.c_str(), final_path.c_str()) != 0)
            err = file_error(errno, "cannot rename into", final_path);
        if (!err) {
            std::error_code ec;
            std::filesystem::remove(store::resume_path_for(part_path), ec);
            sync_directory(final_path.parent_path());
        }
        engine_.post([this, err] {
            if (err) {
                finalizing_ = false;
                return fail(err);
            }
            DownloadResult r;
            r.file = final_path_;
            r.size = size_;
            finish(std::move(r));
        });
    });
}

std::vector<std::filesystem::path> FileDownload::files_for(const std::filesystem::path& final_path) {
    return {final_path, final_path.string() + ".part", final_path.string() + ".part.arina"};
}

void FileDownload::cancel() {
    if (ended_ || finalizing_) return;
    fail({FailReason::Cancelled, "cancelled: " + job_.url + " (partial download kept for resume)"});
}

void FileDownload::fail(Error error) {
    if (ended_) return;
    stop_everything();
    ended_ = true;  // no callback may start anything new from here on
    DownloadResult r;
    r.error = std::move(error);
    r.file = final_path_;
    r.size = size_;
    save_now([this, r = std::move(r)]() mutable { finish(std::move(r)); });
}

void FileDownload::stop_everything() {
    for (auto& [id, a] : active_) engine_.abort(id);
    active_.clear();
    for (auto t : retry_timers_) engine_.cancel_timer(t);
    retry_timers_.clear();
    waiting_.clear();
    if (save_timer_) engine_.cancel_timer(save_timer_);
    save_timer_ = 0;
}

void FileDownload::finish(DownloadResult result) {
    stop_everything();
    ended_ = true;
    result.fetched_bytes = fetched_bytes_;
    result.duplicated_bytes = duplicated_bytes_;
    result.resumed_bytes = resumed_bytes_;
    result.restarts = restarts_;
    result.retries_exhausted = retries_exhausted_ || restarts_ > kMaxRestarts;
    result.notices = notices_;
    if (auto rates = rates_notice(); !rates.empty() && !result.error)
        result.notices.push_back(std::move(rates));
    result.connections = target_connections();
    result.connections_reason = count_ ? to_string(count_->reason()) : to_string(CountReason::Fixed);
    result.connection_rates = full_rates_;
    {
        std::lock_guard lock(progress_mutex_);
        progress_.stage = DownloadStage::Done;
        progress_.connections = 0;
        progress_.connection_rates = full_rates_;
        result.peak_connections = progress_.peak_connections;
        if (result.size >= 0) progress_.total_bytes = result.size;
        progress_.file = result.file;
    }
    // The owner may destroy *this as soon as it is told: touch nothing afterwards.
    auto finished = std::move(finished_);
    finished(result);
}

void FileDownload::publish() {
    measure_connections();
    std::lock_guard lock(progress_mutex_);
    progress_.stage = finalizing_            ? DownloadStage::Finishing
                      : mode_ == Mode::Probe ? DownloadStage::Starting
                                             : DownloadStage::Downloading;
    progress_.total_bytes = size_;
    progress_.done_bytes = mode_ == Mode::Probe ? resumed_bytes_ : done_.total();
    progress_.fetched_bytes = fetched_bytes_;
    progress_.duplicated_bytes = duplicated_bytes_;
    progress_.connections = static_cast<int>(active_.size());
    progress_.peak_connections = std::max(progress_.peak_connections, progress_.connections);
    progress_.target_connections = target_connections();
    progress_.connections_reason = count_ ? to_string(count_->reason()) : to_string(CountReason::Fixed);
    progress_.connection_rates = connection_rates_;
    progress_.file = final_path_;
}

DownloadProgress FileDownload::progress() const {
    std::lock_guard lock(progress_mutex_);
    return progress_;
}

}  // namespace arina::transfer
