#include "core/extracting_download.hpp"

#include <algorithm>

#include "core/engine_page_fetcher.hpp"
#include "core/extracted_source.hpp"
#include "core/text_tracks.hpp"
#include "extract/ytdlp_extractor.hpp"
#include "media/hls_parser.hpp"
#include "media/limits.hpp"
#include "mux/on_demand.hpp"
#include "stream/format_selector.hpp"
#include "stream/stream_download.hpp"
#include "transfer/file_download.hpp"
#include "util/output_template.hpp"

namespace arina {

struct ExtractingDownload::Plan {
    Error error;
    std::vector<transfer::PlaylistEntryRef> entries;  // a playlist: nothing else is set
    std::vector<std::string> warnings;
    media::Presentation presentation;  // the formats, plain files cut into ranges
    std::string single_file_url;       // exactly one plain file chosen: downloaded as a file
    std::string name;                  // the output name; empty: the task's own
    std::vector<std::string> chosen;   // the ids of the formats chosen
    std::vector<net::OriginHeaders> headers;
    SideFiles side;
};

std::vector<std::unique_ptr<extract::Extractor>> extractors_for(const ExtractingJob& job) {
    if (!job.ytdlp_only) return extract::default_extractors(job.use_ytdlp);
    std::vector<std::unique_ptr<extract::Extractor>> only;
    only.push_back(extract::make_ytdlp_extractor());
    return only;
}

namespace {

extract::ExtractResult extract_with(const ExtractingJob& job, extract::PageFetcher& fetcher,
                                    const extract::CancelFlag& cancel) {
    try {
        return extract::run_chain(extractors_for(job), job.request, fetcher, cancel);
    } catch (const std::exception& e) {
        return Error{FailReason::Internal, "extracting " + job.request.url + ": " + e.what()};
    }
}

// `fields` rendered by the output template (the default one unless the user gave another); a
// missing id is "media".
std::variant<std::string, Error> render_name(const ExtractingJob& job, NamingFields fields) {
    const std::string tmpl =
        job.output_template.empty() ? std::string(kDefaultOutputTemplate) : job.output_template;
    if (fields.id.empty()) fields.id = "media";
    auto rendered = render_output_template(tmpl, fields);
    if (auto* e = std::get_if<Error>(&rendered)) return *e;
    return std::get<std::filesystem::path>(rendered).string();
}

// The media's name by the output template.
std::variant<std::string, Error> output_name(const ExtractingJob& job, const extract::Extraction& x,
                                             const std::vector<stream::SelectedFormat>& chosen,
                                             const std::string& ext) {
    return render_name(job, naming_fields(x, chosen, ext, job.platform, job.playlist_index));
}

// The file name of a playlist entry that is a media file itself (ext known), by the output
// template from the entry's own title and id; empty for an entry extracted again when it runs.
std::string entry_name(const ExtractingJob& job, const extract::Extraction& x,
                       const extract::PlaylistEntry& e) {
    if (e.ext.empty()) return {};
    NamingFields fields;
    fields.title = e.title;
    fields.id = e.id;
    fields.ext = e.ext;
    fields.platform = job.platform;
    fields.uploader = x.info.uploader;
    fields.upload_date = x.info.upload_date;
    if (e.index > 0) fields.playlist_index = e.index;
    auto rendered = render_name(job, std::move(fields));
    if (std::holds_alternative<Error>(rendered)) return {};
    std::string name = std::get<std::string>(std::move(rendered));
    // A name is taken as a template when it holds "%(": such a title keeps the URL's name instead.
    if (name.find("%(") != std::string::npos) return {};
    return name;
}

std::optional<mux::Container> container_of(const std::filesystem::path& file) {
    const std::string ext = file.extension().string();
    if (ext == ".mp4" || ext == ".m4a" || ext == ".m4v" || ext == ".mov") return mux::Container::Mp4;
    if (ext == ".mkv" || ext == ".mka" || ext == ".webm") return mux::Container::Mkv;
    return std::nullopt;
}

}  // namespace

ExtractingDownload::ExtractingDownload(transfer::Runtime& runtime, ExtractingJob job, Finished finished)
    : runtime_(runtime), job_(std::move(job)), finished_(std::move(finished)) {}

ExtractingDownload::~ExtractingDownload() {
    cancel_flag_ = true;
    if (extraction_thread_.joinable()) extraction_thread_.join();
    if (refresh_thread_.joinable()) refresh_thread_.join();
    if (embed_thread_.joinable()) embed_thread_.join();
}

void ExtractingDownload::start() {
    extraction_thread_ = std::thread([this] { extract_and_plan(); });
}

// The extraction thread: find the media, choose its formats and name, fetch what comes with it.
void ExtractingDownload::extract_and_plan() {
    auto plan = std::make_shared<Plan>();
    EnginePageFetcher fetcher(runtime_.engine, job_.request.http, job_.page_retries,
                              job_.file_job.retry_timing, cancel_flag_);
    auto result = extract_with(job_, fetcher, cancel_flag_);
    if (auto* error = std::get_if<Error>(&result)) {
        plan->error = *error;
    } else {
        const auto& x = std::get<extract::Extraction>(result);
        plan->warnings = x.warnings;
        for (const auto& e : x.entries)
            plan->entries.push_back({e.url, e.title, e.index, entry_name(job_, x, e)});
        if (!x.is_playlist()) {
            plan->presentation = downloadable_presentation(x, job_.file_job.chunk_size);
            auto selected = stream::select_formats(plan->presentation, job_.stream_job.format);
            if (auto* e = std::get_if<Error>(&selected)) {
                plan->error = {e->reason, job_.request.url + ": " + e->message};
            } else {
                const auto& chosen = std::get<std::vector<stream::SelectedFormat>>(selected);
                const std::string single = single_file_format(x, chosen);
                if (!single.empty()) plan->single_file_url = x.extras.at(single).file_url;
                plan->chosen = chosen_ids(chosen);
                plan->headers = origin_headers(x, plan->chosen);
                const std::string ext = !single.empty() ? file_extension(x, single)
                                        : job_.stream_job.merge_format == mux::Container::Mkv ? "mkv"
                                                                                              : "mp4";
                std::filesystem::path path = job_.stream_job.output_dir;
                if (job_.name_given) {
                    path /= job_.stream_job.output_name;
                } else {
                    auto rendered = output_name(job_, x, chosen, ext);
                    if (auto* bad = std::get_if<Error>(&rendered)) {
                        plan->error = *bad;
                    } else {
                        plan->name = std::get<std::string>(rendered);
                        path /= plan->name;
                    }
                }
                if (!plan->error) {
                    SideFileOptions side = job_.side;
                    // A whole file keeps the server's bytes unless something must be embedded into it.
                    if (!single.empty() && !side.embed_subs && !side.embed_thumbnail)
                        side.embed_metadata = false;
                    std::error_code ec;
                    std::filesystem::create_directories(path.parent_path(), ec);
                    // The presentation's own text tracks (HLS subtitle renditions, DASH WebVTT
                    // and TTML) are fetched as subtitles too, segments joined into one file; a
                    // track in a form that cannot be had is named in a warning when asked for.
                    extract::Extraction with_tracks = x;
                    TextTracks tracks = text_tracks_of(x.presentation);
                    for (auto& track : tracks.subtitles) with_tracks.subtitles.push_back(std::move(track));
                    TextTrackFetcher subtitle_fetcher(fetcher, std::move(tracks.segments));
                    plan->side =
                        fetch_side_files(with_tracks, side, path, subtitle_fetcher, tracks.unavailable);
                }
            }
        }
    }
    // `this` lives until this thread is joined; the posted call may run after that.
    std::weak_ptr<bool> alive = alive_;
    runtime_.engine.post([this, alive, plan] {
        if (!alive.expired()) planned(plan);
    });
}

void ExtractingDownload::cancel() {
    cancelled_ = true;
    cancel_flag_ = true;
    if (media_) return media_->cancel();
    // The extraction reports Cancelled promptly; planned() ends the download.
}

transfer::DownloadProgress ExtractingDownload::progress() const {
    std::lock_guard lock(mutex_);
    if (current_) return current_->progress();
    return {};
}

void ExtractingDownload::fail(Error error) {
    if (ended_) return;
    ended_ = true;
    transfer::DownloadResult r;
    r.error = std::move(error);
    r.size = -1;
    // Page requests were retried already, and yt-dlp retries its own: running the whole extraction
    // again (a yt-dlp that timed out after two minutes, ten more times) only hides the answer.
    r.retries_exhausted = true;
    finished_(r);
}

void ExtractingDownload::planned(std::shared_ptr<Plan> plan) {
    if (ended_) return;
    if (cancelled_) return fail({FailReason::Cancelled, "cancelled: " + job_.request.url});
    if (plan->error) return fail(plan->error);
    if (!plan->entries.empty()) {
        ended_ = true;
        transfer::DownloadResult r;
        r.size = -1;
        r.warnings = plan->warnings;
        r.playlist_entries = plan->entries;
        return finished_(r);
    }
    Finished done = [this, plan](const transfer::DownloadResult& r) { media_finished(plan, r); };
    std::unique_ptr<transfer::Download> media;
    if (!plan->single_file_url.empty()) {
        transfer::FileJob file = job_.file_job;
        file.url = plan->single_file_url;
        if (!plan->name.empty()) file.output_name = plan->name;
        file.http.origin_headers = plan->headers;
        file.is_hand_off = nullptr;  // the extractor said media: whatever comes is the file
        media = std::make_unique<transfer::FileDownload>(runtime_.engine, runtime_.disk, std::move(file),
                                                         std::move(done));
    } else {
        stream::StreamJob job = job_.stream_job;
        job.url = job_.request.url;
        job.source = plan->presentation;
        if (!plan->name.empty()) job.output_name = plan->name;
        job.http.origin_headers = plan->headers;
        job.extras = plan->side.extras;
        std::weak_ptr<bool> alive = alive_;
        job.refresh_source = [this, alive](std::function<void(stream::RefreshResult)> fresh) {
            if (!alive.expired()) refresh(std::move(fresh));
        };
        media = std::make_unique<stream::StreamDownload>(runtime_.engine, runtime_.disk, std::move(job),
                                                         std::move(done));
    }
    {
        std::lock_guard lock(mutex_);
        media_ = std::move(media);
        current_ = media_.get();
    }
    media_->start();
}

void ExtractingDownload::media_finished(const std::shared_ptr<Plan>& plan,
                                        const transfer::DownloadResult& result) {
    const mux::Extras& extras = plan->side.extras;
    const bool embed_now = !plan->single_file_url.empty() && !result.error && !result.already_present &&
                           (!extras.subtitles.empty() || !extras.thumbnail.empty());
    if (!embed_now) return report(result, plan);
    const auto container = container_of(result.file);
    if (!container) {
        auto r = result;
        r.warnings.push_back("subtitles and thumbnail not embedded: " + result.file.extension().string() +
                             " files cannot hold them");
        return report(r, plan);
    }
    // libavformat blocks: it runs on a thread of its own, and reports back on the engine thread.
    std::weak_ptr<bool> alive = alive_;
    embed_thread_ = std::thread([this, alive, plan, result, container] {
        mux::MuxOptions options;
        options.container = *container;
        options.extras = plan->side.extras;
        options.cancelled = [this] { return cancel_flag_.load(); };
        auto embedded = mux::remux_with_extras_on_demand(result.file, result.file, options);
        auto r = result;
        if (auto* e = std::get_if<Error>(&embedded)) {
            r.warnings.push_back("subtitles and thumbnail not embedded: " + e->message);
        } else {
            const auto& muxed = std::get<mux::MuxReport>(embedded);
            r.warnings.insert(r.warnings.end(), muxed.warnings.begin(), muxed.warnings.end());
            std::error_code ec;
            r.size = static_cast<std::int64_t>(std::filesystem::file_size(r.file, ec));
        }
        runtime_.engine.post([this, alive, plan, r] {
            if (!alive.expired()) report(r, plan);
        });
    });
}

void ExtractingDownload::report(transfer::DownloadResult result, const std::shared_ptr<Plan>& plan) {
    if (ended_) return;
    ended_ = true;
    result.warnings.insert(result.warnings.begin(), plan->side.warnings.begin(), plan->side.warnings.end());
    result.warnings.insert(result.warnings.begin(), plan->warnings.begin(), plan->warnings.end());
    if (!result.error) {
        std::error_code ec;
        for (const auto& f : plan->side.remove_after) std::filesystem::remove(f, ec);
    }
    finished_(result);
}

void ExtractingDownload::refresh(std::function<void(stream::RefreshResult)> done) {
    if (refresh_thread_.joinable()) refresh_thread_.join();  // the previous one has reported already
    std::weak_ptr<bool> alive = alive_;
    refresh_thread_ = std::thread([this, alive, done = std::move(done)] {
        EnginePageFetcher fetcher(runtime_.engine, job_.request.http, job_.page_retries,
                                  job_.file_job.retry_timing, cancel_flag_);
        auto result = extract_with(job_, fetcher, cancel_flag_);
        stream::RefreshResult fresh;
        if (auto* e = std::get_if<Error>(&result)) {
            fresh = *e;
        } else {
            // The chosen HLS formats' media playlists are fetched again by the stream download.
            fresh =
                downloadable_presentation(std::get<extract::Extraction>(result), job_.file_job.chunk_size);
        }
        runtime_.engine.post([alive, done, fresh = std::move(fresh)]() mutable {
            if (!alive.expired()) done(std::move(fresh));
        });
    });
}

}  // namespace arina
