#include <memory>

#include "media/dash_parser.hpp"
#include "media/hls_parser.hpp"
#include "media/limits.hpp"
#include "stream/stream_download.hpp"

// Refreshing a stream's source when its fragment URLs die (signed URLs that expired): kept apart
// from stream_download.cpp, which runs a download from manifest to muxed file.

namespace arina::stream {
namespace {

// Refreshes of the source (fresh fragment URLs) in one download: signed URLs may expire many times
// in a long one, but a source that keeps handing out dead URLs must not be asked forever.
constexpr int kMaxRefreshes = 64;

}  // namespace

// ------------------------------------------------------------------ refreshing the source

// A fragment URL died (an expired signature, most likely): one refresh of the source serves every
// fragment that dies meanwhile, and each dead URL asks at most once (Track::fragment_failed).
bool StreamDownload::track_source_dead(Track&) {
    if (ended_ || live_ || phase_ != Phase::Fragments) return false;
    // Formats an extractor found have no manifest of ours to fetch again: only its own refresh can help.
    if (job_.source && !job_.refresh_source) return false;
    if (refreshing_) return true;
    if (refreshes_ >= kMaxRefreshes) return false;
    refreshing_ = true;
    ++refreshes_;
    std::weak_ptr<bool> alive = alive_;
    auto done = [this, alive](RefreshResult r) {
        if (!alive.expired()) refreshed(std::move(r));
    };
    // Posted: the track that asked is inside its own callback.
    engine_.post([this, alive, done] {
        if (alive.expired() || ended_) return;
        if (job_.refresh_source)
            job_.refresh_source(done);
        else
            refresh_manifest(done);
    });
    return true;
}

// The default refresh: the manifest again (the media playlists of the chosen streams follow in
// refreshed(), as they do for any source).
void StreamDownload::refresh_manifest(std::function<void(RefreshResult)> done) {
    FetchSpec spec;
    spec.url = job_.url;
    spec.decode_content = true;
    spec.max_bytes = media::kMaxManifestBytes;
    spec.retries = job_.retries;
    spec.what = "manifest";
    refresh_fetches_.push_back(make_fetch(spec, [this, done](FetchResult r) {
        if (r.error) return done(r.error);
        manifest_bytes_ += static_cast<std::int64_t>(r.body.size());
        const auto kind = media::sniff_manifest(r.body);
        if (!kind) return done(Error{FailReason::BadManifest, r.effective_url + ": not a manifest any more"});
        auto parsed = *kind == media::ManifestKind::Hls ? media::parse_hls(r.body, r.effective_url)
                                                        : media::parse_dash(r.body, r.effective_url);
        if (auto* e = std::get_if<Error>(&parsed))
            return done(Error{e->reason, r.effective_url + ": " + e->message});
        done(std::move(std::get<media::Presentation>(parsed)));
    }));
    refresh_fetches_.back()->start();
}

// A chosen stream that came back as an HLS media playlist's URL (a master playlist, or formats
// an extractor found) gets its fragments from that playlist, fetched again: fresh fragment URLs
// are what the refresh is for. Calls `then` once, with the presentation or the first error.
void StreamDownload::fetch_chosen_playlists(media::Presentation fresh,
                                            std::function<void(RefreshResult)> then) {
    auto presentation = std::make_shared<media::Presentation>(std::move(fresh));
    auto left = std::make_shared<int>(0);
    for (std::size_t s = 0; s < presentation->streams.size(); ++s) {
        const media::Stream& stream = presentation->streams[s];
        const bool chosen = std::any_of(tracks_.begin(), tracks_.end(),
                                        [&](const auto& t) { return t->settings().format_id == stream.id; });
        if (!chosen || stream.playlist_url.empty() || !stream.fragments.empty()) continue;
        ++*left;
        FetchSpec playlist;
        playlist.url = stream.playlist_url;
        playlist.decode_content = true;
        playlist.max_bytes = media::kMaxManifestBytes;
        playlist.retries = job_.retries;
        playlist.what = "media playlist";
        refresh_fetches_.push_back(make_fetch(playlist, [this, presentation, s, left, then](FetchResult pr) {
            if (*left < 0) return;  // another playlist failed: reported already
            if (pr.error) {
                *left = -1;
                return then(pr.error);
            }
            manifest_bytes_ += static_cast<std::int64_t>(pr.body.size());
            auto media_playlist = media::parse_hls(pr.body, pr.effective_url);
            auto* p = std::get_if<media::Presentation>(&media_playlist);
            if (!p || p->is_master || p->streams.empty()) {
                *left = -1;
                return then(
                    Error{FailReason::BadManifest, pr.effective_url + ": not a media playlist any more"});
            }
            media::Stream& target = presentation->streams[s];
            target.fragments = std::move(p->streams.front().fragments);
            target.init = std::move(p->streams.front().init);
            target.init_switches = std::move(p->streams.front().init_switches);
            if (--*left == 0) then(std::move(*presentation));
        }));
        refresh_fetches_.back()->start();
    }
    if (*left == 0) then(std::move(*presentation));
}

// Whoever refreshed the source (the manifest, or an extractor run again), its chosen streams are
// completed from their media playlists first, then mapped onto the tracks.
void StreamDownload::refreshed(RefreshResult result) {
    if (ended_) {
        refreshing_ = false;
        return;
    }
    if (auto* fresh = std::get_if<media::Presentation>(&result)) {
        std::weak_ptr<bool> alive = alive_;
        return fetch_chosen_playlists(std::move(*fresh), [this, alive](RefreshResult complete) {
            if (!alive.expired()) apply_refresh(std::move(complete));
        });
    }
    apply_refresh(std::move(result));
}

void StreamDownload::apply_refresh(RefreshResult result) {
    refreshing_ = false;
    if (ended_) return;
    auto* fresh = std::get_if<media::Presentation>(&result);
    if (auto* e = std::get_if<Error>(&result))
        notices_.push_back("could not refresh the source: " + e->message);
    for (std::size_t i = 0; i < tracks_.size() && !ended_; ++i) {
        Track& track = *tracks_[i];
        const media::Stream* stream = nullptr;
        if (fresh)
            for (const auto& s : fresh->streams)
                if (s.id == track.settings().format_id) stream = &s;
        if (stream)
            track.remap(*stream);
        else
            track.refresh_failed();
    }
    // The fetches are done; each MemoryFetch allows being destroyed from inside its callback.
    refresh_fetches_.clear();
    pump();
}

}  // namespace arina::stream
