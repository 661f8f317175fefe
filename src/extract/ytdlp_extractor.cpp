#include "extract/ytdlp_extractor.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>

#include "extract/child_process.hpp"
#include "extract/ytdlp_errors.hpp"
#include "extract/ytdlp_json.hpp"
#include "extract/ytdlp_version.hpp"
#include "net/origin.hpp"

namespace arina::extract {
namespace {

std::string whole_seconds(double seconds) {
    if (!std::isfinite(seconds) || seconds < 1) seconds = 1;
    return std::to_string(static_cast<long long>(std::ceil(std::min(seconds, 86400.0))));
}

/// "Name: value" -> "Name:value": yt-dlp splits at the first colon and keeps the rest as is.
std::string header_argument(const std::string& line) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) return line;
    const auto value = line.find_first_not_of(' ', colon + 1);
    return line.substr(0, colon + 1) + (value == std::string::npos ? "" : line.substr(value));
}

std::chrono::sys_days today() {
    return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
}

class YtDlpExtractor final : public Extractor {
  public:
    ExtractorKind kind() const override { return ExtractorKind::YtDlp; }

    ExtractResult extract(const ExtractRequest& request, PageFetcher& /*fetcher*/,
                          const CancelFlag& cancel) override {
        YtDlpRun run;
        run.url = request.url;
        run.program = ytdlp_program(request);
        const char* path = std::getenv("PATH");
        run.search_path = path != nullptr ? path : "";
        run.timeout_seconds = request.ytdlp_timeout_seconds;

        ChildOptions options;
        options.argv.push_back(run.program);
        for (auto& argument : ytdlp_arguments(request)) options.argv.push_back(std::move(argument));
        // yt-dlp writes JSON in the locale's encoding: UTF-8 whatever the caller's locale.
        options.env = {"PYTHONIOENCODING=utf-8"};
        const double timeout =
            std::isfinite(request.ytdlp_timeout_seconds) && request.ytdlp_timeout_seconds > 0
                ? std::min(request.ytdlp_timeout_seconds, 86400.0)
                : 120.0;
        options.timeout = std::chrono::milliseconds(static_cast<long long>(timeout * 1000));
        options.cancel = &cancel;
        const ChildResult result = run_child(options);

        if (Error error = ytdlp_run_error(result, run)) return with_age_hint(std::move(error), run.program);
        std::string version;  // yt-dlp writes it into its JSON: no second Python start-up
        auto parsed = parse_ytdlp_json(result.out, &version);
        if (auto* syntax = std::get_if<JsonSyntaxError>(&parsed))
            return with_age_hint(ytdlp_json_error(*syntax, run), run.program);
        auto& extraction = std::get<Extraction>(parsed);
        if (extraction.presentation.streams.empty() && extraction.entries.empty() &&
            extraction.manifest_url.empty()) {
            const std::string why =
                extraction.warnings.empty() ? "" : " (" + extraction.warnings.front() + ")";
            return with_age_hint(Error{FailReason::Extractor,
                                       "yt-dlp found no formats Arina can fetch at " + request.url + why},
                                 run.program);
        }
        if (version.empty()) version = ytdlp_version(run.program);
        if (auto warning = ytdlp_age_warning(version, today())) extraction.warnings.push_back(*warning);
        return extraction;
    }

  private:
    /// An old yt-dlp is the likeliest cause of a site failing: say so in the error.
    static Error with_age_hint(Error error, const std::string& program) {
        if (error.reason != FailReason::Extractor) return error;
        const std::string version = ytdlp_version(program);
        if (auto warning = ytdlp_age_warning(version, today())) error.message += " [" + *warning + "]";
        return error;
    }
};

}  // namespace

std::unique_ptr<Extractor> make_ytdlp_extractor() {
    return std::make_unique<YtDlpExtractor>();
}

std::string ytdlp_program(const ExtractRequest& request) {
    return request.ytdlp_path.empty() ? "yt-dlp" : request.ytdlp_path;
}

std::vector<std::string> ytdlp_arguments(const ExtractRequest& request) {
    std::vector<std::string> args = {"--dump-single-json", "--no-warnings", "--no-progress",
                                     "--ignore-config"};
    if (request.flat_playlist) args.emplace_back("--flat-playlist");
    const auto& http = request.http;
    if (!http.user_agent.empty() && http.user_agent != net::HttpOptions{}.user_agent)
        args.insert(args.end(), {"--user-agent", http.user_agent});
    if (!http.proxy.empty()) args.insert(args.end(), {"--proxy", http.proxy});
    if (!http.cookies_file.empty()) args.insert(args.end(), {"--cookies", http.cookies_file});
    if (!request.cookies_from_browser.empty())
        args.insert(args.end(), {"--cookies-from-browser", request.cookies_from_browser});
    for (const auto& header : http.headers)
        args.insert(args.end(), {"--add-header", header_argument(header)});
    // Headers scoped to servers: those of the page's own server (a site's profile, its age gate)
    // are the site's; yt-dlp talks to that site.
    const std::string page_origin = net::origin_of(request.url);
    for (const auto& scoped : http.origin_headers)
        if (!page_origin.empty() && scoped.applies_to(page_origin))
            for (const auto& header : scoped.headers)
                args.insert(args.end(), {"--add-header", header_argument(header)});
    if (!http.verify_tls) args.emplace_back("--no-check-certificates");
    args.insert(args.end(), {"--socket-timeout", whole_seconds(http.socket_timeout)});
    args.insert(args.end(), request.ytdlp_extra_args.begin(), request.ytdlp_extra_args.end());
    args.insert(args.end(), {"--", request.url});
    return args;
}

}  // namespace arina::extract
