#include "core/probe.hpp"

#include <atomic>
#include <thread>

#include "core/download_factory.hpp"
#include "core/engine_page_fetcher.hpp"
#include "core/extracted_source.hpp"
#include "core/extracting_download.hpp"
#include "core/profile_settings.hpp"
#include "core/text_tracks.hpp"
#include "extract/platform.hpp"
#include "media/manifest_detect.hpp"
#include "net/media_type.hpp"
#include "stream/format_selector.hpp"
#include "transfer/runtime.hpp"

namespace arina {
namespace {

std::string type_name(media::StreamType type) {
    switch (type) {
        case media::StreamType::Muxed:
            return "video+audio";
        case media::StreamType::Video:
            return "video";
        case media::StreamType::Audio:
            return "audio";
        case media::StreamType::Subtitle:
            return "subtitle";
    }
    return "video+audio";
}

FormatInfo format_of(const media::Stream& s, const extract::Extraction& x) {
    FormatInfo f;
    f.id = s.id;
    f.type = type_name(s.type);
    f.width = s.width;
    f.height = s.height;
    f.fps = s.frame_rate;
    f.bandwidth = s.average_bandwidth.value_or(s.bandwidth);
    f.codecs = s.codecs;
    f.language = s.language;
    f.note = s.name;
    if (auto it = x.extras.find(s.id); it != x.extras.end()) {
        f.ext = it->second.ext;
        f.protocol = it->second.protocol;
        f.filesize = it->second.filesize;
        if (!it->second.format_note.empty()) f.note = it->second.format_note;
    }
    if (f.protocol.empty()) {
        if (x.kind == extract::ExtractorKind::Manifest || x.kind == extract::ExtractorKind::HtmlPage)
            f.protocol = x.presentation.kind == media::ManifestKind::Hls ? "hls" : "dash";
    }
    return f;
}

ProbeResult result_of(const std::string& url, const extract::Extraction& x, std::int64_t chunk_size) {
    ProbeResult r;
    r.url = url;
    r.extractor = std::string(extract::to_string(x.kind));
    if (x.kind == extract::ExtractorKind::YtDlp) r.site = x.info.extractor;
    r.id = x.info.id;
    r.title = x.info.title;
    r.uploader = x.info.uploader;
    r.upload_date = x.info.upload_date;
    r.thumbnail_url = x.info.thumbnail_url;
    r.duration = x.info.duration ? x.info.duration : x.presentation.duration;
    r.is_live = x.presentation.is_live;
    r.warnings = x.warnings;
    r.playlist_title = x.playlist_title;
    for (const auto& e : x.entries) r.entries.push_back({e.url, e.title, e.index});
    for (const auto& s : x.subtitles) r.subtitles.push_back({s.language, s.ext, s.name, s.automatic});
    for (const auto& s : text_track_subtitles(x.presentation))
        r.subtitles.push_back({s.language, s.ext, s.name, s.automatic});
    if (x.is_playlist()) return r;
    for (const auto& s : x.presentation.streams) r.formats.push_back(format_of(s, x));
    for (const auto& rendition : x.presentation.renditions)
        if (!rendition.stream.playlist_url.empty()) r.formats.push_back(format_of(rendition.stream, x));
    r.format_table = stream::format_table(downloadable_presentation(x, chunk_size));
    return r;
}

/// The first answer's bytes a probe reads: most pages whole (the extractors then read this answer,
/// a longer page is fetched again in full), and little of a file it does not download.
constexpr std::size_t kFirstAnswerBytes = 256 * 1024;

class ProbeJobImpl final : public ProbeJob {
  public:
    ProbeJobImpl(std::string url, Config config)
        : url_(std::move(url)), config_(std::move(config)), future_(promise_.get_future().share()) {
        thread_ = std::thread([this] {
            ProbeResult r;
            try {
                r = run();
            } catch (const std::exception& e) {
                r.error = {FailReason::Internal, "probing " + url_ + ": " + e.what()};
            }
            r.url = url_;
            promise_.set_value(std::move(r));
        });
    }
    ~ProbeJobImpl() override {
        cancel_ = true;
        thread_.join();
    }
    std::shared_future<ProbeResult> result() const override { return future_; }
    void cancel() override { cancel_ = true; }

  private:
    ProbeResult run() {
        transfer::Runtime runtime;
        DownloadTask task;
        task.url = url_;
        ExtractingJob job = extracting_job_for(task, config_);
        EnginePageFetcher fetcher(runtime.engine, job.request.http, job.page_retries,
                                  job.file_job.retry_timing, cancel_);
        const std::string platform = platform_of(config_, url_);
        const bool known_site = platform != "generic" && extract::find_builtin_platform(platform) != nullptr;
        job.ytdlp_only = known_site;
        if (!known_site && !media::manifest_kind_of_url(url_, media::M3u::WithM3u)) {
            // As a download decides: the first answer's type says file, manifest or page. One GET
            // both tells them apart and brings the page, which the extractors then read instead of
            // asking again; a file costs at most kFirstAnswerBytes of it.
            extract::Page first = fetcher.get(url_, kFirstAnswerBytes);
            if (first.error) return failed(first.error);
            const bool page = net::is_page_type(first.content_type);
            if (!page && !media::manifest_kind_of_type(first.content_type) &&
                !first.content_type.starts_with("video/") && !first.content_type.starts_with("audio/")) {
                ProbeResult r;
                r.extractor = "file";
                return r;
            }
            job.use_ytdlp = page;
            job.request.first_answer = std::move(first);
        }
        const auto extractors = extractors_for(job);
        auto extracted = extract::run_chain(extractors, job.request, fetcher, cancel_);
        if (auto* e = std::get_if<Error>(&extracted)) return failed(*e);
        return result_of(url_, std::get<extract::Extraction>(extracted), config_.http_chunk_size);
    }
    static ProbeResult failed(Error e) {
        ProbeResult r;
        r.error = std::move(e);
        return r;
    }

    std::string url_;
    Config config_;
    extract::CancelFlag cancel_{false};
    std::promise<ProbeResult> promise_;
    std::shared_future<ProbeResult> future_;
    std::thread thread_;
};

}  // namespace

std::unique_ptr<ProbeJob> start_probe(std::string url, const Config& config) {
    return std::make_unique<ProbeJobImpl>(std::move(url), config);
}

}  // namespace arina
