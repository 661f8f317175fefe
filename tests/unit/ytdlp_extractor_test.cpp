// The yt-dlp extractor end to end with the stand-in yt-dlp (tests/fake_ytdlp): the argument
// vector it passes, fixtures mapped, every failure mode with its reason and message, the age
// warning, and cancel.

#include "extract/ytdlp_extractor.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <thread>

#include "extract/ytdlp_version.hpp"
#include "support/test_support.hpp"

namespace arina::extract {
namespace {

using namespace std::chrono_literals;

class NoFetcher final : public PageFetcher {
  public:
    Page get(const std::string& url, std::size_t) override { return fail(url); }
    Page head(const std::string& url) override { return fail(url); }

  private:
    static Page fail(const std::string& url) {
        ADD_FAILURE() << "the yt-dlp extractor fetched " << url << " itself";
        return Page{};
    }
};

ExtractRequest request_for(const std::string& url) {
    ExtractRequest r;
    r.url = url;
    r.ytdlp_path = ARINA_FAKE_YTDLP;
    r.ytdlp_timeout_seconds = 20;
    return r;
}

ExtractResult extract(const ExtractRequest& request) {
    NoFetcher fetcher;
    CancelFlag cancel{false};
    return make_ytdlp_extractor()->extract(request, fetcher, cancel);
}

Error error_of(const ExtractResult& result) {
    if (const auto* e = std::get_if<Error>(&result)) return *e;
    ADD_FAILURE() << "extracted instead of failing";
    return {};
}

const std::string kAgeWarning =
    "yt-dlp 2023.03.04 is %DAYS% days old; sites change often: install a current one with `pipx install "
    "yt-dlp` or "
    "`python3 -m pip install -U yt-dlp` and pass --yt-dlp PATH";

TEST(YtDlpExtractor, ArgumentVector) {
    auto r = request_for("https://www.youtube.com/watch?v=abc123def45");
    r.http.user_agent = "Mozilla/5.0 Test";
    r.http.proxy = "socks5://127.0.0.1:1080";
    r.http.cookies_file = "/home/u/cookies.txt";
    r.http.headers = {"Referer: https://example.com/", "X-Empty:"};
    r.http.verify_tls = false;
    r.http.socket_timeout = 12.5;
    r.cookies_from_browser = "firefox";
    r.ytdlp_extra_args = {"--extractor-args", "youtube:player_client=web"};
    EXPECT_EQ(ytdlp_arguments(r), (std::vector<std::string>{"--dump-single-json",
                                                            "--no-warnings",
                                                            "--no-progress",
                                                            "--ignore-config",
                                                            "--flat-playlist",
                                                            "--user-agent",
                                                            "Mozilla/5.0 Test",
                                                            "--proxy",
                                                            "socks5://127.0.0.1:1080",
                                                            "--cookies",
                                                            "/home/u/cookies.txt",
                                                            "--cookies-from-browser",
                                                            "firefox",
                                                            "--add-header",
                                                            "Referer:https://example.com/",
                                                            "--add-header",
                                                            "X-Empty:",
                                                            "--no-check-certificates",
                                                            "--socket-timeout",
                                                            "13",
                                                            "--extractor-args",
                                                            "youtube:player_client=web",
                                                            "--",
                                                            "https://www.youtube.com/watch?v=abc123def45"}));
    // Defaults: Arina's own user agent is not passed (yt-dlp picks a browser's per site).
    ExtractRequest plain;
    plain.url = "-not-an-option";
    plain.flat_playlist = false;
    EXPECT_EQ(
        ytdlp_arguments(plain),
        (std::vector<std::string>{"--dump-single-json", "--no-warnings", "--no-progress", "--ignore-config",
                                  "--socket-timeout", "30", "--", "-not-an-option"}));
    EXPECT_EQ(ytdlp_program(plain), "yt-dlp");
}

TEST(YtDlpExtractor, FixtureThroughTheChildAndTheArgumentsItGot) {
    test::TempDir dir;
    const auto args_file = dir / "args.txt";
    ::setenv("FAKE_YTDLP_ARGS_FILE", args_file.c_str(), 1);
    auto r = request_for("https://www.videohost.example/video/9f8e7d?fixture=hls_site");
    r.http.cookies_file = (dir / "cookies.txt").string();
    const auto result = extract(r);
    ::unsetenv("FAKE_YTDLP_ARGS_FILE");
    ASSERT_TRUE(std::holds_alternative<Extraction>(result)) << error_of(result).message;
    const auto& e = std::get<Extraction>(result);
    EXPECT_EQ(e.kind, ExtractorKind::YtDlp);
    EXPECT_EQ(e.info.title, "Sunset over the harbour");
    EXPECT_EQ(e.presentation.streams.size(), 4U);
    EXPECT_EQ(test::read_file(args_file),
              "--dump-single-json\n--no-warnings\n--no-progress\n--ignore-config\n"
              "--flat-playlist\n--cookies\n" +
                  r.http.cookies_file +
                  "\n--socket-timeout\n30\n--\n"
                  "https://www.videohost.example/video/9f8e7d?fixture=hls_site\n");
}

std::string age_warning(const std::string& version, std::chrono::year_month_day released) {
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    std::string expected = kAgeWarning;
    expected.replace(expected.find("2023.03.04"), 10, version);
    expected.replace(expected.find("%DAYS%"), 6,
                     std::to_string((today - std::chrono::sys_days{released}).count()));
    return expected;
}

TEST(YtDlpExtractor, OldVersionWarns) {
    // The version yt-dlp wrote into its JSON (the fixture's _version) ...
    const auto result =
        extract(request_for("https://www.youtube.com/playlist?list=PL1&fixture=flat_playlist"));
    ASSERT_TRUE(std::holds_alternative<Extraction>(result)) << error_of(result).message;
    const auto& e = std::get<Extraction>(result);
    EXPECT_EQ(e.entries.size(), 50U);
    ASSERT_FALSE(e.warnings.empty());
    EXPECT_EQ(e.warnings.back(), age_warning("2025.11.12", std::chrono::year{2025} / 11 / 12));
    // ... or, when the JSON has none, what `--version` says (the stand-in: 2023.03.04).
    const auto without = extract(request_for("https://x.example/v?fixture=hostile"));
    ASSERT_TRUE(std::holds_alternative<Extraction>(without)) << error_of(without).message;
    EXPECT_EQ(std::get<Extraction>(without).warnings.back(),
              age_warning("2023.03.04", std::chrono::year{2023} / 3 / 4));
}

TEST(YtDlpExtractor, AgeWarningRule) {
    const auto day = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2};
    EXPECT_EQ(
        ytdlp_age_warning("2023.03.04", day),
        "yt-dlp 2023.03.04 is 1369 days old; sites change often: install a current one with `pipx install "
        "yt-dlp` or `python3 -m pip install -U yt-dlp` and pass --yt-dlp PATH");
    EXPECT_EQ(ytdlp_age_warning("2026.09.03", day), std::nullopt);  // 90 days: still current
    EXPECT_TRUE(ytdlp_age_warning("2026.09.02", day));              // 91
    EXPECT_TRUE(ytdlp_age_warning("2024.08.06.232123", day));       // nightly builds carry a time
    EXPECT_EQ(ytdlp_age_warning("", day), std::nullopt);
    EXPECT_EQ(ytdlp_age_warning("2023.02.30", day), std::nullopt);
    EXPECT_EQ(ytdlp_age_warning("unknown", day), std::nullopt);
}

struct FailureCase {
    std::string url;
    FailReason reason;
    std::string message_start;
};

TEST(YtDlpExtractor, EachFailureItsOwnError) {
    const std::vector<FailureCase> cases = {
        {"https://x.example/fake-unsupported", FailReason::Unsupported,
         "unsupported URL: yt-dlp has no extractor for https://x.example/fake-unsupported"},
        {"https://x.example/fake-private", FailReason::Extractor,
         "private video: https://x.example/fake-private (yt-dlp: [youtube] abc123def45: Private video."},
        {"https://x.example/fake-geo-blocked", FailReason::Extractor,
         "video not available in your country: https://x.example/fake-geo-blocked (yt-dlp: "},
        {"https://x.example/fake-age-restricted", FailReason::Extractor,
         "sign-in required (age-restricted): https://x.example/fake-age-restricted (yt-dlp: "},
        {"https://x.example/fake-login-required", FailReason::Extractor,
         "login required: https://x.example/fake-login-required (yt-dlp: [vimeo] 76979871: This video is "
         "only"},
        {"https://x.example/fake-removed", FailReason::Extractor,
         "video unavailable or removed: https://x.example/fake-removed (yt-dlp: "},
        {"https://x.example/fake-http-error", FailReason::Extractor,
         "the site answered HTTP 403: https://x.example/fake-http-error (yt-dlp: [generic] watch: Unable to "
         "download "
         "webpage: HTTP Error 403: Forbidden) ["},
        {"https://x.example/fake-crash", FailReason::Extractor,
         "yt-dlp crashed (signal 11, SIGSEGV) extracting https://x.example/fake-crash ["},
        {"https://x.example/fake-traceback", FailReason::Extractor,
         "yt-dlp crashed (Python traceback) extracting https://x.example/fake-traceback: KeyError: 'formats' "
         "["},
        {"https://x.example/fake-invalid-json", FailReason::Extractor,
         "yt-dlp printed invalid JSON for https://x.example/fake-invalid-json (at byte 68: "},
        {"https://x.example/x?fixture=drm_only", FailReason::Extractor,
         "yt-dlp found no formats Arina can fetch at https://x.example/x?fixture=drm_only (1 format left "
         "out: 'DRM' "
         "(Arina cannot fetch it)) ["},
    };
    for (const auto& c : cases) {
        const auto e = error_of(extract(request_for(c.url)));
        EXPECT_EQ(e.reason, c.reason) << c.url << ": " << e.message;
        EXPECT_EQ(e.message.substr(0, c.message_start.size()), c.message_start) << e.message;
        // Failures yt-dlp reports carry the hint that an old yt-dlp may be the cause.
        if (c.reason == FailReason::Extractor) {
            EXPECT_NE(e.message.find("[yt-dlp 2023.03.04 is "), std::string::npos) << e.message;
        }
    }
}

TEST(YtDlpExtractor, NotInstalled) {
    auto r = request_for("https://x.example/v");
    r.ytdlp_path = "/nonexistent/bin/yt-dlp";
    const auto e = error_of(extract(r));
    EXPECT_EQ(e.reason, FailReason::Extractor);
    EXPECT_EQ(e.message,
              "yt-dlp not found: /nonexistent/bin/yt-dlp does not exist, needed for https://x.example/v; "
              "install it (pipx install yt-dlp) or pass --yt-dlp PATH");
}

TEST(YtDlpExtractor, TimeoutKillsIt) {
    auto r = request_for("https://x.example/fake-timeout");
    r.ytdlp_timeout_seconds = 0.5;
    const auto started = std::chrono::steady_clock::now();
    const auto e = error_of(extract(r));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_EQ(e.reason, FailReason::Timeout);
    EXPECT_EQ(e.message, "yt-dlp timed out after 0.5 s extracting https://x.example/fake-timeout");
}

TEST(YtDlpExtractor, CancelKillsIt) {
    NoFetcher fetcher;
    CancelFlag cancel{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(300ms);
        cancel = true;
    });
    const auto started = std::chrono::steady_clock::now();
    const auto result =
        make_ytdlp_extractor()->extract(request_for("https://x.example/fake-timeout"), fetcher, cancel);
    canceller.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    const auto e = error_of(result);
    EXPECT_EQ(e.reason, FailReason::Cancelled);
    EXPECT_EQ(e.message, "extraction cancelled: https://x.example/fake-timeout");
    EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);  // nothing left to reap: no zombie
}

}  // namespace
}  // namespace arina::extract
