#include "stream/track.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <utility>

#include "net/media_type.hpp"
#include "util/sha256.hpp"

namespace arina::stream {
namespace {

// An init section is a few KiB; anything this large is not one.
constexpr std::size_t kMaxInitBytes = 16u << 20;
// Cutting the last fragments: into this many pieces, none smaller than this.
constexpr int kMaxPieces = 2;
constexpr std::int64_t kMinPieceBytes = 256 * 1024;
// Spare fragment buffers kept: about one per connection in a typical download, and no more
// memory than a handful of typical (2-6 s) fragments.
constexpr std::size_t kMaxSpareBuffers = 8;
constexpr std::size_t kMaxSpareBytes = 16u << 20;

// An answer that says "this URL no longer works" rather than "not yet" or "broken": what an expired
// signature gets. The page answer (on_response) is a BadResponse with the status of the page.
bool dead_url(const net::AttemptFailure& f) {
    if (f.reason == FailReason::Http)
        return f.http_status == 403 || f.http_status == 404 || f.http_status == 410;
    return f.reason == FailReason::BadResponse && f.http_status >= 200 && f.http_status < 300;
}

std::chrono::milliseconds to_ms(double seconds) {
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

std::string hex(const std::array<std::uint8_t, 16>& bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (auto b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

}  // namespace

std::string init_identity(const media::Fragment& init) {
    std::string id = init.url;
    if (init.byte_range)
        id += " bytes=" + std::to_string(init.byte_range->begin) + "-" + std::to_string(init.byte_range->end);
    if (init.key) id += " key=" + init.key->key_url + " iv=" + hex(media::effective_iv(init));
    return id;
}

Track::Track(Shared shared, TrackSettings settings, std::shared_ptr<transfer::PartFile> file,
             const TrackResume& resume, TrackListener& listener)
    : shared_(shared),
      settings_(std::move(settings)),
      file_(std::move(file)),
      listener_(listener),
      slots_done_(resume.fragments_done),
      written_(resume.fragments_done),
      write_pos_(resume.bytes),
      fragments_pos_(resume.bytes),
      next_sequence_(resume.next_sequence),
      init_id_(resume.init_id),
      init_sha_(resume.init_sha256),
      skipped_(resume.skipped) {
    for (const SpilledFragment& f : resume.ahead) {
        if (settings_.spill_dir.empty()) break;
        to_restore_[settings_.live ? f.sequence : f.number] = f;
    }
}

Track::~Track() {
    stop();
}

// ------------------------------------------------------------------ the plan

std::size_t Track::extend(const media::Stream& stream, bool ended) {
    if (closed_ || stopped_) return 0;
    std::size_t added = 0;
    std::shared_ptr<const media::Fragment> init;
    const auto init_of = [&](std::size_t index) {
        const media::Fragment* in_force = media::init_for(stream, index);
        if (!in_force) return std::shared_ptr<const media::Fragment>();
        if (!init || !(*init == *in_force)) init = std::make_shared<const media::Fragment>(*in_force);
        return init;
    };
    const auto& fragments = stream.fragments;
    if (!settings_.live) {
        // VOD: one call with every fragment; the first `written_` are on disk already.
        vod_total_ = static_cast<std::int64_t>(fragments.size());
        for (std::size_t i = 0; i < fragments.size(); ++i) {
            seconds_planned_ += fragments[i].duration;
            if (static_cast<std::int64_t>(i) < written_) {
                seconds_written_ += fragments[i].duration;
                continue;
            }
            Slot slot;
            slot.fragment = fragments[i];
            slot.init = init_of(i);
            slot.number = static_cast<std::int64_t>(i) + 1;
            slot.key = slot.number;
            restore(slot, slot.number);
            slots_.push_back(std::move(slot));
            ++added;
        }
        // Spilled fragments the plan no longer has (never, unless the sidecar lied).
        for (auto& [identity, f] : to_restore_) obsolete_spills_.push_back(settings_.spill_dir / f.file);
        to_restore_.clear();
        if (restored_ > 0) advance();
        if (stopped_) return added;
        close();
        return added;
    }
    // Live: fragments are identified by sequence number, stable across refreshes.
    for (std::size_t i = 0; i < fragments.size(); ++i) {
        const auto& f = fragments[i];
        if (last_sequence_ && f.sequence <= *last_sequence_) continue;
        if (f.sequence < next_sequence_) continue;  // written by an earlier run
        if (settings_.live_duration > 0 && seconds_planned_ >= settings_.live_duration) {
            closed_ = true;
            break;
        }
        if (last_sequence_ && f.sequence > *last_sequence_ + 1) {
            notices_.push_back(settings_.label + ": " + std::to_string(f.sequence - *last_sequence_ - 1) +
                               " live fragments were gone from the playlist before they could be fetched");
        }
        Slot slot;
        slot.fragment = f;
        slot.init = init_of(i);
        slot.number = fragments_known() + 1;
        slot.key = slots_done_ + static_cast<std::int64_t>(slots_.size()) + 1;
        last_sequence_ = f.sequence;
        seconds_planned_ += f.duration;
        restore(slot, f.sequence);
        slots_.push_back(std::move(slot));
        ++added;
    }
    // Spilled fragments at or below what the playlist has listed by now will never be matched.
    for (auto it = to_restore_.begin();
         it != to_restore_.end() && last_sequence_ && it->first <= *last_sequence_;) {
        obsolete_spills_.push_back(settings_.spill_dir / it->second.file);
        it = to_restore_.erase(it);
    }
    if (restored_ > 0) advance();
    if (stopped_) return added;
    if (ended || closed_) close();
    return added;
}

void Track::close() {
    closed_ = true;
    check_finished();
}

void Track::truncate_here() {
    for (const auto& [id, a] : active_) shared_.engine.abort(id);
    active_.clear();
    for (const auto& [timer, number] : retry_timers_) shared_.engine.cancel_timer(timer);
    retry_timers_.clear();
    awaiting_refresh_.clear();
    init_fetches_.clear();
    for (const auto& slot : slots_) forget_spill(slot.key);
    for (auto& [identity, f] : to_restore_) obsolete_spills_.push_back(settings_.spill_dir / f.file);
    to_restore_.clear();
    slots_.clear();
    held_bytes_ = 0;
    // The next fragment may have been half on disk.
    if (Error e = file_->truncate(write_pos_)) return fail(e);
    close();
}

Track::Slot* Track::slot_of(std::int64_t key) {
    const std::int64_t index = key - slots_done_ - 1;
    if (index < 0 || index >= static_cast<std::int64_t>(slots_.size())) return nullptr;
    return &slots_[static_cast<std::size_t>(index)];
}

std::string Track::describe(const Slot& slot) const {
    std::string text = "fragment " + std::to_string(slot.number);
    if (vod_total_ >= 0) text += " of " + std::to_string(vod_total_);
    text += " (" + slot.fragment.url;
    if (const auto& r = slot.fragment.byte_range)
        text += " bytes " + std::to_string(r->begin) + "-" +
                (r->end > 0 ? std::to_string(r->end - 1) : std::string());
    return text + ")";
}

// ------------------------------------------------------------------ starting

bool Track::start_one() {
    if (stopped_ || finished_) return false;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        if (slots_[i].state != Slot::State::Waiting) continue;
        const std::int64_t ahead = ahead_of(slots_[i].key);
        if (slots_[i].head_only && ahead > 0) continue;
        if (!may_start(settings_.window, ahead, held_bytes_)) return false;
        if (slots_[i].fragment.key && !shared_.keys.get(slots_[i].fragment.key->key_url)) return false;
        split(i);
        Slot& slot = slots_[i];
        if (slot.init && init_identity(*slot.init) != init_id_) request_init(*slot.init);
        start(slot);
        return true;
    }
    return false;
}

// The tail of a VOD stream: with fewer fragments left to start than connections, the last round
// would leave connections idle while a few fragments finish one by one. So the last fragments,
// at most half as many as connections, are cut into two pieces fetched in parallel: the first
// asks for half a typical fragment, and its answer (Content-Range) gives the size the second
// then takes. Only plain fragments (no byte range, no encryption), and only when nothing after
// it has started, since the slots after it move.
bool Track::split(std::size_t index) {
    Slot& slot = slots_[index];
    if (settings_.live || settings_.skip_unavailable || slot.pieces > 1 || slot.head_only ||
        slot.history.failures > 0 || slot.fragment.byte_range || slot.fragment.key || sized_fragments_ == 0)
        return false;
    std::int64_t left = 0;  // fragments still to start, this one included
    for (std::size_t j = index; j < slots_.size(); ++j) {
        if (slots_[j].state != Slot::State::Waiting || slots_[j].pieces > 1) return false;
        // Only the last round: as many halves as connections at most.
        if (2 * ++left > settings_.connections) return false;
    }
    const std::int64_t typical = sized_bytes_ / sized_fragments_;
    const int pieces = static_cast<int>(std::min<std::int64_t>(kMaxPieces, typical / kMinPieceBytes));
    if (pieces < 2) return false;
    slot.pieces = pieces;
    slot.fragment.byte_range = ByteRange{0, typical / pieces};
    Slot blocked = slot;
    blocked.fragment.byte_range.reset();
    blocked.state = Slot::State::Blocked;
    std::vector<Slot> rest;
    for (int p = 1; p < pieces; ++p) {
        blocked.piece = p;
        rest.push_back(blocked);
    }
    slots_.insert(slots_.begin() + static_cast<std::ptrdiff_t>(index) + 1, rest.begin(), rest.end());
    for (std::size_t j = index + 1; j < slots_.size(); ++j) slots_[j].key = slots_[j - 1].key + 1;
    return true;
}

// The first piece's answer gave the fragment's size (`total`, -1: unknown), or (`whole`) the
// whole fragment because the server ignores ranges: the other pieces get their ranges, or are
// not needed.
void Track::size_pieces(Slot& first, std::int64_t total, bool whole, const std::string& validator) {
    const std::int64_t start = whole ? 0 : first.fragment.byte_range->end;
    const int others = first.pieces - 1;
    for (int p = 1; p <= others; ++p) {
        Slot* s = slot_of(first.key + p);
        if (!s || s->state != Slot::State::Blocked) continue;
        if (whole || (total < 0 && p > 1)) {
            s->state = Slot::State::Done;  // nothing left for this piece
            continue;
        }
        s->first_validator = validator;
        s->first_total = total;
        if (total < 0) {
            s->fragment.byte_range = ByteRange{start, 0};  // size unknown: one piece takes the rest
        } else {
            const std::int64_t rest = std::max<std::int64_t>(0, total - start);
            const std::int64_t begin = start + rest * (p - 1) / others;
            const std::int64_t end = start + rest * p / others;
            if (end <= begin) {
                s->state = Slot::State::Done;
                continue;
            }
            s->fragment.byte_range = ByteRange{begin, end};
        }
        s->state = Slot::State::Waiting;
    }
}

std::string Track::take_buffer() {
    if (spare_buffers_.empty()) return {};
    std::string buffer = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
    spare_bytes_ -= buffer.capacity();
    return buffer;
}

void Track::recycle(std::string& buffer) {
    std::string taken;
    taken.swap(buffer);
    if (spare_buffers_.size() >= kMaxSpareBuffers || taken.capacity() == 0 ||
        spare_bytes_ + taken.capacity() > kMaxSpareBytes)
        return;
    taken.clear();
    spare_bytes_ += taken.capacity();
    spare_buffers_.push_back(std::move(taken));
}

net::TransferId Track::start(Slot& slot) {
    Active a;
    a.key = slot.key;
    a.started = std::chrono::steady_clock::now();
    a.buffer = take_buffer();
    if (slot.fragment.key) {
        const AesKey* key = shared_.keys.get(slot.fragment.key->key_url);
        a.decryptor = std::make_unique<Aes128CbcDecryptor>(*key, media::effective_iv(slot.fragment));
    }
    if (const auto& r = slot.fragment.byte_range; r && r->end > 0) a.remaining = r->size();
    net::TransferRequest req;
    req.url = slot.fragment.url;
    req.range = slot.fragment.byte_range;
    req.http = &shared_.http;
    req.owner = shared_.owner;
    slot.state = Slot::State::Active;
    const auto id = shared_.engine.start(std::move(req), *this);
    active_.emplace(id, std::move(a));
    return id;
}

// ------------------------------------------------------------------ receiving

bool Track::on_response(net::TransferId id, const net::ResponseHead& head) {
    auto it = active_.find(id);
    if (it == active_.end() || stopped_) return false;
    Active& a = it->second;
    Slot* slot = slot_of(a.key);
    if (head.status < 200 || head.status >= 300) {
        a.failure = net::AttemptFailure{FailReason::Http, head.status,
                                        net::parse_retry_after(head.get("retry-after"), std::time(nullptr))};
        a.problem = describe_status(head.status);
        return false;
    }
    if (const auto type = net::media_type_of(head.get("content-type")); net::is_page_type(type)) {
        // A login wall, captive portal or "link expired" page: never bytes of the output.
        a.failure = net::AttemptFailure{FailReason::BadResponse, head.status, std::nullopt};  // see dead_url
        a.problem = "server answered HTTP " + std::to_string(head.status) + " with " + type +
                    " where a media segment was expected";
        return false;
    }
    bool sized_pieces = false;
    // Pieces of one fragment must come from one version of it.
    std::string validator;
    if (slot->pieces > 1) {
        const std::string etag = head.get("etag");
        validator = net::is_strong_etag(etag) ? etag : head.get("last-modified");
    }
    if (const auto range = slot->fragment.byte_range) {
        const bool first_piece = slot->pieces > 1 && slot->piece == 0;
        if (head.status == 200 && first_piece) {
            // The server ignores Range: this answer is the whole fragment, the other pieces are not needed.
            slot->fragment.byte_range.reset();
            a.remaining = -1;
            size_pieces(*slot, -1, /*whole=*/true, validator);
            sized_pieces = true;
        } else if (head.status == 200) {
            if (slot->piece > 0 && validator != slot->first_validator) {
                a.failure = net::AttemptFailure{FailReason::RemoteChanged, 0, std::nullopt};
                a.problem = "changed on the server between the two requests for its halves";
                return false;
            }
            a.sliced = true;  // the server ignores Range: cut our bytes out of the whole resource
            a.skip = range->begin;
        } else {
            const auto cr = net::parse_content_range(head.get("content-range"));
            if (slot->piece > 0 &&
                (validator != slot->first_validator ||
                 (cr && cr->total >= 0 && slot->first_total >= 0 && cr->total != slot->first_total))) {
                // Two versions of the fragment must not be spliced: the download fails, and a rerun
                // fetches the whole fragment again (the sidecar counts only whole fragments).
                a.failure = net::AttemptFailure{FailReason::RemoteChanged, 0, std::nullopt};
                a.problem = "changed on the server between the two requests for its halves";
                return false;
            }
            bool matches = head.status == 206 && cr && cr->first == range->begin;
            if (matches && range->end > 0 && cr->last != range->end - 1) {
                // A fragment shorter than its first piece: the answer ends with the resource.
                matches =
                    first_piece && cr->total >= 0 && cr->last == cr->total - 1 && cr->last < range->end - 1;
            }
            if (!matches) {
                a.failure = net::AttemptFailure{FailReason::BadResponse, 0, std::nullopt};
                a.problem =
                    "Content-Range '" + head.get("content-range") + "' does not match the requested bytes";
                return false;
            }
            if (first_piece) {
                a.remaining = cr->last - cr->first + 1;
                size_pieces(*slot, cr->total, /*whole=*/false, validator);
                sized_pieces = true;
            }
        }
    }
    if (const auto length = head.content_length(); a.remaining >= 0 || length)
        a.expected = a.remaining >= 0 ? a.remaining : *length - a.skip;
    if (ahead_of(a.key) == 0) {
        try_spill(a);
    } else if (const auto length = head.content_length(); length && !a.decryptor) {
        const std::int64_t expected = a.remaining >= 0 ? a.remaining : *length - a.skip;
        // One allocation instead of regrowing (and copying) as the bytes come.
        if (expected > 0 && expected <= settings_.window.max_fragment_bytes)
            a.buffer.reserve(static_cast<std::size_t>(expected));
    }
    if (check_error()) return false;
    if (sized_pieces) listener_.track_changed(*this);  // pieces are ready to start; touches nothing after
    return !stopped_;
}

bool Track::on_body(net::TransferId id, std::span<const char> data) {
    auto it = active_.find(id);
    if (it == active_.end() || stopped_) return false;
    Active& a = it->second;
    fetched_bytes_ += static_cast<std::int64_t>(data.size());
    if (a.skip > 0) {
        const auto n = std::min<std::int64_t>(a.skip, static_cast<std::int64_t>(data.size()));
        a.skip -= n;
        data = data.subspan(static_cast<std::size_t>(n));
    }
    if (a.remaining >= 0) {
        data = data.first(std::min<std::size_t>(data.size(), static_cast<std::size_t>(a.remaining)));
        a.remaining -= static_cast<std::int64_t>(data.size());
    }
    if (a.received == 0 && !data.empty()) a.first_byte = std::chrono::steady_clock::now();
    a.received += static_cast<std::int64_t>(data.size());
    std::span<const char> plain = data;
    if (a.decryptor) {
        scratch_.clear();
        a.decryptor->update(data, scratch_);
        plain = scratch_;
    }
    if (a.spilling) {
        if (!write(plain, write_pos_ + a.spilled)) return !check_error();
        a.spilled += static_cast<std::int64_t>(plain.size());
    } else {
        a.buffer.append(plain.data(), plain.size());
        held_bytes_ += static_cast<std::int64_t>(plain.size());
        const std::int64_t ahead = ahead_of(a.key);
        if (ahead == 0) {
            try_spill(a);
        } else if (!a.duplicate &&
                   must_defer(settings_.window, ahead, static_cast<std::int64_t>(a.buffer.size()))) {
            // Too big to wait in memory: fetch it again once it is next, straight to disk.
            Slot* slot = slot_of(a.key);
            slot->state = Slot::State::Waiting;
            slot->head_only = true;
            held_bytes_ -= static_cast<std::int64_t>(a.buffer.size());
            recycle(a.buffer);
            active_.erase(it);
            shared_.engine.abort(id);
            listener_.track_changed(*this);
            return false;
        }
    }
    if (check_error()) return false;
    return !(a.sliced && a.remaining == 0);  // a sliced answer: stop once our bytes are in
}

void Track::on_done(net::TransferId id, const net::TransferOutcome& outcome) {
    auto it = active_.find(id);
    if (it == active_.end() || stopped_) return;
    Active a = std::move(it->second);
    active_.erase(it);
    Slot* slot = slot_of(a.key);
    if (!a.spilling) held_bytes_ -= static_cast<std::int64_t>(a.buffer.size());

    std::optional<net::AttemptFailure> failure = a.failure;
    std::string problem = a.problem;
    const bool got_all = a.remaining <= 0;
    if (!failure && outcome.reason != FailReason::None) {
        failure = net::AttemptFailure{outcome.reason, 0, std::nullopt, outcome.failure_class};
        problem = outcome.message;
        if (problem.starts_with(slot->fragment.url + ": ")) problem.erase(0, slot->fragment.url.size() + 2);
    } else if (!failure && outcome.stopped_by_handler && !(a.sliced && got_all)) {
        return;  // stopped for a reason already dealt with (a write error)
    } else if (!failure && !got_all) {
        failure = net::AttemptFailure{FailReason::BadResponse, 0, std::nullopt};
        problem = "body ended " + std::to_string(a.remaining) + " bytes short of the requested range";
    }
    if (!failure && a.decryptor) {
        scratch_.clear();
        if (Error e = a.decryptor->finish(scratch_)) {
            failure = net::AttemptFailure{FailReason::BadResponse, 0, std::nullopt};
            problem = e.message;
        } else if (a.spilling) {
            if (write(scratch_, write_pos_ + a.spilled))
                a.spilled += static_cast<std::int64_t>(scratch_.size());
        } else {
            a.buffer += scratch_;
        }
    }
    if (check_error()) return;
    if (a.twin && settle_hedge(a, !failure)) return;
    if (failure) {
        if (a.spilling) {
            // Half a fragment is on disk after the written prefix: cut it off before anything else lands.
            if (Error e = file_->truncate(write_pos_)) return fail(e);
        }
        fragment_failed(*slot, *failure, problem);
    } else if (a.spilling) {
        note_finished(a);
        note_size(*slot, a.spilled);
        commit_head(a.spilled);
        advance();
    } else {
        note_finished(a);
        note_size(*slot, static_cast<std::int64_t>(a.buffer.size()));
        held_bytes_ += static_cast<std::int64_t>(a.buffer.size());
        slot->data = std::move(a.buffer);
        slot->state = Slot::State::Done;
        advance();
    }
    if (!stopped_) listener_.track_changed(*this);
}

void Track::fragment_failed(Slot& slot, net::AttemptFailure failure, std::string problem) {
    if (!settings_.live && !slot.refresh_tried && dead_url(failure) && listener_.track_source_dead(*this)) {
        slot.state = Slot::State::Retrying;
        awaiting_refresh_[slot.key] = {failure, std::move(problem), slot.fragment.url};
        return;
    }
    const auto decision = net::next_retry(failure, problem, slot.history, settings_.fragment_retries,
                                          shared_.timing, shared_.rng, /*any_status=*/true);
    if (decision.retry) {
        slot.state = Slot::State::Retrying;
        const std::int64_t key = slot.key;
        auto timer = std::make_shared<net::TimerId>();
        *timer = shared_.engine.add_timer(to_ms(decision.delay_seconds), [this, timer, key] {
            retry_timers_.erase(*timer);
            if (Slot* s = slot_of(key)) s->state = Slot::State::Waiting;
            listener_.track_changed(*this);
        });
        retry_timers_.emplace(*timer, key);
        return;
    }
    const std::string message =
        describe(slot) + ": " + problem + net::gave_up_note(decision, slot.history.failures);
    if (settings_.skip_unavailable) {
        slot.state = Slot::State::Skipped;
        skipped_.push_back(slot.number);
        notices_.push_back(message + "; skipped: the output lacks this fragment");
        return advance();
    }
    fail({FailReason::FragmentMissing, message});
}

// ------------------------------------------------------------------ writing in order

bool Track::write(std::span<const char> data, std::int64_t at) {
    if (data.empty()) return true;
    if (Error e = file_->write_at(at, data)) {
        if (!error_) error_ = e;
        return false;
    }
    return true;
}

bool Track::check_error() {
    if (!error_) return false;
    Error e = *error_;
    error_.reset();
    fail(e);
    return true;
}

void Track::commit_head(std::int64_t bytes) {
    const Slot& head = slots_.front();
    forget_spill(head.key);
    write_pos_ += bytes;
    ++slots_done_;
    if (head.piece + 1 == head.pieces) {  // the fragment is whole
        seconds_written_ += head.fragment.duration;
        next_sequence_ = head.fragment.sequence + 1;
        ++written_;
        fragments_pos_ = write_pos_;
    }
    slots_.pop_front();
}

// Sizes of whole fragments, for cutting the last ones into pieces of a sensible size.
void Track::note_size(const Slot& slot, std::int64_t bytes) {
    if (slot.pieces > 1 || slot.fragment.byte_range || bytes <= 0) return;
    ++sized_fragments_;
    sized_bytes_ += bytes;
}

void Track::advance() {
    while (!slots_.empty() && !stopped_) {
        Slot& head = slots_.front();
        if (head.state == Slot::State::Skipped) {
            commit_head(0);
            continue;
        }
        if (head.state == Slot::State::Done) {
            if (!ensure_init(head)) break;
            if (!write(head.data, write_pos_)) break;
            const auto size = static_cast<std::int64_t>(head.data.size());
            held_bytes_ -= size;
            recycle(head.data);
            commit_head(size);
            continue;
        }
        if (head.state == Slot::State::Active) {
            for (auto& [id, a] : active_)
                if (a.key == head.key) try_spill(a);
        }
        break;
    }
    if (check_error()) return;
    check_finished();
}

// The next fragment to write starts streaming to disk: what it buffered goes first.
bool Track::try_spill(Active& a) {
    if (a.spilling) return true;
    if (a.duplicate) return false;  // a hedge's copy lands whole, or not at all
    const Slot* slot = slot_of(a.key);
    if (!slot || ahead_of(a.key) != 0 || !ensure_init(*slot)) return false;
    if (!write(a.buffer, write_pos_)) return false;
    a.spilled = static_cast<std::int64_t>(a.buffer.size());
    held_bytes_ -= a.spilled;
    recycle(a.buffer);
    a.spilling = true;
    return true;
}

bool Track::ensure_init(const Slot& slot) {
    if (!slot.init) return true;
    const std::string id = init_identity(*slot.init);
    if (id == init_id_) return true;
    auto it = inits_.find(id);
    if (it == inits_.end()) {
        request_init(*slot.init);
        return false;
    }
    const std::string sha = sha256_hex(it->second);
    if (sha != init_sha_) {
        if (!init_sha_.empty())
            notices_.push_back(settings_.label + ": the init section changes at " + describe(slot) +
                               "; it is written again there, which some players handle badly");
        if (!write(it->second, write_pos_)) return false;
        write_pos_ += static_cast<std::int64_t>(it->second.size());
    }
    init_id_ = id;
    init_sha_ = sha;
    inits_.erase(it);
    return true;
}

void Track::request_init(const media::Fragment& init) {
    const std::string id = init_identity(init);
    if (inits_.contains(id) || init_fetches_.contains(id)) return;
    // An encrypted init section waits for its key; resume_work() asks again when it arrives.
    if (init.key && !shared_.keys.get(init.key->key_url)) return;
    FetchSpec spec;
    spec.url = init.url;
    spec.range = init.byte_range;
    spec.max_bytes = kMaxInitBytes;
    spec.retries = settings_.fragment_retries;
    spec.retry_any_status = true;
    spec.what = "init section";
    auto fetch = std::make_unique<MemoryFetch>(
        shared_.engine, shared_.http, shared_.timing, shared_.rng, shared_.owner, spec,
        [this, id, init](FetchResult r) {
            auto node = init_fetches_.extract(id);  // destroyed on return; it touches nothing after
            if (r.error) return fail({FailReason::FragmentMissing, r.error.message});
            fetched_bytes_ += static_cast<std::int64_t>(r.body.size());
            if (init.key) {
                const AesKey* key = shared_.keys.get(init.key->key_url);
                if (!key) return;  // evicted meanwhile: asked for again when it is back
                auto plain = decrypt_aes128_cbc(r.body, *key, media::effective_iv(init));
                if (auto* e = std::get_if<Error>(&plain))
                    return fail(
                        {FailReason::FragmentMissing, "init section " + init.url + ": " + e->message});
                r.body = std::move(std::get<std::string>(plain));
            }
            inits_[id] = std::move(r.body);
            advance();
            if (!stopped_) listener_.track_changed(*this);
        });
    MemoryFetch& started = *fetch;
    init_fetches_.emplace(id, std::move(fetch));
    started.start();
}

// ------------------------------------------------------------------ the spill area

std::size_t Track::remap(const media::Stream& fresh) {
    if (stopped_) return 0;
    std::size_t changed = 0;
    if (!settings_.live && static_cast<std::int64_t>(fresh.fragments.size()) == vod_total_) {
        std::shared_ptr<const media::Fragment> init;
        for (Slot& slot : slots_) {
            if (slot.state == Slot::State::Done || slot.state == Slot::State::Skipped) continue;
            const auto index = static_cast<std::size_t>(slot.number - 1);
            const media::Fragment& now = fresh.fragments[index];
            if (now.url != slot.fragment.url) ++changed;
            slot.fragment.url = now.url;  // a piece keeps its own byte range
            if (const media::Fragment* in_force = media::init_for(fresh, index); in_force && slot.init) {
                if (!init || !(*init == *in_force)) init = std::make_shared<const media::Fragment>(*in_force);
                slot.init = init;
            }
        }
    }
    auto waiting = std::move(awaiting_refresh_);
    awaiting_refresh_.clear();
    for (auto& [key, dead] : waiting) {
        Slot* slot = slot_of(key);
        if (!slot || stopped_) continue;
        if (slot->fragment.url != dead.url) {
            // A new URL is a new start: the dead one's failures do not count against it.
            slot->history = {};
            slot->state = Slot::State::Waiting;
        } else {
            slot->refresh_tried = true;
            fragment_failed(*slot, dead.failure, std::move(dead.problem));
        }
    }
    if (!stopped_) listener_.track_changed(*this);
    return changed;
}

void Track::refresh_failed() {
    auto waiting = std::move(awaiting_refresh_);
    awaiting_refresh_.clear();
    for (auto& [key, dead] : waiting) {
        Slot* slot = slot_of(key);
        if (!slot || stopped_) continue;
        slot->refresh_tried = true;
        fragment_failed(*slot, dead.failure, std::move(dead.problem));
    }
    if (!stopped_) listener_.track_changed(*this);
}

void Track::resume_work() {
    if (stopped_ || finished_) return;
    advance();
}

// ------------------------------------------------------------------ ending

void Track::check_finished() {
    if (finished_ || stopped_ || !closed_ || !slots_.empty()) return;
    finished_ = true;
    listener_.track_finished(*this);
}

void Track::stop() {
    stopped_ = true;
    for (const auto& [id, a] : active_) shared_.engine.abort(id);
    active_.clear();
    for (const auto& [timer, number] : retry_timers_) shared_.engine.cancel_timer(timer);
    retry_timers_.clear();
    awaiting_refresh_.clear();
    init_fetches_.clear();
}

void Track::fail(Error error) {
    if (stopped_) return;
    stop();
    listener_.track_failed(*this, error);
}

TrackResume Track::resume_state() const {
    TrackResume r;
    r.format_id = settings_.format_id;
    r.file = file_->path().filename().string();
    r.fragments_done = written_;
    r.bytes = fragments_pos_;  // a fragment with only some pieces written is fetched again after a crash
    r.next_sequence = next_sequence_;
    r.fragments_total = settings_.live ? -1 : vod_total_;
    r.init_id = init_id_;
    r.init_sha256 = init_sha_;
    r.skipped = skipped_;
    for (const auto& [key, f] : spilled_) r.ahead.push_back(f);
    return r;
}

}  // namespace arina::stream
