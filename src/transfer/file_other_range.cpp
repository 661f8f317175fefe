#include <algorithm>
#include <string>
#include <vector>

#include "transfer/file_download.hpp"

// Answers to a range request that name other bytes than asked. RFC 9110 has a client place a 206 by
// its Content-Range, and some servers do answer other bytes: caches that serve whole blocks, servers
// that cap or move a range. Such an answer (same complete length, same validators, inside the file,
// covering at least one asked byte) is written where its Content-Range says; the asked bytes it left
// out are asked again.
//
// A server could also shift the header while sending the asked bytes; writing that would make a
// wrong file, and from the head alone it looks the same. So such bytes are compared with the disk:
// - where the answer overlaps bytes already on disk, they must be equal; a difference means the
//   server's ranges lie, and the download falls back to one plain stream (file_download.cpp);
// - an answer starting at the asked offset cannot be shifted (its first byte is where it was asked);
//   one starting elsewhere that overlaps at least kProofBytes of confirmed bytes is proven placed;
// - otherwise its bytes stay unconfirmed: never saved as done in the sidecar, and compared with
//   every later answer that reaches them (an exact answer equal to them confirms them). Those still
//   unconfirmed when every byte is on disk are confirmed one answer at a time by asking again a
//   small window across the answer's first byte, whose bytes before it are confirmed: only an answer
//   that names at least the whole window (exact, or a block around it) and whose bytes all equal the
//   disk confirms; anything else falls back to one plain stream.

namespace arina::transfer {
namespace {

// Equal confirmed bytes that prove an answer's bytes sit where its Content-Range says.
constexpr std::int64_t kProofBytes = 64;
// The window that confirms an answer reaches this far on each side of its first byte.
constexpr std::int64_t kCheckBytes = 4096;

std::string range_text(ByteRange r) {
    return "bytes " + std::to_string(r.begin) + "-" + std::to_string(r.end - 1);
}

ByteRange intersect(ByteRange a, ByteRange b) {
    return {std::max(a.begin, b.begin), std::min(a.end, b.end)};
}

}  // namespace

bool FileDownload::take_other_range(Active& a, const net::ContentRange& cr, const std::string& header) {
    if (a.probe || a.twin || a.duplicate) return false;
    if (cr.first < 0 || cr.last < cr.first || cr.total != size_ || cr.last >= size_) return false;
    const ByteRange asked{a.begin, a.end};
    const ByteRange answered{cr.first, cr.last + 1};
    if (intersect(asked, answered).empty()) return false;  // none of the asked bytes: no progress
    // A confirming window must come whole: an answer around it (a block) is compared as it is.
    if (a.check && (answered.begin > asked.begin || answered.end < asked.end)) return false;
    // What it leaves of the asked bytes is asked again.
    if (answered.end < asked.end) waiting_.push_front({{answered.end, asked.end}, {}});
    if (asked.begin < answered.begin) waiting_.push_front({{asked.begin, answered.begin}, {}});
    a.answered = "Content-Range '" + header + "' for the requested " + range_text(asked);
    if (!told_other_range_) {
        told_other_range_ = true;
        notices_.push_back(request_url_ + ": server answered " + a.answered +
                           "; written where it says, compared with the bytes on disk");
    }
    a.other_range = true;
    a.shifted = !a.check && answered.begin != asked.begin;
    a.begin = a.cursor = answered.begin;
    a.end = a.requested_end = answered.end;
    engine_.post([this] { pump(); });
    return true;
}

// The bytes of `data` (at a.cursor) already on disk that need comparing: all of them for an answer of
// other bytes or a confirming window, else only unconfirmed ones. False (a.violated) on a difference.
bool FileDownload::compare_with_disk(Active& a, std::span<const char> data) {
    const ByteRange span{a.cursor, a.cursor + static_cast<std::int64_t>(data.size())};
    const bool all = a.other_range || a.check;
    std::vector<ByteRange> parts;
    for (const auto& have : done_.ranges()) {
        const auto on_disk = intersect(have, span);
        if (on_disk.empty()) continue;
        if (all) {
            parts.push_back(on_disk);
            continue;
        }
        for (const auto& u : unconfirmed_.ranges())
            if (auto part = intersect(u, on_disk); !part.empty()) parts.push_back(part);
    }
    std::string disk;
    for (const auto& part : parts) {
        disk.resize(static_cast<std::size_t>(part.size()));
        if (Error err = part_->read_at(part.begin, disk)) {
            fail(err);
            return false;
        }
        const auto body = data.subspan(static_cast<std::size_t>(part.begin - span.begin), disk.size());
        const auto diff = std::mismatch(body.begin(), body.end(), disk.begin());
        if (diff.first != body.end()) {
            const auto at = part.begin + (diff.first - body.begin());
            a.violated = a.bad_range = a.lied = true;
            a.message =
                request_url_ + ": " +
                (a.other_range ? a.answered : "the answer for " + range_text({a.begin, a.requested_end})) +
                " brought bytes that differ from those already on disk (at byte " + std::to_string(at) +
                "); the server's Content-Range cannot be trusted";
            return false;
        }
        if (!all && part.size() >= kProofBytes) confirm_answers_at(part);
        if (a.shifted && !a.proven) {
            std::int64_t confirmed = part.size();
            for (const auto& u : unconfirmed_.ranges())
                confirmed -= std::max<std::int64_t>(0, intersect(u, part).size());
            a.proof_bytes += confirmed;
            if (a.proof_bytes >= kProofBytes) {
                a.proven = true;
                for (const auto& r : a.wrote.ranges()) unconfirmed_.remove(r);
            }
        }
    }
    return true;
}

// An exact answer (trusted as any) brought bytes equal to unconfirmed ones in `part`: the answers
// that wrote them are where their Content-Range says.
void FileDownload::confirm_answers_at(ByteRange part) {
    std::erase_if(unconfirmed_answers_, [&](ByteRange u) {
        if (intersect(u, part).empty()) return false;
        unconfirmed_.remove(u);
        return true;
    });
    for (auto& [id, other] : active_) {
        if (!other.shifted || other.proven) continue;
        const auto& wrote = other.wrote.ranges();
        if (std::none_of(wrote.begin(), wrote.end(),
                         [&](ByteRange w) { return !intersect(w, part).empty(); }))
            continue;
        other.proven = true;
        for (const auto& w : wrote) unconfirmed_.remove(w);
    }
}

void FileDownload::note_unconfirmed(const Active& a) {
    const auto& wrote = a.wrote.ranges();
    if (!wrote.empty()) unconfirmed_answers_.push_back({wrote.front().begin, wrote.back().end});
}

// Every byte is on disk and some came from answers not yet confirmed: ask again a window across the
// first byte of the lowest one (the bytes before it are confirmed by then).
bool FileDownload::start_check() {
    std::sort(unconfirmed_answers_.begin(), unconfirmed_answers_.end(),
              [](ByteRange x, ByteRange y) { return x.begin < y.begin; });
    const ByteRange u = unconfirmed_answers_.front();
    if (u.begin == 0 && u.end >= size_) {
        return fall_back_to_plain_stream(request_url_ +
                                         ": no byte on disk confirms where the server's Content-Range "
                                         "placed the file");
    }
    const std::int64_t edge = u.begin > 0 ? u.begin : u.end;
    const ByteRange window{std::max<std::int64_t>(0, edge - kCheckBytes),
                           std::min(size_, edge + kCheckBytes)};
    const auto id = start_piece(window, {});
    active_.at(id).check = true;
    publish();
    return true;
}

void FileDownload::check_done(const Active& a) {
    if (a.violated || a.failed || a.cursor < a.end) {
        const std::string why =
            a.lied ? a.message
                   : request_url_ + ": could not confirm the bytes an answer placed by its " +
                         "Content-Range (" +
                         (a.message.empty() ? "the confirming request failed" : a.message) + ")";
        if (fall_back_to_plain_stream(why)) return;
        return fail({FailReason::BadResponse, why});
    }
    const ByteRange u = unconfirmed_answers_.front();
    unconfirmed_answers_.erase(unconfirmed_answers_.begin());
    unconfirmed_.remove(u);
    pump();
    maybe_complete();
}

}  // namespace arina::transfer
