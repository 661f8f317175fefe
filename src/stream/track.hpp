#pragma once
// One selected stream of a stream download: its fragments fetched concurrently (the download
// decides how many in flight, across all its tracks), retried, decrypted, and appended in order to
// the stream's part file through a bounded reorder window (reorder_window.hpp).
//
// Assembly: the next fragment to write streams straight to disk as it arrives; fragments further
// ahead are held in memory until their turn, and each one that is complete and still waiting when
// the sidecar is next saved is also written to a file of its own in the spill area
// (TrackSettings::spill_dir), which the sidecar records once it is synced: a crash then loses only the
// fragments in flight. A spill file is obsolete once its fragment is in the part file; the owner deletes it
// after the next sidecar save. Before a fragment's bytes, the init section in force for it (EXT-X-MAP, DASH
// Initialization) is written when it differs from the last one written; an init section with the same bytes
// under another URL or key is not written again.
//
// Engine thread only. The track never calls into its owner while the owner is calling it, except
// through TrackListener, whose callbacks the owner must accept at any time.

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "media/presentation.hpp"
#include "net/engine.hpp"
#include "stream/aes_decryptor.hpp"
#include "stream/key_cache.hpp"
#include "stream/memory_fetch.hpp"
#include "stream/reorder_window.hpp"
#include "stream/stream_sidecar.hpp"
#include "transfer/part_file.hpp"

namespace arina::stream {

/// Identifies an init section for "is it the one written last": URL, byte range and key.
std::string init_identity(const media::Fragment& init);

class Track;

/// What a track tells its owner. Called on the engine thread, possibly from inside a Track call.
class TrackListener {
  public:
    virtual ~TrackListener() = default;
    /// Bytes were written or a transfer ended: slots may be free, progress changed.
    virtual void track_changed(Track& track) = 0;
    /// Every fragment is written (or skipped) and no more will come.
    virtual void track_finished(Track& track) = 0;
    /// A fragment (or init section) failed for good, or the part file could not be written.
    virtual void track_failed(Track& track, const Error& error) = 0;
    /// A fragment's URL answered as dead (403, 404, 410, or a page instead of media): signed URLs
    /// that expired. True: the owner refreshes the source and later calls Track::remap() with the
    /// fresh stream, or Track::refresh_failed(); the fragment waits for that. False (the default): no
    /// refresh will come, and the failure is retried as its class allows.
    virtual bool track_source_dead(Track& /*track*/) { return false; }
};

struct TrackSettings {
    std::string format_id;
    std::string label;  ///< "video", "audio", ... for messages about several tracks
    int fragment_retries = 10;
    bool skip_unavailable = false;
    bool live = false;  ///< fragments are matched by sequence number across refreshes
    WindowLimits window;
    double live_duration = 0;  ///< live only: stop taking fragments after this much media
    int connections = 1;       ///< of the whole download: how many pieces the last fragments may be cut into
    /// Where fragments that arrive before their turn are also written, one file each, named
    /// "<label>-<number>" (live: "<label>-s<sequence>"); empty = not at all.
    std::filesystem::path spill_dir;
};

class Track final : private net::TransferHandler {
  public:
    struct Shared {  // the owner's, outliving the track
        net::Engine& engine;
        const net::HttpOptions& http;
        const net::RetryTiming& timing;
        std::mt19937& rng;
        std::uint64_t owner;
        KeyCache& keys;
    };

    /// `resume` (may be default) says what is already in `file`: the first resume.fragments_done
    /// fragments (VOD) or those with a sequence below resume.next_sequence (live) are not fetched,
    /// nor those of resume.ahead whose spill file is there with the recorded length.
    Track(Shared shared, TrackSettings settings, std::shared_ptr<transfer::PartFile> file,
          const TrackResume& resume, TrackListener& listener);
    ~Track() override;
    Track(const Track&) = delete;
    Track& operator=(const Track&) = delete;

    /// Adds the fragments of `stream` (a VOD stream, or a refresh of a live playlist) that are new:
    /// for live, those with a sequence number above the highest seen. `ended`: no more will come.
    /// Returns how many were added.
    std::size_t extend(const media::Stream& stream, bool ended);
    /// No more fragments will be added (end of a live recording).
    void close();
    /// Live stop: abandons the fragments not yet written, keeps the written prefix, and finishes.
    void truncate_here();
    /// Starts the next fragment if the window allows; false when nothing could be started.
    bool start_one();
    /// Aborts every request and timer; nothing more happens.
    void stop();
    /// VOD: asks a fragment far behind again on a free connection (a hedged request: the first
    /// complete copy wins, the other is cancelled; see track_hedge.cpp). False when none qualifies.
    bool start_hedge();
    /// Called when a key arrived: unblocks writing and starting.
    void resume_work();
    /// VOD: a fresh copy of this track's stream (the same fragments, new URLs: fresh signatures).
    /// Fragments not written yet take the new URLs of the fragments at the same positions (init
    /// sections too); finished fragments are never fetched again. Fragments waiting for the refresh
    /// start again: afresh where their URL changed, else as one more failure. Returns how many URLs
    /// changed; 0 when the fresh stream does not have the same number of fragments (nothing is mapped).
    std::size_t remap(const media::Stream& fresh);
    /// The refresh asked for through track_source_dead() brought nothing: the waiting fragments'
    /// failures are retried as their class allows.
    void refresh_failed();
    /// Fragments waiting for a refresh of the source.
    bool awaiting_refresh() const { return !awaiting_refresh_.empty(); }

    int active() const { return static_cast<int>(active_.size()); }
    bool finished() const { return finished_; }
    bool closed() const { return closed_; }
    const TrackSettings& settings() const { return settings_; }
    std::int64_t fragments_written() const { return written_; }
    std::int64_t fragments_known() const {
        return vod_total_ >= 0 ? vod_total_ : written_ + static_cast<std::int64_t>(slots_.size());
    }
    std::int64_t bytes_written() const { return write_pos_; }
    std::int64_t fetched_bytes() const { return fetched_bytes_; }
    /// Of fetched_bytes(), those of hedged fragments' copies that lost the race.
    std::int64_t duplicated_bytes() const { return duplicated_bytes_; }
    std::int64_t held_bytes() const { return held_bytes_; }
    /// Media seconds written so far (for the live duration and progress).
    double seconds_written() const { return seconds_written_; }
    /// Media seconds taken into the plan (written or to be written).
    double seconds_planned() const { return seconds_planned_; }
    /// Notes for the user: skipped fragments, init section changes, lost live fragments.
    const std::vector<std::string>& notices() const { return notices_; }
    /// Writes each fragment that is complete but still waiting for its turn to the spill area (once
    /// each). Called just before a sidecar save: only a saved sidecar makes a spill file count, so
    /// spilling earlier would cost a second write of fragments that are written in order within the
    /// second anyway, and protect nothing more.
    void spill_waiting();
    /// The state to record in the sidecar (only durable once the part file and the spill files
    /// it names are synced).
    TrackResume resume_state() const;
    /// Spill files whose fragments are now in the part file (or were given up), to delete once a
    /// sidecar that no longer names them is saved. Taken: the next call returns only newer ones.
    std::vector<std::filesystem::path> take_obsolete_spills();
    /// Fragments taken from the spill area when resuming, instead of fetched.
    std::int64_t restored_from_spill() const { return restored_; }

  private:
    // One request's worth of a fragment: the whole fragment, or one piece of the last fragments
    // of a VOD stream, cut so that they keep every connection busy (see split()).
    struct Slot {
        media::Fragment fragment;                     // a piece: byte_range is its part (end 0: to the end)
        std::shared_ptr<const media::Fragment> init;  // init section in force; null = none
        std::int64_t number = 0;                      // 1-based position of the fragment in the stream
        std::int64_t key = 0;                         // 1-based position of the slot among all slots
        int piece = 0;                                // of `pieces` of its fragment
        int pieces = 1;
        // Later pieces: what the first piece's answer said of the fragment (its validator: strong
        // ETag, else Last-Modified; its size), which theirs must repeat.
        std::string first_validator;
        std::int64_t first_total = -1;
        // Blocked: a piece after the first, whose range waits for the fragment's size (first piece's answer).
        enum class State { Waiting, Blocked, Active, Retrying, Done, Skipped } state = State::Waiting;
        net::RetryHistory history;
        bool refresh_tried = false;  // its URL failed as dead, a refresh came, and the URL stayed the same
        bool head_only = false;      // too big to hold in memory: start only when it is next to write
        std::string data;            // Done: the whole (decrypted) fragment, waiting for its turn
    };
    struct Active {
        std::int64_t key = 0;
        std::string buffer;                             // received, not yet on disk
        std::unique_ptr<Aes128CbcDecryptor> decryptor;  // encrypted fragments
        bool spilling = false;                          // next to write: bytes go straight to disk
        std::int64_t spilled = 0;                       // bytes of this fragment already on disk
        std::int64_t skip = 0;                          // 200 to a range request: bytes to drop first
        std::int64_t remaining = -1;                    // range requests: bytes still expected
        bool sliced = false;                            // a 200 answer to a range request
        std::optional<net::AttemptFailure> failure;     // why we stopped it
        std::string problem;
        // For hedging (track_hedge.cpp): how the request is doing, and its copy when hedged.
        std::chrono::steady_clock::time_point started{};
        std::chrono::steady_clock::time_point first_byte{};
        std::int64_t received = 0;            // bytes of the fragment taken
        std::int64_t expected = -1;           // bytes it is to bring; -1: unknown
        std::optional<net::TransferId> twin;  // the other copy of a hedged fragment
        bool duplicate = false;               // this request is the hedge: it never streams to disk
        bool hedged = false;                  // the fragment had its one duplicate
    };

    bool on_response(net::TransferId id, const net::ResponseHead& head) override;
    bool on_body(net::TransferId id, std::span<const char> data) override;
    void on_done(net::TransferId id, const net::TransferOutcome& outcome) override;

    Slot* slot_of(std::int64_t key);
    std::int64_t ahead_of(std::int64_t key) const { return key - slots_done_ - 1; }
    bool split(std::size_t index);
    void size_pieces(Slot& first, std::int64_t total, bool whole, const std::string& validator);
    void note_size(const Slot& slot, std::int64_t bytes);
    net::TransferId start(Slot& slot);
    bool settle_hedge(Active& a, bool complete);
    void note_finished(const Active& a);
    bool accept(Active& a, std::span<const char> data);
    void fragment_failed(Slot& slot, net::AttemptFailure failure, std::string problem);
    void advance();
    bool try_spill(Active& a);
    bool ensure_init(const Slot& slot);
    void request_init(const media::Fragment& init);
    bool write(std::span<const char> data, std::int64_t at);
    void commit_head(std::int64_t bytes);
    bool check_error();
    void check_finished();
    void spill(std::int64_t key);
    void restore(Slot& slot, std::int64_t identity);
    void forget_spill(std::int64_t key);
    void fail(Error error);
    std::string describe(const Slot& slot) const;
    std::string take_buffer();
    void recycle(std::string& buffer);

    Shared shared_;
    TrackSettings settings_;
    std::shared_ptr<transfer::PartFile> file_;
    TrackListener& listener_;

    std::deque<Slot> slots_;            // from the next slot to write onwards
    std::int64_t slots_done_ = 0;       // slots written or skipped
    std::int64_t written_ = 0;          // fragments written or skipped (all their pieces)
    std::int64_t write_pos_ = 0;        // part file length covering the slots done
    std::int64_t fragments_pos_ = 0;    // part file length covering the fragments done (what resume trusts)
    std::int64_t sized_fragments_ = 0;  // whole fragments fetched, and their bytes: the typical size
    std::int64_t sized_bytes_ = 0;
    std::int64_t next_sequence_ = 0;             // sequence of the next fragment to write
    std::optional<std::int64_t> last_sequence_;  // highest sequence taken into the plan
    std::int64_t vod_total_ = -1;                // fragments of a VOD stream
    bool closed_ = false;
    bool finished_ = false;
    bool stopped_ = false;
    std::int64_t held_bytes_ = 0;
    std::int64_t fetched_bytes_ = 0;
    std::int64_t duplicated_bytes_ = 0;
    std::deque<double> recent_rates_;     // of finished fragments: what a free connection reaches
    std::deque<double> recent_startups_;  // their times to first byte
    double seconds_written_ = 0;
    double seconds_planned_ = 0;
    std::string init_id_;  // last init section written
    std::string init_sha_;
    std::vector<std::int64_t> skipped_;
    std::vector<std::string> notices_;
    std::optional<Error> error_;  // a write failed: reported once the current callback unwinds
    std::string scratch_;         // decrypted bytes on their way to disk
    // Buffers of fragments already written, kept for the next ones: a fragment of a few MiB
    // would otherwise cost fresh pages (faults, zeroing) and their return to the system each time.
    std::vector<std::string> spare_buffers_;
    std::size_t spare_bytes_ = 0;

    // The spill area: fragments done ahead of their turn that are in a file of their own (by slot
    // key), those of the sidecar not yet matched to a slot (by number, live: sequence), and files
    // no longer needed.
    std::map<std::int64_t, SpilledFragment> spilled_;
    std::map<std::int64_t, SpilledFragment> to_restore_;
    std::vector<std::filesystem::path> obsolete_spills_;
    std::int64_t restored_ = 0;
    bool spill_dir_made_ = false;

    std::map<net::TransferId, Active> active_;
    std::map<net::TimerId, std::int64_t> retry_timers_;  // -> slot key
    struct DeadUrl {
        net::AttemptFailure failure;
        std::string problem;
        std::string url;  // the URL that failed
    };
    std::map<std::int64_t, DeadUrl> awaiting_refresh_;  // slot key -> why it waits for a fresh source
    std::map<std::string, std::string> inits_;          // identity -> decrypted bytes, until written
    std::map<std::string, std::unique_ptr<MemoryFetch>> init_fetches_;
};

}  // namespace arina::stream
