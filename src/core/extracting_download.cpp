#include "core/extracting_download.hpp"

#include "core/engine_page_fetcher.hpp"
#include "core/extracted_source.hpp"
#include "stream/format_selector.hpp"
#include "stream/stream_download.hpp"
#include "transfer/file_download.hpp"
#include "util/output_template.hpp"

namespace arina {
namespace {

extract::ExtractResult run_extractors(net::Engine& engine, const ExtractingJob& job,
                                      const extract::CancelFlag& cancel) {
    EnginePageFetcher fetcher(engine, job.request.http, job.page_retries, job.file_job.retry_timing, cancel);
    const auto extractors = extract::default_extractors(job.use_ytdlp);
    try {
        return extract::run_chain(extractors, job.request, fetcher, cancel);
    } catch (const std::exception& e) {
        return Error{FailReason::Internal, "extracting " + job.request.url + ": " + e.what()};
    }
}

}  // namespace

ExtractingDownload::ExtractingDownload(transfer::Runtime& runtime, ExtractingJob job, Finished finished)
    : runtime_(runtime), job_(std::move(job)), finished_(std::move(finished)) {}

ExtractingDownload::~ExtractingDownload() {
    cancel_flag_ = true;
    if (extraction_thread_.joinable()) extraction_thread_.join();
    if (refresh_thread_.joinable()) refresh_thread_.join();
}

void ExtractingDownload::start() {
    std::weak_ptr<bool> alive = alive_;
    extraction_thread_ = std::thread([this, alive] {
        auto result = run_extractors(runtime_.engine, job_, cancel_flag_);
        // `this` lives until this thread is joined; the posted call may run after that.
        runtime_.engine.post([this, alive, result = std::move(result)]() mutable {
            if (!alive.expired()) extracted(std::move(result));
        });
    });
}

void ExtractingDownload::cancel() {
    cancelled_ = true;
    cancel_flag_ = true;
    if (media_) return media_->cancel();
    // The extraction reports Cancelled promptly; extracted() ends the download.
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
    finished_(r);
}

void ExtractingDownload::extracted(extract::ExtractResult result) {
    if (ended_) return;
    if (cancelled_) return fail({FailReason::Cancelled, "cancelled: " + job_.request.url});
    if (auto* error = std::get_if<Error>(&result)) return fail(*error);
    const auto& extraction = std::get<extract::Extraction>(result);
    if (extraction.is_playlist()) {
        ended_ = true;
        transfer::DownloadResult r;
        r.size = -1;
        r.warnings = extraction.warnings;
        for (const auto& entry : extraction.entries)
            r.playlist_entries.push_back({entry.url, entry.title, entry.index});
        r.notices.push_back("playlist" +
                            (extraction.playlist_title.empty() ? "" : " \"" + extraction.playlist_title + "\"") +
                            ": " + std::to_string(extraction.entries.size()) + " entries queued");
        return finished_(r);
    }
    begin_download(extraction);
}

void ExtractingDownload::begin_download(const extract::Extraction& extraction) {
    const media::Presentation presentation =
        downloadable_presentation(extraction, job_.file_job.chunk_size);
    const std::string& spec = job_.stream_job.format;
    auto selected = stream::select_formats(presentation, spec);
    if (auto* e = std::get_if<Error>(&selected)) return fail({e->reason, job_.request.url + ": " + e->message});
    const auto& chosen = std::get<std::vector<stream::SelectedFormat>>(selected);
    const auto headers = origin_headers(extraction);
    const std::vector<std::string> warnings = extraction.warnings;
    const std::string single = single_file_format(extraction, chosen);

    std::string ext;
    if (!single.empty())
        ext = file_extension(extraction, single);
    else
        ext = job_.stream_job.merge_format == mux::Container::Mkv ? "mkv" : "mp4";
    std::string name;
    if (!job_.name_given) {
        const std::string tmpl =
            job_.output_template.empty() ? std::string(kDefaultOutputTemplate) : job_.output_template;
        NamingFields fields = naming_fields(extraction, chosen, ext, job_.platform, job_.playlist_index);
        if (fields.id.empty()) fields.id = "media";
        auto rendered = render_output_template(tmpl, fields);
        if (auto* e = std::get_if<Error>(&rendered)) return fail(*e);
        name = std::get<std::filesystem::path>(rendered).string();
    }

    Finished report = [this, warnings](const transfer::DownloadResult& r) {
        if (ended_) return;
        ended_ = true;
        transfer::DownloadResult with = r;
        with.warnings.insert(with.warnings.begin(), warnings.begin(), warnings.end());
        finished_(with);
    };
    std::unique_ptr<transfer::Download> media;
    if (!single.empty()) {
        transfer::FileJob file = job_.file_job;
        file.url = extraction.extras.at(single).file_url;
        if (!job_.name_given) file.output_name = name;
        file.http.origin_headers = headers;
        file.is_manifest = nullptr;  // the extractor said media: whatever comes is the file
        media = std::make_unique<transfer::FileDownload>(runtime_.engine, runtime_.disk, std::move(file),
                                                         std::move(report));
    } else {
        stream::StreamJob job = job_.stream_job;
        job.url = job_.request.url;
        job.source = presentation;
        if (!job_.name_given) job.output_name = name;
        job.http.origin_headers = headers;
        std::weak_ptr<bool> alive = alive_;
        job.refresh_source = [this, alive](std::function<void(stream::RefreshResult)> done) {
            if (!alive.expired()) refresh(std::move(done));
        };
        media = std::make_unique<stream::StreamDownload>(runtime_.engine, runtime_.disk, std::move(job),
                                                         std::move(report));
    }
    {
        std::lock_guard lock(mutex_);
        media_ = std::move(media);
        current_ = media_.get();
    }
    media_->start();
}

void ExtractingDownload::refresh(std::function<void(stream::RefreshResult)> done) {
    if (refresh_thread_.joinable()) refresh_thread_.join();  // the previous one has reported already
    std::weak_ptr<bool> alive = alive_;
    refresh_thread_ = std::thread([this, alive, done = std::move(done)] {
        auto result = run_extractors(runtime_.engine, job_, cancel_flag_);
        stream::RefreshResult fresh;
        if (auto* e = std::get_if<Error>(&result))
            fresh = *e;
        else
            fresh = downloadable_presentation(std::get<extract::Extraction>(result), job_.file_job.chunk_size);
        runtime_.engine.post([alive, done, fresh = std::move(fresh)]() mutable {
            if (!alive.expired()) done(std::move(fresh));
        });
    });
}

}  // namespace arina
