#include "stream/stream_download.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "media/dash_parser.hpp"
#include "media/hls_parser.hpp"
#include "media/limits.hpp"
#include "media/sidx.hpp"
#include "stream/durable_save.hpp"
#include "stream/unmuxed_output.hpp"
#include "util/atomic_file.hpp"
#include "util/filename.hpp"

namespace arina::stream {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::milliseconds kSaveInterval{1000};
// Segment indexes are a few KiB per hour of media.
constexpr std::size_t kMaxIndexBytes = 16u << 20;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string role_of(const media::Stream& s) {
    switch (s.type) {
        case media::StreamType::Video:
            return "video";
        case media::StreamType::Audio:
            return "audio";
        case media::StreamType::Subtitle:
            return "subtitle";
        case media::StreamType::Muxed:
            break;
    }
    return "av";
}

// Removes the files of the spill area that `keep` does not name (left by an earlier run, or all of
// them when starting over), and the directory when nothing is left in it.
void clean_spill_dir(const fs::path& dir, const std::vector<TrackResume>& keep) {
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(dir, ec))) return;
    std::set<std::string> named;
    for (const auto& t : keep)
        for (const auto& f : t.ahead) named.insert(f.file);
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (!named.contains(e.path().filename().string())) fs::remove(e.path(), ec);
    fs::remove(dir, ec);  // only when empty
}

}  // namespace

fs::path output_path_for(const StreamJob& job, mux::Container& container) {
    container = job.merge_format;
    std::string name = job.output_name;
    if (!name.empty()) {
        const std::string l = lower(name);
        if (l.ends_with(".mp4"))
            container = mux::Container::Mp4;
        else if (l.ends_with(".mkv"))
            container = mux::Container::Mkv;
        else
            name += "." + std::string(mux::extension(container));
        return fs::path(name).is_absolute() ? fs::path(name) : job.output_dir / name;
    }
    name = filename_from_url(job.url);
    if (const auto dot = name.rfind('.'); dot != std::string::npos && dot > 0) name.erase(dot);
    if (name.empty()) name = "stream";
    return job.output_dir / (name + "." + std::string(mux::extension(container)));
}

StreamDownload::StreamDownload(net::Engine& engine, transfer::DiskWorker& disk, StreamJob job,
                               Finished finished)
    : engine_(engine),
      disk_(disk),
      job_(std::move(job)),
      finished_(std::move(finished)),
      key_(transfer::next_download_key()),
      rng_(std::random_device{}()) {
    job_.connections = std::max(1, job_.connections);
}

StreamDownload::~StreamDownload() = default;

// One place where the phase changes, so that its order is easy to follow.
void StreamDownload::enter(Phase phase) {
    phase_ = phase;
    publish();
}

std::unique_ptr<MemoryFetch> StreamDownload::make_fetch(FetchSpec spec,
                                                        std::function<void(FetchResult)> done) {
    return std::make_unique<MemoryFetch>(engine_, job_.http, job_.retry_timing, rng_, key_, std::move(spec),
                                         std::move(done));
}

// ------------------------------------------------------------------ manifest and playlists

void StreamDownload::start() {
    if (ended_) return;
    std::error_code ec;
    fs::create_directories(job_.output_dir, ec);
    if (ec) return fail(file_error(ec.value(), "cannot create directory", job_.output_dir));
    final_path_ = output_path_for(job_, container_);
    sidecar_path_ = final_path_.string() + ".stream.arina";
    spill_dir_ = final_path_.string() + ".ahead";
    if (!job_.overwrite && fs::exists(final_path_, ec) && !fs::exists(sidecar_path_, ec)) {
        transfer::DownloadResult r;
        r.already_present = true;
        r.file = final_path_;
        r.size = static_cast<std::int64_t>(fs::file_size(final_path_, ec));
        return finish(std::move(r));
    }
    if (final_path_.has_parent_path()) {
        fs::create_directories(final_path_.parent_path(), ec);
        if (ec) return fail(file_error(ec.value(), "cannot create directory", final_path_.parent_path()));
    }
    enter(Phase::Manifest);
    if (job_.source) {
        // Posted: finishing inside start() would call `finished` before the caller holds us.
        return engine_.post([this, alive = std::weak_ptr<bool>(alive_)] {
            if (alive.expired() || ended_) return;
            manifest_url_ = job_.url;
            on_presentation(*job_.source);  // kept: the job is what a resume starts from
        });
    }
    FetchSpec spec;
    spec.url = job_.url;
    spec.decode_content = true;
    spec.max_bytes = media::kMaxManifestBytes;
    spec.retries = job_.retries;
    spec.what = "manifest";
    fetches_.push_back(make_fetch(spec, [this](FetchResult r) { on_manifest(std::move(r)); }));
    fetches_.back()->start();
}

void StreamDownload::on_manifest(FetchResult r) {
    if (r.error) return fail(r.error);
    manifest_url_ = r.effective_url;
    manifest_bytes_ += static_cast<std::int64_t>(r.body.size());
    const auto kind = media::sniff_manifest(r.body);
    if (!kind) {
        return fail({FailReason::BadManifest,
                     manifest_url_ + ": not an HLS playlist or DASH manifest (Content-Type " +
                         (r.content_type.empty() ? "unknown" : r.content_type) + ")"});
    }
    auto parsed = *kind == media::ManifestKind::Hls ? media::parse_hls(r.body, manifest_url_)
                                                    : media::parse_dash(r.body, manifest_url_);
    if (auto* e = std::get_if<Error>(&parsed)) return fail({e->reason, manifest_url_ + ": " + e->message});
    on_presentation(std::move(std::get<media::Presentation>(parsed)));
}

// The formats are known (from the manifest, or given by an extractor): choose, then resolve the
// chosen streams' playlists or indexes.
void StreamDownload::on_presentation(media::Presentation presentation) {
    presentation_ = std::move(presentation);
    if (presentation_.kind == media::ManifestKind::Dash && presentation_.is_live)
        return fail(
            {FailReason::Unsupported, manifest_url_ + ": live DASH (MPD type=\"dynamic\") is not supported"});
    {
        std::lock_guard lock(progress_mutex_);
        listing_ = format_table(presentation_);
    }
    if (job_.list_formats) return engine_.post([this] { finish({}); });
    auto selected = select_formats(presentation_, job_.format);
    if (auto* e = std::get_if<Error>(&selected)) return fail(*e);

    std::map<std::string, int> roles;
    for (const SelectedFormat& sel : std::get<std::vector<SelectedFormat>>(selected)) {
        Pending p;
        p.stream = *sel.stream;
        std::string role = role_of(p.stream);
        if (const int n = ++roles[role]; n > 1) role += std::to_string(n);
        p.role = role;
        if (job_.source) {
            // An extractor's formats: each one complete, or an HLS media playlist to fetch.
            p.playlist_url = p.stream.fragments.empty() ? p.stream.playlist_url : std::string();
            p.ready = p.playlist_url.empty() && !p.stream.needs_index;
        } else if (presentation_.kind == media::ManifestKind::Hls && !presentation_.is_master) {
            // A media playlist given directly: its one stream is complete.
            p.live = presentation_.is_live;
            p.playlist_url = manifest_url_;
            p.refresh_interval = presentation_.refresh_interval;
            p.ready = true;
        } else if (presentation_.kind == media::ManifestKind::Hls) {
            p.playlist_url = p.stream.playlist_url;
        } else {
            p.ready = !p.stream.needs_index;
        }
        pending_.push_back(std::move(p));
    }
    enter(Phase::Playlists);
    bool all_ready = true;
    for (std::size_t i = 0; i < pending_.size() && !ended_; ++i) {
        if (pending_[i].ready) continue;
        all_ready = false;
        resolve(i);
    }
    if (all_ready && !ended_) begin_fragments();
}

void StreamDownload::resolve(std::size_t index) {
    Pending& p = pending_[index];
    FetchSpec spec;
    if (p.stream.needs_index) {
        spec.url = p.stream.needs_index->url;
        spec.range = p.stream.needs_index->index_range;
        spec.max_bytes = kMaxIndexBytes;
        spec.retries = job_.fragment_retries;
        spec.retry_any_status = true;
        spec.what = "segment index of";
        fetches_.push_back(make_fetch(spec, [this, index](FetchResult r) { on_index(index, std::move(r)); }));
    } else {
        spec.url = p.playlist_url;
        spec.decode_content = true;
        spec.max_bytes = media::kMaxManifestBytes;
        spec.retries = job_.retries;
        spec.what = "media playlist";
        fetches_.push_back(
            make_fetch(spec, [this, index](FetchResult r) { on_media_playlist(index, std::move(r)); }));
    }
    fetches_.back()->start();
}

void StreamDownload::on_media_playlist(std::size_t index, FetchResult r) {
    if (r.error) return fail(r.error);
    manifest_bytes_ += static_cast<std::int64_t>(r.body.size());
    auto parsed = media::parse_hls(r.body, r.effective_url);
    if (auto* e = std::get_if<Error>(&parsed)) return fail({e->reason, r.effective_url + ": " + e->message});
    auto& media_playlist = std::get<media::Presentation>(parsed);
    if (media_playlist.is_master || media_playlist.streams.empty())
        return fail({FailReason::BadManifest,
                     r.effective_url + ": expected a media playlist, found a master playlist"});
    Pending& p = pending_[index];
    media::Stream& s = media_playlist.streams.front();
    p.stream.fragments = std::move(s.fragments);
    p.stream.init = std::move(s.init);
    p.stream.init_switches = std::move(s.init_switches);
    p.stream.container = s.container;
    p.live = media_playlist.is_live;
    p.playlist_url = r.effective_url;
    p.refresh_interval = media_playlist.refresh_interval;
    p.ready = true;
    if (std::all_of(pending_.begin(), pending_.end(), [](const Pending& q) { return q.ready; }))
        begin_fragments();
}

void StreamDownload::on_index(std::size_t index, FetchResult r) {
    if (r.error) return fail(r.error);
    Pending& p = pending_[index];
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(r.body.data());
    auto fragments = media::fragments_from_index(*p.stream.needs_index, {bytes, r.body.size()});
    if (auto* e = std::get_if<Error>(&fragments))
        return fail({e->reason, p.stream.needs_index->url + ": " + e->message});
    p.stream.fragments = std::move(std::get<std::vector<media::Fragment>>(fragments));
    p.stream.needs_index.reset();
    p.ready = true;
    if (std::all_of(pending_.begin(), pending_.end(), [](const Pending& q) { return q.ready; }))
        begin_fragments();
}

// ------------------------------------------------------------------ fragments

// Opens the part files, reusing what a matching sidecar vouches for.
bool StreamDownload::prepare_files(std::vector<TrackResume>& resume) {
    std::vector<fs::path> paths;
    for (const auto& p : pending_) paths.push_back(final_path_.string() + "." + p.role + ".part");
    const std::string container_name(mux::extension(container_));
    std::error_code ec;
    bool reuse = false;
    if (!job_.continue_partial) {
        fs::remove(sidecar_path_, ec);
    } else {
        auto loaded = load_stream_resume(sidecar_path_);
        if (auto* e = std::get_if<Error>(&loaded)) notices_.push_back(e->message + "; starting over");
        if (auto* s = std::get_if<StreamResumeState>(&loaded)) {
            reuse = s->url == job_.url && s->container == container_name && s->live == live_ &&
                    s->tracks.size() == pending_.size();
            for (std::size_t i = 0; reuse && i < pending_.size(); ++i) {
                const TrackResume& t = s->tracks[i];
                const auto total = static_cast<std::int64_t>(pending_[i].stream.fragments.size());
                const auto on_disk = fs::file_size(paths[i], ec);
                reuse = t.format_id == pending_[i].stream.id && t.file == paths[i].filename().string() &&
                        (live_ || (t.fragments_total == total && t.fragments_done <= total)) && !ec &&
                        static_cast<std::int64_t>(on_disk) >= t.bytes;
            }
            if (reuse) {
                resume = s->tracks;
            } else {
                notices_.push_back(
                    "the partial download does not match this stream (other formats, or the "
                    "manifest changed); starting over");
                fs::remove(sidecar_path_, ec);
            }
        }
    }
    // What an earlier run spilled and the sidecar does not name is of no use (all of it when
    // starting over); what it names is read by the tracks.
    clean_spill_dir(spill_dir_, reuse ? resume : std::vector<TrackResume>{});
    for (std::size_t i = 0; i < paths.size(); ++i) {
        auto opened = transfer::PartFile::open(paths[i], !reuse);
        if (auto* e = std::get_if<Error>(&opened)) {
            fail(*e);
            return false;
        }
        auto part = std::get<std::shared_ptr<transfer::PartFile>>(opened);
        // Bytes after the recorded prefix were never vouched for: a fragment cut short by the crash.
        if (reuse) {
            if (Error e = part->truncate(resume[i].bytes)) {
                fail(e);
                return false;
            }
            resumed_bytes_ += resume[i].bytes;
        }
        parts_.push_back(std::move(part));
    }
    if (reuse) {
        std::int64_t done = 0, total = 0;
        for (std::size_t i = 0; i < resume.size(); ++i) {
            done += resume[i].fragments_done;
            total += live_ ? resume[i].fragments_done
                           : static_cast<std::int64_t>(pending_[i].stream.fragments.size());
            for (auto n : resume[i].skipped)
                notices_.push_back(pending_[i].role + " fragment " + std::to_string(n) +
                                   " was unavailable in an earlier run and is missing from the output");
        }
        std::size_t ahead = 0;
        for (const auto& r : resume) ahead += r.ahead.size();
        notices_.push_back(
            "resumed: " + std::to_string(done) + " of " + std::to_string(total) +
            " fragments were already downloaded" +
            (ahead > 0 ? ", and " + std::to_string(ahead) + " more had arrived ahead of them" : ""));
    }
    return true;
}

void StreamDownload::begin_fragments() {
    fetches_.clear();  // may be the caller's fetch: MemoryFetch touches nothing after reporting
    live_ = std::any_of(pending_.begin(), pending_.end(), [](const Pending& p) { return p.live; });
    enter(Phase::Fragments);
    std::vector<TrackResume> resume(pending_.size());
    if (!prepare_files(resume)) return;
    keys_ = std::make_unique<KeyCache>(engine_, job_.http, job_.retry_timing, rng_, key_, job_.retries,
                                       [this](const Error& e) {
                                           if (e) return fail(e);
                                           for (auto& t : tracks_) t->resume_work();
                                           pump();
                                       });
    const WindowLimits limits = window_limits(job_.connections, job_.reorder_window_bytes);
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        TrackSettings settings;
        settings.format_id = pending_[i].stream.id;
        settings.label = pending_[i].role;
        settings.fragment_retries = job_.fragment_retries;
        settings.skip_unavailable = job_.skip_unavailable_fragments;
        settings.live = live_;
        settings.window = limits;
        settings.live_duration = job_.live_duration;
        settings.connections = job_.connections;
        settings.spill_dir = spill_dir_;
        Track::Shared shared{engine_, job_.http, job_.retry_timing, rng_, key_, *keys_};
        TrackListener& listener = *this;
        tracks_.push_back(std::make_unique<Track>(shared, settings, parts_[i], resume[i], listener));
    }
    refreshers_.resize(pending_.size());
    setting_up_ = true;
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        Pending& p = pending_[i];
        tracks_[i]->extend(p.stream, !p.live);
        if (p.live && !tracks_[i]->closed()) {
            refreshers_[i] = std::make_unique<LiveRefresher>(
                engine_, job_.http, job_.retry_timing, rng_, key_, p.playlist_url, p.refresh_interval,
                job_.live_outage_seconds,
                [this, i](const media::Stream& s, bool ended) { live_updated(i, s, ended); },
                [this, i](const std::string& why) { live_gave_up(i, why); });
            refreshers_[i]->schedule(true);
        }
        std::vector<media::Fragment>().swap(p.stream.fragments);  // the tracks have them now
    }
    setting_up_ = false;
    if (ended_) return;
    if (!start_mux(/*following=*/true)) return;
    schedule_save();
    pump();
    maybe_finalize();
}

// The mux job: `following` the part files as they grow (started with the fragments), or from
// the finished part files. False (and the download failed) when there is nothing to mux.
bool StreamDownload::start_mux(bool following) {
    MuxJobSpec spec;
    spec.output = final_path_;
    spec.container = container_;
    spec.extras = job_.extras;
    for (std::size_t i = 0; i < parts_.size(); ++i) {
        spec.remove_on_success.push_back(parts_[i]->path());
        const std::int64_t written = tracks_[i]->bytes_written();
        if (following)
            spec.inputs.push_back({parts_[i]->path(), std::make_shared<mux::GrowingInput>(written)});
        // A live track that recorded nothing (cancelled early) would only make the mux fail.
        else if (written > 0)
            spec.inputs.push_back({parts_[i]->path(), nullptr});
    }
    spec.remove_on_success.push_back(sidecar_path_);
    spec.remove_on_success.push_back(spill_dir_);  // empty by then: the last save emptied it
    if (spec.inputs.empty()) {
        fail({FailReason::FragmentMissing, job_.url + ": no fragment could be downloaded"});
        return false;
    }
    mux_job_ = std::make_unique<MuxJob>(
        engine_, std::move(spec), [this, following](const Error& error) { mux_done(error, following); });
    return true;
}

// Hands free connections to the tracks: the one with the fewest in flight first, then the one
// furthest behind in media time, so video and audio advance together.
void StreamDownload::pump() {
    if (ended_ || phase_ != Phase::Fragments || stopping_live_ || setting_up_) return;
    // A fragment URL died and the source is being refreshed: the URLs not yet tried are most likely
    // dead too (one expired signature for all), so no new request starts until the fresh ones are in.
    if (refreshing_) return publish();
    int active = 0;
    for (const auto& t : tracks_) active += t->active();
    std::vector<Track*> order;
    for (const auto& t : tracks_) order.push_back(t.get());
    for (int guard = 0; active < job_.connections && guard < 4 * job_.connections; ++guard) {
        std::stable_sort(order.begin(), order.end(), [](const Track* a, const Track* b) {
            if (a->active() != b->active()) return a->active() < b->active();
            return a->seconds_written() < b->seconds_written();
        });
        bool started = false;
        for (Track* t : order) {
            if (t->start_one()) {
                started = true;
                break;
            }
        }
        if (!started || ended_) break;
        ++active;
    }
    // Nothing left to start: a free connection may fetch a fragment far behind once more.
    for (Track* t : order) {
        while (active < job_.connections && !ended_ && t->start_hedge()) ++active;
    }
    publish();
}

void StreamDownload::track_changed(Track& track) {
    dirty_ = true;
    for (std::size_t i = 0; i < tracks_.size() && mux_job_; ++i)
        if (tracks_[i].get() == &track) mux_job_->extend(i, track.bytes_written());
    pump();
}

void StreamDownload::track_finished(Track& track) {
    for (std::size_t i = 0; i < tracks_.size(); ++i) {
        if (tracks_[i].get() != &track) continue;
        if (refreshers_.size() > i && refreshers_[i]) refreshers_[i]->stop();
        if (mux_job_) mux_job_->extend(i, track.bytes_written());
    }
    dirty_ = true;
    maybe_finalize();
}

void StreamDownload::track_failed(Track&, const Error& error) {
    fail(error);
}

void StreamDownload::live_updated(std::size_t index, const media::Stream& stream, bool ended) {
    if (ended_ || stopping_live_) return;
    const std::size_t added = tracks_[index]->extend(stream, ended);
    if (tracks_[index]->closed())
        refreshers_[index]->stop();
    else
        refreshers_[index]->schedule(added > 0);
    pump();
}

void StreamDownload::live_gave_up(std::size_t index, const std::string& why) {
    if (ended_) return;
    notices_.push_back(why);
    // The fragments already listed may still be there: fetch them, then finish.
    tracks_[index]->close();
    pump();
}

// ------------------------------------------------------------------ the end

void StreamDownload::maybe_finalize() {
    if (ended_ || setting_up_ || phase_ != Phase::Fragments) return;
    if (std::all_of(tracks_.begin(), tracks_.end(), [](const auto& t) { return t->finished(); })) finalize();
}

void StreamDownload::finalize() {
    enter(Phase::Muxing);
    if (save_timer_) engine_.cancel_timer(save_timer_);
    save_timer_ = 0;
    for (auto& r : refreshers_)
        if (r) r->stop();
    if (keys_) keys_->stop();
    // The last save says "everything is here": a crash while muxing costs only the mux.
    // Same key as the periodic saves, so a save still queued is replaced and none can run later.
    disk_.submit(key_, [this, save = snapshot()] {
        Error err = save_durably(save);
        engine_.post([this, err] {
            if (err) return fail(err);
            run_mux();
        });
    });
}

void StreamDownload::run_mux() {
    if (ended_) return;
    if (mux_job_) {
        for (std::size_t i = 0; i < tracks_.size(); ++i) mux_job_->extend(i, tracks_[i]->bytes_written());
        return mux_job_->complete();
    }
    mux_from_parts();
}

void StreamDownload::mux_from_parts() {
    if (!start_mux(/*following=*/false)) return;
    if (mux_cancelled_) mux_job_->cancel();
    mux_job_->complete();
}

void StreamDownload::mux_done(const Error& error, bool following) {
    mux_job_.reset();  // its thread has ended: this joins it
    if (error && following && !mux_cancelled_) return mux_from_parts();
    // Bytes libavformat cannot read as media: what the server sent is kept, unmuxed.
    if (error.reason == FailReason::Unsupported && !mux_cancelled_) return keep_unmuxed_parts(error);
    if (error) return fail(error);
    transfer::DownloadResult r;
    r.file = final_path_;
    std::error_code ec;
    r.size = static_cast<std::int64_t>(fs::file_size(final_path_, ec));
    finish(std::move(r));
}

std::vector<fs::path> StreamDownload::files_for(const fs::path& final_path) {
    std::vector<fs::path> files{final_path, final_path.string() + ".tmp",
                                final_path.string() + ".stream.arina"};
    // The spill area's files, then the area itself (removed once empty).
    const fs::path spill = final_path.string() + ".ahead";
    std::error_code spill_ec;
    for (fs::directory_iterator it(spill, spill_ec), end; !spill_ec && it != end; it.increment(spill_ec))
        files.push_back(it->path());
    files.push_back(spill);
    // The roles (video, audio, av, audio2, ...) depend on what the manifest offered, so the
    // part files are found by name: NAME.EXT.<letters and digits>.part.
    const std::string prefix = final_path.filename().string() + ".";
    const std::string suffix = ".part";
    std::error_code ec;
    for (fs::directory_iterator it(final_path.parent_path().empty() ? "." : final_path.parent_path(), ec),
         end;
         !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) ||
            !name.ends_with(suffix))
            continue;
        const std::string role = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
        if (std::all_of(role.begin(), role.end(), [](unsigned char c) { return std::isalnum(c) != 0; }))
            files.push_back(it->path());
    }
    return files;
}

void StreamDownload::keep_unmuxed_parts(const Error& why) {
    std::vector<UnmuxedPart> parts;
    for (std::size_t i = 0; i < parts_.size(); ++i) parts.push_back({parts_[i]->path(), pending_[i].role});
    disk_.submit(key_, [this, parts = std::move(parts), output = final_path_, sidecar = sidecar_path_,
                        spill = spill_dir_, why] {
        clean_spill_dir(spill, {});
        auto kept = keep_unmuxed(parts, output, sidecar);
        engine_.post([this, kept = std::move(kept), why] {
            if (const auto* e = std::get_if<Error>(&kept)) return fail(*e);
            const auto& files = std::get<std::vector<fs::path>>(kept);
            if (files.empty()) return fail(why);
            transfer::DownloadResult r;
            r.file = files.front();
            std::string names;
            std::error_code ec;
            for (const auto& f : files) {
                r.size += static_cast<std::int64_t>(fs::file_size(f, ec));
                names += (names.empty() ? "" : ", ") + f.string();
            }
            r.warnings.push_back(
                "the stream could not be read as media (" + why.message +
                "); its fragments are kept unmuxed, concatenated in order as the server sent "
                "them (decrypted): " +
                names);
            finish(std::move(r));
        });
    });
}

void StreamDownload::cancel() {
    if (ended_) return;
    if (phase_ == Phase::Muxing) {
        mux_cancelled_ = true;
        if (mux_job_) mux_job_->cancel();
        return;
    }
    if (live_ && phase_ == Phase::Fragments) {
        if (stopping_live_) return;
        std::int64_t recorded = 0;
        double seconds = 0;
        for (const auto& t : tracks_) {
            recorded += t->fragments_written();
            seconds = std::max(seconds, t->seconds_written());
        }
        if (recorded == 0)
            return fail({FailReason::Cancelled, "cancelled: " + job_.url + " (nothing was recorded yet)"});
        stopping_live_ = true;
        notices_.push_back("recording stopped by cancel after " + std::to_string(static_cast<int>(seconds)) +
                           " s of media");
        for (auto& r : refreshers_)
            if (r) r->stop();
        setting_up_ = true;  // hold finalising until every track is cut
        for (auto& t : tracks_)
            if (!t->finished()) t->truncate_here();
        setting_up_ = false;
        return maybe_finalize();
    }
    fail({FailReason::Cancelled, "cancelled: " + job_.url + " (partial download kept for resume)"});
}

SaveSnapshot StreamDownload::snapshot() {
    SaveSnapshot s;
    s.generation = ++save_generation_;
    for (const auto& t : tracks_) t->spill_waiting();
    for (const auto& t : tracks_) spill_cleanup_->add(s.generation, t->take_obsolete_spills());
    s.parts = parts_;
    s.sidecar = sidecar_path_;
    s.spill_dir = spill_dir_;
    s.state = resume_state();
    s.cleanup = spill_cleanup_;
    return s;
}

StreamResumeState StreamDownload::resume_state() const {
    StreamResumeState s;
    s.url = job_.url;
    s.container = std::string(mux::extension(container_));
    s.live = live_;
    for (const auto& t : tracks_) s.tracks.push_back(t->resume_state());
    return s;
}

void StreamDownload::schedule_save() {
    if (save_timer_ || ended_) return;
    save_timer_ = engine_.add_timer(kSaveInterval, [this] {
        save_timer_ = 0;
        if (ended_ || phase_ != Phase::Fragments) return;
        if (dirty_) {
            dirty_ = false;
            // Captures no `this`: the job may run after the download is gone.
            disk_.submit(key_, [save = snapshot()] { (void)save_durably(save); });
        }
        schedule_save();
        pump();  // a fragment may have fallen far enough behind to be worth hedging
    });
}

void StreamDownload::fail(Error error) {
    if (ended_) return;
    // Only tracks know what the part files hold; before they exist the files are left as they were.
    const bool had_files = !tracks_.empty();
    stop_everything();
    ended_ = true;
    transfer::DownloadResult r;
    // Fetches and fragments were retried as their failure class allows (net/retry_policy.hpp):
    // trying the whole download again would only multiply the attempts.
    r.retries_exhausted = error.reason == FailReason::FragmentMissing ||
                          error.reason == FailReason::Network || error.reason == FailReason::Timeout ||
                          error.reason == FailReason::BadResponse;
    r.error = std::move(error);
    r.file = final_path_;
    // Always finish from a fresh turn of the loop, never from inside a track's or fetch's callback.
    if (!had_files) return engine_.post([this, r = std::move(r)]() mutable { finish(std::move(r)); });
    std::int64_t written = 0;
    for (const auto& t : tracks_) written += t->bytes_written();
    SaveSnapshot save = snapshot();
    const bool nothing = written == 0 && resumed_bytes_ == 0 &&
                         std::all_of(save.state.tracks.begin(), save.state.tracks.end(),
                                     [](const TrackResume& t) { return t.ahead.empty(); });
    disk_.submit(key_, [this, nothing, save = std::move(save), r = std::move(r)]() mutable {
        if (nothing) {
            // Nothing worth resuming: leave no empty part files behind.
            std::error_code ec;
            for (const auto& p : save.parts) fs::remove(p->path(), ec);
            fs::remove(save.sidecar, ec);
            clean_spill_dir(save.spill_dir, {});
        } else {
            (void)save_durably(save);
        }
        engine_.post([this, r = std::move(r)]() mutable { finish(std::move(r)); });
    });
}

void StreamDownload::stop_everything() {
    mux_job_.reset();  // a following mux of a download that ends otherwise
    refresh_fetches_.clear();
    if (save_timer_) engine_.cancel_timer(save_timer_);
    save_timer_ = 0;
    fetches_.clear();
    for (auto& r : refreshers_)
        if (r) r->stop();
    for (auto& t : tracks_) t->stop();
    if (keys_) keys_->stop();
}

void StreamDownload::finish(transfer::DownloadResult result) {
    stop_everything();
    ended_ = true;
    result.fetched_bytes = manifest_bytes_;
    for (const auto& t : tracks_) {
        result.fetched_bytes += t->fetched_bytes();
        result.duplicated_bytes += t->duplicated_bytes();
        result.notices.insert(result.notices.end(), t->notices().begin(), t->notices().end());
    }
    result.resumed_bytes = resumed_bytes_;
    result.notices.insert(result.notices.begin(), notices_.begin(), notices_.end());
    // Fragments left out on request are never silent: a warning names them even without -v (the
    // notices above carry each one's error).
    std::string lacking;
    for (std::size_t i = 0; i < tracks_.size(); ++i)
        for (const std::int64_t n : tracks_[i]->resume_state().skipped)
            lacking += (lacking.empty() ? "" : ", ") + pending_[i].role + " fragment " + std::to_string(n);
    if (!lacking.empty())
        result.warnings.push_back(
            "the output lacks fragments that kept failing (--skip-unavailable-fragments): " + lacking);
    phase_ = Phase::Done;
    publish();
    // The owner may destroy *this as soon as it is told: touch nothing afterwards.
    auto finished = std::move(finished_);
    finished(result);
}

void StreamDownload::publish() {
    transfer::DownloadProgress p;
    switch (phase_) {
        case Phase::Manifest:
        case Phase::Playlists:
            p.stage = transfer::DownloadStage::Starting;
            break;
        case Phase::Fragments:
            p.stage = transfer::DownloadStage::Downloading;
            break;
        case Phase::Muxing:
            p.stage = transfer::DownloadStage::Finishing;
            break;
        case Phase::Done:
            p.stage = transfer::DownloadStage::Done;
            break;
    }
    p.fetched_bytes = manifest_bytes_;
    p.done_bytes = 0;
    for (const auto& t : tracks_) {
        p.done_bytes += t->bytes_written();
        p.fetched_bytes += t->fetched_bytes();
        p.duplicated_bytes += t->duplicated_bytes();
        p.connections += t->active();
        p.fragments_done += static_cast<int>(t->fragments_written());
        p.fragments_total += static_cast<int>(t->fragments_known());
    }
    if (phase_ == Phase::Muxing || phase_ == Phase::Done) p.total_bytes = p.done_bytes;
    p.file = final_path_;
    std::lock_guard lock(progress_mutex_);
    progress_ = p;
}

transfer::DownloadProgress StreamDownload::progress() const {
    std::lock_guard lock(progress_mutex_);
    return progress_;
}

std::string StreamDownload::format_listing() const {
    std::lock_guard lock(progress_mutex_);
    return listing_;
}

}  // namespace arina::stream
