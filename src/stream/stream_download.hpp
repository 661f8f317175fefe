#pragma once
// An HLS or DASH stream downloaded fragment by fragment and muxed into one MP4 or Matroska file.
//
// Lifecycle (engine thread), one phase at a time - see enter():
//   Manifest   fetch the .m3u8/.mpd, parse it, choose formats (format_selector.hpp)
//   Playlists  fetch the chosen HLS variant's and audio rendition's media playlists, or the DASH
//              segment indexes (sidx) of SegmentBase streams
//   Fragments  one Track per chosen stream; job.connections fragments in flight across them,
//              appended in order to NAME.EXT.<role>.part; a live playlist is refreshed meanwhile
//   Muxing     on a short-lived thread of its own: mux::mux() the part files into NAME.EXT, then
//              remove them and the sidecar. Bytes libavformat cannot read as media are kept
//              unmuxed instead (unmuxed_output.hpp): a success with a warning; media it read but
//              could not mux fail with FailReason::MuxFailed, the part files kept
//   Done       `finished` was called (exactly once)
//
// Files, for the output DIR/NAME.EXT (EXT = mp4 or mkv):
//   DIR/NAME.EXT.video.part, .audio.part, .av.part (a stream with both; a second stream of the same
//   kind gets .audio2.part ...)   the fragments of each chosen stream, in order
//   DIR/NAME.EXT.stream.arina     the resume sidecar (stream_sidecar.hpp)
//   DIR/NAME.EXT.ahead/           the spill area: fragments that arrived before their turn, one
//                                 file each, so that a crash loses only those in flight
//   DIR/NAME.EXT.tmp              mux output until it is complete and renamed
//
// Crash safety: once a second the part files (and spill files) are fdatasync'ed on the disk thread
// and then the sidecar is replaced atomically, recording each stream's written prefix and spilled
// fragments (durable_save.hpp). Restarting the same job cuts the part files back to that prefix,
// takes the spilled fragments from their files and fetches only the others.
//
// cancel(): a VOD download stops and keeps its files for resume (FailReason::Cancelled); a live
// recording stops taking fragments and is finalised into a playable file (success, with a notice).
//
// The object must outlive the `finished` call; destroy it afterwards, from any thread.

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "media/manifest_detect.hpp"
#include "media/presentation.hpp"
#include "net/engine.hpp"
#include "stream/durable_save.hpp"
#include "stream/format_selector.hpp"
#include "stream/key_cache.hpp"
#include "stream/live_refresher.hpp"
#include "stream/memory_fetch.hpp"
#include "stream/mux_job.hpp"
#include "stream/stream_job.hpp"
#include "stream/stream_sidecar.hpp"
#include "stream/track.hpp"
#include "transfer/disk_worker.hpp"
#include "transfer/download.hpp"
#include "transfer/download_types.hpp"

namespace arina::stream {

/// The output file for `job` given the manifest URL: job.output_name (its .mp4/.mkv extension
/// decides the container, otherwise the merge format's extension is appended), else the URL's file
/// name without extension, else "stream". Pure; `container` receives the container to write.
std::filesystem::path output_path_for(const StreamJob& job, mux::Container& container);

class StreamDownload final : public transfer::Download, private TrackListener {
  public:
    using Finished = std::function<void(const transfer::DownloadResult&)>;

    StreamDownload(net::Engine& engine, transfer::DiskWorker& disk, StreamJob job, Finished finished);
    ~StreamDownload() override;

    void start() override;
    void cancel() override;
    transfer::DownloadProgress progress() const override;

    /// Once the manifest is parsed: the `-F` table of what it offers (empty before). Any thread.
    std::string format_listing() const;

    /// Every file a stream download to `final_path` may leave (see "Files" above): the
    /// output, its .tmp, the sidecar, each NAME.EXT.<role>.part found beside it, and the
    /// spill area's files followed by the area itself.
    static std::vector<std::filesystem::path> files_for(const std::filesystem::path& final_path);

  private:
    enum class Phase { Manifest, Playlists, Fragments, Muxing, Done };

    /// A chosen stream on its way to becoming a Track.
    struct Pending {
        media::Stream stream;  // fragments filled once its playlist or index is in
        std::string role;      // "video", "audio", "av", "audio2", ...
        bool live = false;
        std::string playlist_url;  // HLS media playlist (for live refreshes)
        double refresh_interval = 0;
        bool ready = false;
    };

    // TrackListener
    void track_changed(Track& track) override;
    void track_finished(Track& track) override;
    void track_failed(Track& track, const Error& error) override;
    bool track_source_dead(Track& track) override;

    void refresh_manifest(std::function<void(RefreshResult)> done);
    void refreshed(RefreshResult result);
    void fetch_chosen_playlists(media::Presentation fresh, std::function<void(RefreshResult)> then);
    void apply_refresh(RefreshResult result);

    void enter(Phase phase);
    void on_manifest(FetchResult result);
    void on_presentation(media::Presentation presentation);
    void resolve(std::size_t index);
    void on_media_playlist(std::size_t index, FetchResult result);
    void on_index(std::size_t index, FetchResult result);
    void begin_fragments();
    bool prepare_files(std::vector<TrackResume>& resume);
    void pump();
    void live_updated(std::size_t index, const media::Stream& stream, bool ended);
    void live_gave_up(std::size_t index, const std::string& why);
    void maybe_finalize();
    void finalize();
    bool start_mux(bool following);
    void run_mux();
    void mux_from_parts();
    void mux_done(const Error& error, bool following);
    void keep_unmuxed_parts(const Error& why);
    StreamResumeState resume_state() const;
    SaveSnapshot snapshot();  // the state to save, and the spill files it makes obsolete
    void schedule_save();
    void fail(Error error);
    void finish(transfer::DownloadResult result);
    void stop_everything();
    void publish();
    std::unique_ptr<MemoryFetch> make_fetch(FetchSpec spec, std::function<void(FetchResult)> done);

    net::Engine& engine_;
    transfer::DiskWorker& disk_;
    StreamJob job_;
    Finished finished_;
    std::uint64_t key_;  // this download, for the disk worker and the engine's host budget
    std::mt19937 rng_;

    Phase phase_ = Phase::Manifest;
    bool ended_ = false;
    bool live_ = false;
    bool stopping_live_ = false;  // cancel() of a live recording: finalise what is there
    bool setting_up_ = false;     // tracks are being built or cut: hold pumping and finalising
    bool dirty_ = false;          // the sidecar is behind
    mux::Container container_ = mux::Container::Mp4;
    std::filesystem::path final_path_;
    std::filesystem::path sidecar_path_;
    std::filesystem::path spill_dir_;  // NAME.EXT.ahead: fragments that arrived before their turn
    std::shared_ptr<SpillCleanup> spill_cleanup_ = std::make_shared<SpillCleanup>();
    std::uint64_t save_generation_ = 0;
    std::string manifest_url_;  // after redirects
    media::Presentation presentation_;
    std::vector<Pending> pending_;
    std::vector<std::unique_ptr<MemoryFetch>> fetches_;  // manifest, playlists, indexes (by slot)
    std::unique_ptr<KeyCache> keys_;
    std::vector<std::shared_ptr<transfer::PartFile>> parts_;
    std::vector<std::unique_ptr<Track>> tracks_;
    std::vector<std::unique_ptr<LiveRefresher>> refreshers_;  // by track, null for VOD
    std::vector<std::string> notices_;
    std::int64_t resumed_bytes_ = 0;
    std::int64_t manifest_bytes_ = 0;
    net::TimerId save_timer_ = 0;
    // Refreshing the source when fragment URLs die (StreamJob::refresh_source).
    bool refreshing_ = false;
    int refreshes_ = 0;
    std::vector<std::unique_ptr<MemoryFetch>> refresh_fetches_;
    std::shared_ptr<bool> alive_ =
        std::make_shared<bool>(true);  // false once ended: late refreshes are dropped

    // The mux: started with the fragments, following the part files as they grow (so little is
    // left to do when the last fragment lands); should it fail, muxed again from the finished
    // part files, which reports the real problem if there is one.
    std::unique_ptr<MuxJob> mux_job_;
    bool mux_cancelled_ = false;

    mutable std::mutex progress_mutex_;
    transfer::DownloadProgress progress_;
    std::string listing_;
};

}  // namespace arina::stream
