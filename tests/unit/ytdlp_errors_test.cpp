// yt-dlp's failures told apart: stderr samples as yt-dlp prints them -> exact messages.

#include "extract/ytdlp_errors.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>

namespace arina::extract {
namespace {

const std::string kUrl = "https://www.youtube.com/watch?v=abc123def45";

YtDlpRun run() {
    YtDlpRun r;
    r.url = kUrl;
    r.program = "yt-dlp";
    r.search_path = "/usr/local/bin:/usr/bin:/bin";
    r.timeout_seconds = 120;
    return r;
}

ChildResult exited(int code, std::string err) {
    ChildResult r;
    r.end = ChildEnd::Exited;
    r.exit_code = code;
    r.out = "null\n";
    r.err_tail = std::move(err);
    return r;
}

Error failure(const std::string& err) {
    return ytdlp_run_error(exited(1, err), run());
}

TEST(YtDlpErrors, SuccessIsNoError) {
    EXPECT_EQ(ytdlp_run_error(exited(0, "WARNING: something minor\n"), run()).reason, FailReason::None);
}

TEST(YtDlpErrors, NotInstalled) {
    ChildResult r;
    r.end = ChildEnd::SpawnFailed;
    r.spawn_errno = ENOENT;
    const auto on_path = ytdlp_run_error(r, run());
    EXPECT_EQ(on_path.reason, FailReason::Extractor);
    EXPECT_EQ(on_path.message,
              "yt-dlp not found: no \"yt-dlp\" on PATH (/usr/local/bin:/usr/bin:/bin), needed for " + kUrl +
                  "; install it (pipx install yt-dlp) or pass --yt-dlp PATH");
    auto by_path = run();
    by_path.program = "/opt/yt-dlp/yt-dlp";
    EXPECT_EQ(ytdlp_run_error(r, by_path).message,
              "yt-dlp not found: /opt/yt-dlp/yt-dlp does not exist, needed for " + kUrl +
                  "; install it (pipx install yt-dlp) or pass --yt-dlp PATH");
    r.spawn_errno = EACCES;
    EXPECT_EQ(ytdlp_run_error(r, by_path).message,
              "yt-dlp could not be started (/opt/yt-dlp/yt-dlp: Permission denied), needed for " + kUrl);
}

TEST(YtDlpErrors, CrashedBySignalOrTraceback) {
    ChildResult r;
    r.end = ChildEnd::Signaled;
    r.signal = SIGSEGV;
    const auto signal = ytdlp_run_error(r, run());
    EXPECT_EQ(signal.reason, FailReason::Extractor);
    EXPECT_EQ(signal.message, "yt-dlp crashed (signal 11, SIGSEGV) extracting " + kUrl);
    const auto traceback = failure(
        "Traceback (most recent call last):\n  File \"/usr/bin/yt-dlp\", line 8, in <module>\n"
        "    sys.exit(main())\nKeyError: 'formats'\n");
    EXPECT_EQ(traceback.reason, FailReason::Extractor);
    EXPECT_EQ(traceback.message,
              "yt-dlp crashed (Python traceback) extracting " + kUrl + ": KeyError: 'formats'");
}

TEST(YtDlpErrors, TimedOutCancelledTooMuchOutput) {
    ChildResult r;
    r.end = ChildEnd::TimedOut;
    const auto timeout = ytdlp_run_error(r, run());
    EXPECT_EQ(timeout.reason, FailReason::Timeout);
    EXPECT_EQ(timeout.message, "yt-dlp timed out after 120 s extracting " + kUrl);
    auto quick = run();
    quick.timeout_seconds = 0.5;
    EXPECT_EQ(ytdlp_run_error(r, quick).message, "yt-dlp timed out after 0.5 s extracting " + kUrl);
    r.end = ChildEnd::Cancelled;
    EXPECT_EQ(ytdlp_run_error(r, run()).reason, FailReason::Cancelled);
    EXPECT_EQ(ytdlp_run_error(r, run()).message, "extraction cancelled: " + kUrl);
    r.end = ChildEnd::OutputTooLarge;
    r.out.assign(64U << 20, 'x');
    EXPECT_EQ(ytdlp_run_error(r, run()).message,
              "yt-dlp printed more than 64 MiB for " + kUrl + "; stopped it");
}

TEST(YtDlpErrors, InvalidJsonNamesTheByte) {
    const auto e = ytdlp_json_error(JsonSyntaxError{25,
                                                    "[json.exception.parse_error.101] parse error at line 1, "
                                                    "column 26: syntax error while parsing value"},
                                    run());
    EXPECT_EQ(e.reason, FailReason::Extractor);
    EXPECT_EQ(e.message,
              "yt-dlp printed invalid JSON for " + kUrl +
                  " (at byte 25: parse error at line 1, column 26: syntax error while parsing value)");
}

TEST(YtDlpErrors, UnsupportedUrlLetsTheChainGoOn) {
    const auto e = failure(
        "WARNING: [generic] Falling back on generic information extractor\n"
        "ERROR: Unsupported URL: https://www.youtube.com/watch?v=abc123def45\n");
    EXPECT_EQ(e.reason, FailReason::Unsupported);
    EXPECT_EQ(e.message, "unsupported URL: yt-dlp has no extractor for " + kUrl);
}

TEST(YtDlpErrors, PrivateGeoBlockedRemoved) {
    const auto private_video = failure(
        "ERROR: [youtube] abc123def45: Private video. Sign in if you've been granted access to this video\n");
    EXPECT_EQ(private_video.reason, FailReason::Extractor);
    EXPECT_EQ(private_video.message,
              "private video: " + kUrl +
                  " (yt-dlp: [youtube] abc123def45: Private video. Sign in if you've been "
                  "granted access to this video)");
    EXPECT_EQ(
        failure(
            "ERROR: [youtube] abc123def45: Video unavailable. The uploader has not made this video available "
            "in your country\n")
            .message,
        "video not available in your country: " + kUrl +
            " (yt-dlp: [youtube] abc123def45: Video unavailable. The uploader has not made this video "
            "available "
            "in your country)");
    EXPECT_EQ(failure("ERROR: [Dailymotion] x8abc: This video is not available from your location due to geo "
                      "restriction\n")
                  .message,
              "video not available in your country: " + kUrl +
                  " (yt-dlp: [Dailymotion] x8abc: This video is not available from your location due to geo "
                  "restriction)");
    EXPECT_EQ(
        failure(
            "ERROR: [youtube] abc123def45: Video unavailable. This video has been removed by the uploader\n")
            .message,
        "video unavailable or removed: " + kUrl +
            " (yt-dlp: [youtube] abc123def45: Video unavailable. This video has been removed by the "
            "uploader)");
}

TEST(YtDlpErrors, LoginWallsAndAgeGates) {
    const auto age = failure(
        "ERROR: [youtube] abc123def45: Sign in to confirm your age. This video may be inappropriate for some "
        "users. "
        "Use --cookies-from-browser or --cookies for the authentication. See  "
        "https://github.com/yt-dlp/yt-dlp/wiki/FAQ#how-do-i-pass-cookies-to-yt-dlp  for how to manually pass "
        "cookies\n");
    EXPECT_EQ(age.reason, FailReason::Extractor);
    EXPECT_EQ(
        age.message,
        "sign-in required (age-restricted): " + kUrl +
            " (yt-dlp: [youtube] abc123def45: Sign in to confirm your age. This video may be inappropriate "
            "for "
            "some users. Use --cookies-from-browser or --cookies for the authentication. See "
            "https://github.com/yt-dlp/yt-dlp/wiki/FAQ#how-do-i-pass-cookies-to-yt-dlp for how to manually "
            "pass cookies); pass --cookies FILE or --cookies-from-browser BROWSER");
    EXPECT_EQ(
        failure("ERROR: [vimeo] 76979871: This video is only available for registered users\n").message,
        "login required: " + kUrl +
            " (yt-dlp: [vimeo] 76979871: This video is only available for registered users); pass --cookies "
            "FILE or --cookies-from-browser BROWSER");
    EXPECT_EQ(
        failure("ERROR: [youtube] abc123def45: Sign in to confirm you\xe2\x80\x99re not a bot\n").message,
        "login required: " + kUrl +
            " (yt-dlp: [youtube] abc123def45: Sign in to confirm you\xe2\x80\x99re not a bot); pass "
            "--cookies "
            "FILE or --cookies-from-browser BROWSER");
    EXPECT_EQ(failure("ERROR: [instagram] Cxyz: login required to access this post\n").message.substr(0, 16),
              "login required: ");
}

TEST(YtDlpErrors, HttpErrorsFromTheSite) {
    // As yt-dlp 2023.03.04 prints it (seen against the loopback server), advice and cause cut.
    const auto e = failure(
        "ERROR: [generic] None: Unable to download webpage: HTTP Error 404: File not found (caused by "
        "<HTTPError 404: 'File not found'>); please report this issue on  "
        "https://github.com/yt-dlp/yt-dlp/issues?q= , "
        "filling out the appropriate issue template. Confirm you are on the latest version using  yt-dlp "
        "-U\n");
    EXPECT_EQ(e.reason, FailReason::Extractor);
    EXPECT_EQ(e.message,
              "the site answered HTTP 404: " + kUrl +
                  " (yt-dlp: [generic] None: Unable to download webpage: HTTP Error 404: File not found)");
}

TEST(YtDlpErrors, OtherFailuresQuoteTheLastLine) {
    EXPECT_EQ(failure("\x1b[0;31mERROR:\x1b[0m [fancy] 1: Unable to extract video data\n").message,
              "yt-dlp failed (exit 1) for " + kUrl + ": [fancy] 1: Unable to extract video data");
    EXPECT_EQ(ytdlp_run_error(exited(2,
                                     "Usage: yt-dlp [OPTIONS] URL [URL...]\n\nyt-dlp: error: no such option: "
                                     "--bogus\n"),
                              run())
                  .message,
              "yt-dlp failed (exit 2) for " + kUrl + ": yt-dlp: error: no such option: --bogus");
    EXPECT_EQ(ytdlp_run_error(exited(1, ""), run()).message,
              "yt-dlp failed (exit 1) for " + kUrl + " without saying why");
}

TEST(YtDlpErrors, LastErrorLine) {
    EXPECT_EQ(ytdlp_last_error_line("ERROR: first\nnoise\nERROR: second\nmore noise\n"), "second");
    EXPECT_EQ(ytdlp_last_error_line("just a line\n\n"), "just a line");
    EXPECT_EQ(ytdlp_last_error_line(""), "");
    const std::string long_line = "ERROR: " + std::string(400, 'a');
    EXPECT_EQ(ytdlp_last_error_line(long_line), std::string(300, 'a') + "...");
    EXPECT_EQ(ytdlp_last_error_line("ERROR: bell\x07 and\r return"), "bell and return");
}

}  // namespace
}  // namespace arina::extract
