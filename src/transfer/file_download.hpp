#pragma once
// A plain HTTP(S) file fetched as byte ranges over several connections, written in
// place into NAME.part, resumable after a crash, renamed to NAME only when complete.
//
// Lifecycle (all on the engine thread):
//   start() -> probe request -> ranged (206) or single-stream (200) -> finalise on the
//   disk thread (fsync, rename) -> `finished` callback, exactly once.
// cancel() stops early and keeps the .part and its resume sidecar.
// The object must outlive the `finished` call; destroy it afterwards, from any thread.

#include <atomic>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "net/engine.hpp"
#include "store/resume_file.hpp"
#include "transfer/connection_count.hpp"
#include "transfer/disk_worker.hpp"
#include "transfer/download.hpp"
#include "transfer/download_types.hpp"
#include "transfer/part_file.hpp"

namespace arina::transfer {

class FileDownload final : public Download, private net::TransferHandler {
  public:
    FileDownload(net::Engine& engine, DiskWorker& disk, FileJob job, Finished finished);
    ~FileDownload() override;

    void start() override;
    void cancel() override;
    DownloadProgress progress() const override;

    /// Every file a download to `final_path` may leave: the file, NAME.part and its
    /// sidecar NAME.part.arina (for remove with delete_files).
    static std::vector<std::filesystem::path> files_for(const std::filesystem::path& final_path);

  private:
    // net::TransferHandler
    bool on_response(net::TransferId id, const net::ResponseHead& head) override;
    bool on_body(net::TransferId id, std::span<const char> data) override;
    void on_done(net::TransferId id, const net::TransferOutcome& outcome) override;

    enum class Mode { Probe, Ranged, Single };

    /// One request in flight. Ranged: bytes [cursor, end) still to come of [begin, requested_end).
    struct Active {
        std::int64_t begin = 0;
        std::int64_t cursor = 0;
        std::int64_t end = 0;            ///< may shrink when the piece is split
        std::int64_t requested_end = 0;  ///< what the Range header asked for
        net::RetryHistory history;       ///< of this piece (the probe: of the download's first request)
        bool probe = false;
        net::AttemptFailure failure;  ///< why the handler stopped it, if it did
        bool failed = false;
        bool violated = false;    ///< the response broke the protocol: discard its bytes
        bool bad_range = false;   ///< ... by answering other bytes than the range asked for
        bool short_body = false;  ///< the connection ended before the announced length
        bool reprobe = false;     ///< stopped on purpose to ask again differently
        bool hand_off = false;    ///< the first answer is a manifest or a page (FileJob::is_hand_off)
        // Other bytes than asked, named by an honest-looking Content-Range (file_other_range.cpp):
        bool other_range = false;  ///< written where its Content-Range says; [begin, end) is that range
        bool shifted = false;      ///< ... starting elsewhere than asked: unconfirmed until proven
        bool proven = false;       ///< ... its bytes matched enough confirmed bytes on disk
        std::int64_t proof_bytes = 0;
        bool check = false;    ///< asks again a window of an unconfirmed answer, to confirm it
        bool lied = false;     ///< its bytes differ from what is on disk: the server's ranges lie
        std::string answered;  ///< other_range: "Content-Range '...' for the requested bytes ..."
        std::string message;   ///< what went wrong, when failed or violated
        std::chrono::steady_clock::time_point started{};     ///< when the request was made
        std::chrono::steady_clock::time_point first_byte{};  ///< when its first body byte came
        std::int64_t received = 0;                           ///< body bytes taken, duplicates included
        IntervalSet wrote;  ///< what this request put on disk (its copy of a hedged piece may skip bytes)
        // Hedging (hedge_planner.hpp): the two copies of a hedged piece point at each other.
        std::optional<net::TransferId> twin;
        bool duplicate = false;  ///< this request is the hedge of another
        bool hedged = false;     ///< the piece had its one duplicate: never another
    };
    struct Waiting {
        ByteRange range;
        net::RetryHistory history;
    };

    void begin_probe();
    net::TransferId start_piece(ByteRange range, net::RetryHistory history);
    void pump();
    // The tail (file_tail.cpp): slow requests hand bytes back, free connections split the rest.
    void hand_back_slow_tails();
    void split_for_free_connections(std::size_t slots);
    double measured_rate(const Active& a, std::chrono::steady_clock::time_point now) const;
    double typical_rate_now(std::chrono::steady_clock::time_point now) const;
    std::string rates_notice() const;
    // Hedging (file_hedge.cpp).
    bool start_hedge();
    void write_body(Active& a, std::span<const char> data);
    void settle_race(Active& a);
    bool drop_from_race(const Active& a);
    void note_finished_piece(const Active& a);
    void plan_waiting(const IntervalSet& have);
    bool accept_probe_head(Active& a, const net::ResponseHead& head);
    bool accept_range_head(Active& a, const net::ResponseHead& head);
    // Answers for other bytes than asked (file_other_range.cpp).
    bool take_other_range(Active& a, const net::ContentRange& cr, const std::string& header);
    bool compare_with_disk(Active& a, std::span<const char> data);
    void confirm_answers_at(ByteRange part);
    void note_unconfirmed(const Active& a);
    bool start_check();
    void check_done(const Active& a);
    bool choose_output(const net::ResponseHead* head);
    bool open_part(bool fresh);
    void piece_failed(Active a, net::AttemptFailure failure, std::string message);
    void whole_failed(net::AttemptFailure failure, std::string message, bool bad_range = false,
                      bool short_body = false);
    bool fall_back_to_plain_stream(const std::string& why);
    std::optional<std::string> not_the_same_file(const net::ResponseHead& head, std::int64_t new_size) const;
    void restart(const std::string& why);
    void maybe_complete();
    void schedule_save();
    void save_now(std::function<void()> then);
    void finalize();
    void fail(Error error);
    void finish(DownloadResult result);
    void stop_everything();
    std::string if_range() const;
    store::ResumeState resume_state() const;
    void publish();
    // -N auto (transfer/connection_count.hpp): the count to keep in flight, and its bookkeeping.
    int target_connections() const;
    void sample_rate();
    bool refused_extra_connection(const Active& a, const net::AttemptFailure& failure);
    void count_changed();
    // The rate of each request in flight, for progress (DownloadProgress::connection_rates).
    void measure_connections();

    net::Engine& engine_;
    DiskWorker& disk_;
    FileJob job_;
    Finished finished_;
    std::uint64_t key_;  // identifies this download to the disk worker and the host budget

    Mode mode_ = Mode::Probe;
    bool decode_ = false;  // the server insists on Content-Encoding: fetch decoded, one stream
    bool plain_ = false;   // the server's range answers are inconsistent: one stream, no Range
    bool ended_ = false;
    std::filesystem::path final_path_;
    std::filesystem::path part_path_;
    std::shared_ptr<PartFile> part_;
    std::string request_url_;      // after redirects
    std::string handed_off_type_;  // the media type that made is_hand_off() end the download
    std::int64_t size_ = -1;
    std::string etag_;
    std::string last_modified_;
    std::string content_type_;  // of the first answer: what a replacement must plausibly be
    IntervalSet done_;
    // Bytes written from answers that named other bytes than asked and could not yet be compared
    // with anything on disk: never saved as done, confirmed before the file is finished.
    IntervalSet unconfirmed_;
    std::vector<ByteRange> unconfirmed_answers_;  // one span per such answer, confirmed in order
    bool told_other_range_ = false;
    std::int64_t resumed_bytes_ = 0;
    std::int64_t fetched_bytes_ = 0;
    std::int64_t duplicated_bytes_ = 0;  // received for bytes already on disk (hedged pieces)
    // What free connections have been reaching, and how long a request takes to its first byte:
    // the last few finished pieces, for the hedging decision.
    std::deque<double> recent_rates_;
    std::deque<double> recent_startups_;
    net::RetryHistory whole_history_;
    int restarts_ = 0;
    bool dirty_ = false;
    bool force_fresh_ = false;  // after a restart: never trust the old resume file
    bool finalizing_ = false;
    bool retries_exhausted_ = false;
    std::vector<std::string> notices_;

    std::map<net::TransferId, Active> active_;
    std::deque<Waiting> waiting_;
    std::set<net::TimerId> retry_timers_;
    net::TimerId save_timer_ = 0;  // rebalances every tick, saves every few
    int ticks_ = 0;
    std::mt19937 rng_;
    std::optional<ConnectionCount> count_;        // with -N auto only
    std::string origin_;                          // what the count is learnt for (HostConnectionMemory)
    std::vector<std::int64_t> connection_rates_;  // of the requests in flight, bytes/s, start order
    std::vector<std::int64_t> full_rates_;        // the same, the last time the whole count was measured
    std::chrono::steady_clock::time_point rates_at_{};

    mutable std::mutex progress_mutex_;
    DownloadProgress progress_;
};

}  // namespace arina::transfer
