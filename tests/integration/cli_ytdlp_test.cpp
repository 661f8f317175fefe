// Pages whose media only yt-dlp knows, end to end through the `arina` command: the stand-in
// tests/fake_ytdlp/fake-yt-dlp prints the fixture the page URL names (tests/fixtures/ytdlp), its
// hosts pointed at a loopback server (FAKE_YTDLP_BASE_URL), whose media files ffmpeg made. Each
// test checks what a person gets: the file and its name, its streams and duration or its bytes,
// the headers the servers saw, the messages and exit codes of the failures.

#include <gmock/gmock.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>

#include "download_fixture.hpp"
#include "fixtures/stream_media.hpp"

namespace arina::test {
namespace {

namespace media_fx = stream_media;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

/// Sets an environment variable for the programs this test runs, restoring it afterwards.
class ScopedEnv {
  public:
    ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
        if (const char* old = ::getenv(name_.c_str())) old_ = old;
        ::setenv(name_.c_str(), value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (old_)
            ::setenv(name_.c_str(), old_->c_str(), 1);
        else
            ::unsetenv(name_.c_str());
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    std::string name_;
    std::optional<std::string> old_;
};

// A site's watch page: a player and no media a native extractor could find, so yt-dlp is asked.
constexpr const char* kPlayerPage =
    "<!doctype html><html><head><title>Watch</title></head><body><div id=\"player\"></div>"
    "<script src=\"/player.js\"></script></body></html>";

// Pads an MP4 with a trailing `free` box to exactly `size` bytes: the fixtures give yt-dlp's exact
// `filesize`, which a file made at test time must then have.
bool pad_mp4(const fs::path& file, std::int64_t size) {
    std::string bytes = read_file(file);
    const std::int64_t gap = size - static_cast<std::int64_t>(bytes.size());
    EXPECT_GE(gap, 8) << file << " is " << bytes.size() << " bytes, more than the fixture's " << size;
    if (gap < 8) return false;
    const auto n = static_cast<std::uint32_t>(gap);
    bytes += std::string{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                         static_cast<char>(n)};
    bytes += "free";
    bytes += std::string(static_cast<std::size_t>(gap - 8), '\0');
    write_file(file, bytes);
    return true;
}

class CliYtDlp : public DownloadTest {
  protected:
    TempDir www;  // what the servers serve (the output directory holds only downloads)
    ScopedEnv base_url{"FAKE_YTDLP_BASE_URL", server.base_url()};

    void SetUp() override {
        testing::Faults html;
        html.content_type = "text/html; charset=utf-8";
        for (const char* path : {"/watch", "/video/9f8e7d", "/video.okhvkfd3b27/example_clip", "/playlist"})
            server.serve_bytes(path, kPlayerPage, html);
    }

    RunResult run(std::vector<std::string> args, double timeout_seconds = 120) {
        args.insert(args.begin(), {"--yt-dlp", ARINA_FAKE_YTDLP});
        return arina(std::move(args), timeout_seconds);
    }

    std::vector<std::string> files() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(dir.path()))
            names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

    // The 8 s clip as classic HLS in www/NAME: index.m3u8 + seg0.ts ... seg7.ts.
    fs::path hls(const std::string& name) {
        const fs::path out = www / name;
        EXPECT_TRUE(media_fx::hls_ts(media_fx::source_ts(www.path()), out));
        return out;
    }

    // Every request for `path` answered 200, and how many there were.
    int ok_requests(const testing::TestServer& on, const std::string& path) const {
        int n = 0;
        for (const auto& r : on.requests_for(path)) n += r.status == 200 || r.status == 206;
        return n;
    }
};

// --- 1. YouTube-like: separate video and audio -------------------------------------------------

TEST_F(CliYtDlp, DashVideoAndAudioFilesWithSizesBecomeOneMp4NamedByTitleAndId) {
    const fs::path video = www / "video.mp4";
    const fs::path audio = www / "audio.m4a";
    ASSERT_TRUE(media_fx::ffmpeg(
        media_fx::concat({media_fx::source(true, false, 4),
                          {"-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof+global_sidx",
                           video.string()}})));
    ASSERT_TRUE(
        media_fx::ffmpeg(media_fx::concat({media_fx::source(false, true, 4),
                                           {"-frag_duration", "1000000", "-f", "mp4", "-movflags",
                                            "empty_moov+default_base_moof+global_sidx", audio.string()}})));
    // The sizes e2e_dash_files.json gives as `filesize`.
    ASSERT_TRUE(pad_mp4(video, 524288));
    ASSERT_TRUE(pad_mp4(audio, 65536));
    server.serve_file("/videoplayback/video", video);
    server.serve_file("/videoplayback/audio", audio);

    const auto r = run({server.url("/watch?v=e2eFiles001&fixture=e2e_dash_files")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string name = "Loopback Bunny [e2eFiles001].mp4";
    ASSERT_EQ(files(), std::vector<std::string>{name}) << r.output;
    const auto s = media_fx::summarize(dir / name);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    EXPECT_NEAR(s.duration, 4.0, 0.3);
    // Both files fetched in byte ranges (their sizes known), each byte once.
    ASSERT_TRUE(server.wait_until_idle());
    EXPECT_EQ(server.body_bytes_sent("/videoplayback/video"), 524288);
    EXPECT_EQ(server.body_bytes_sent("/videoplayback/audio"), 65536);
    for (const auto& req : server.requests_for("/videoplayback/video"))
        EXPECT_THAT(req.range_header, HasSubstr("bytes=")) << req.target;
}

TEST_F(CliYtDlp, DashSegmentFragmentsBecomeOneMp4AndEachFragmentIsFetchedOnce) {
    const fs::path dash = www / "dash";
    fs::create_directories(dash);
    ASSERT_TRUE(media_fx::ffmpeg(
        media_fx::concat({media_fx::source(true, true, 4),
                          {"-map", "0", "-map", "1", "-f", "dash", "-seg_duration", "1", "-use_template", "1",
                           "-use_timeline", "0", (dash / "manifest.mpd").string()}})));
    // e2e_dash_fragments.json lists init + 4 video and init + 5 audio fragments, as ffmpeg cuts them.
    ASSERT_TRUE(fs::exists(dash / "chunk-stream0-00004.m4s"));
    ASSERT_FALSE(fs::exists(dash / "chunk-stream0-00005.m4s"));
    ASSERT_TRUE(fs::exists(dash / "chunk-stream1-00005.m4s"));
    ASSERT_FALSE(fs::exists(dash / "chunk-stream1-00006.m4s"));
    server.serve_directory("/videoplayback/id/e2eSegs0002/itag/134", dash);
    server.serve_directory("/videoplayback/id/e2eSegs0002/itag/140", dash);

    const auto r = run({server.url("/watch?v=e2eSegs0002&fixture=e2e_dash_fragments")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string name = "Loopback Bunny Segments [e2eSegs0002].mp4";
    ASSERT_EQ(files(), std::vector<std::string>{name}) << r.output;
    const auto s = media_fx::summarize(dir / name);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    EXPECT_NEAR(s.duration, 4.0, 0.3);
    const std::string v = "/videoplayback/id/e2eSegs0002/itag/134/";
    const std::string a = "/videoplayback/id/e2eSegs0002/itag/140/";
    EXPECT_EQ(ok_requests(server, v + "init-stream0.m4s"), 1);
    EXPECT_EQ(ok_requests(server, a + "init-stream1.m4s"), 1);
    for (int i = 1; i <= 4; ++i)
        EXPECT_EQ(ok_requests(server, v + "chunk-stream0-0000" + std::to_string(i) + ".m4s"), 1) << i;
    for (int i = 1; i <= 5; ++i)
        EXPECT_EQ(ok_requests(server, a + "chunk-stream1-0000" + std::to_string(i) + ".m4s"), 1) << i;
    // Only the chosen streams' files: the video's fragments never asked under the audio's path.
    EXPECT_TRUE(server.requests_for(a + "chunk-stream0-00001.m4s").empty());
}

// --- 2. Per-format request headers, and only to that format's origins ---------------------------

// The formats live on a CDN (a second server, another origin than the page's); the last segment of
// the chosen one comes from the page's origin, where the format's headers must not go.
class CliYtDlpHeaders : public CliYtDlp {
  protected:
    testing::TestServer cdn;
    ScopedEnv to_cdn{"FAKE_YTDLP_BASE_URL", cdn.base_url()};
    std::vector<std::string> cdn_paths;  // the chosen format's playlist and its segments on the CDN

    void download() {
        const fs::path hd = hls("1080p");
        std::string playlist = read_file(hd / "index.m3u8");
        const auto last = playlist.rfind("seg7.ts");
        ASSERT_NE(last, std::string::npos) << playlist;
        playlist.replace(last, 7, server.url("/elsewhere/seg7.ts"));
        write_file(hd / "index.m3u8", playlist);
        cdn.serve_directory("/hls/9f8e7d/1080p", hd);
        server.serve_directory("/elsewhere", hd);

        const auto r = run({server.url("/video/9f8e7d?fixture=hls_site")});
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const std::string name = "Sunset over the harbour [9f8e7d].mp4";
        ASSERT_EQ(files(), std::vector<std::string>{name}) << r.output;
        const auto s = media_fx::summarize(dir / name);
        EXPECT_EQ(s.video, 1);
        EXPECT_EQ(s.audio, 1);
        EXPECT_NEAR(s.duration, media_fx::kClipSeconds, 0.5);
        // hls_site.json's best format is hls-5384: the others were never fetched.
        EXPECT_TRUE(cdn.requests_for("/hls/9f8e7d/240p/index.m3u8").empty());
        cdn_paths = {"/hls/9f8e7d/1080p/index.m3u8"};
        for (int i = 0; i < 7; ++i) cdn_paths.push_back("/hls/9f8e7d/1080p/seg" + std::to_string(i) + ".ts");
        for (const auto& path : cdn_paths) ASSERT_EQ(ok_requests(cdn, path), 1) << path;
        ASSERT_EQ(ok_requests(server, "/elsewhere/seg7.ts"), 1);
    }
    static std::string header(const testing::RequestRecord& r, const std::string& name) {
        return r.headers.count(name) ? r.headers.at(name) : "";
    }
};

TEST_F(CliYtDlpHeaders, TheFormatsHeadersReachItsPlaylistAndSegmentsButNotThePagesOrigin) {
    ASSERT_NO_FATAL_FAILURE(download());
    // hls-5384's http_headers, hosts rewritten to the CDN.
    for (const auto& path : cdn_paths) {
        for (const auto& req : cdn.requests_for(path)) {
            EXPECT_THAT(header(req, "x-playback-session-id"), HasSubstr("session-1080")) << path;
            EXPECT_THAT(header(req, "referer"), HasSubstr(cdn.url("/video/9f8e7d"))) << path;
            EXPECT_THAT(header(req, "origin"), HasSubstr(cdn.base_url())) << path;
        }
    }
    // The page's origin: neither the segment served there nor the page itself got any of them.
    for (const std::string path : {"/elsewhere/seg7.ts", "/video/9f8e7d"}) {
        const auto seen = server.requests_for(path);
        ASSERT_FALSE(seen.empty()) << path;
        for (const auto& req : seen) {
            EXPECT_EQ(header(req, "x-playback-session-id"), "") << path;
            EXPECT_EQ(header(req, "origin"), "") << path;
            EXPECT_THAT(header(req, "referer"), ::testing::Not(HasSubstr("/video/9f8e7d"))) << path;
        }
    }
}

TEST_F(CliYtDlpHeaders, OnlyTheChosenFormatsHeadersAreSentEachOnce) {
    ASSERT_NO_FATAL_FAILURE(download());
    for (const auto& path : cdn_paths) {
        for (const auto& req : cdn.requests_for(path)) {
            EXPECT_EQ(header(req, "x-playback-session-id"), "session-1080") << path;
            EXPECT_EQ(header(req, "referer"), cdn.url("/video/9f8e7d")) << path;
            EXPECT_EQ(header(req, "origin"), cdn.base_url()) << path;
        }
    }
}

// --- 3. XVideos-like: plain mp4 files beside HLS ----------------------------------------------

class CliYtDlpMix : public CliYtDlp {
  protected:
    const std::string page = "/video.okhvkfd3b27/example_clip?fixture=xvideos_mix";
    const std::string name = "Example clip title [80000001].mp4";
};

TEST_F(CliYtDlpMix, TheMp4FormatIsDownloadedByteForByte) {
    const fs::path mp4 = www / "low.mp4";
    ASSERT_TRUE(media_fx::ffmpeg(
        media_fx::concat({media_fx::source(true, true, 2), {"-movflags", "+faststart", mp4.string()}})));
    const std::string path = "/3f1a2b/videos/3gp/a/b/c/xvideos.com_abcdef123.mp4";
    server.serve_file(path, mp4);

    const auto r = run({"-f", "mp4-low", server.url(page)});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_EQ(files(), std::vector<std::string>{name}) << r.output;
    EXPECT_EQ(file_sha(name), sha256_file_hex(mp4).value_or("?"));
    // With the Referer yt-dlp gave for the format (sent more than once: see the skipped
    // CliYtDlpHeaders.OnlyTheChosenFormatsHeadersAreSentEachOnce).
    for (const auto& req : server.requests_for(path))
        EXPECT_THAT(req.headers.count("referer") ? req.headers.at("referer") : "",
                    HasSubstr(server.url("/video.okhvkfd3b27/example_clip")));
    EXPECT_TRUE(server.requests_for("/3f1a2b/videos/mp4/a/b/c/xvideos.com_abcdef123.mp4").empty());
}

TEST_F(CliYtDlpMix, TheHlsFormatIsDownloadedAsAStream) {
    const fs::path hd = hls("hls");
    fs::rename(hd / "index.m3u8", hd / "hls-360p-8c3a1.m3u8");
    server.serve_directory("/3f1a2b/videos/hls/ab/cd/ef/abcdef123", hd);

    const auto r = run({"-f", "hls-360p", server.url(page)});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_EQ(files(), std::vector<std::string>{name}) << r.output;
    const auto s = media_fx::summarize(dir / name);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    EXPECT_NEAR(s.duration, media_fx::kClipSeconds, 0.5);
    const std::string base = "/3f1a2b/videos/hls/ab/cd/ef/abcdef123/";
    EXPECT_EQ(ok_requests(server, base + "hls-360p-8c3a1.m3u8"), 1);
    for (int i = 0; i < media_fx::kClipSeconds; ++i)
        EXPECT_EQ(ok_requests(server, base + "seg" + std::to_string(i) + ".ts"), 1) << i;
    EXPECT_TRUE(server.requests_for(base + "hls-720p-8c3a1.m3u8").empty());
}

// --- 4. A flat playlist: one task and one file per entry -----------------------------------------

TEST_F(CliYtDlp, APlaylistQueuesEachEntryAsATaskOfItsOwnNamedByItsIndex) {
    // Entry i is an i-second clip: its duration tells which file went where.
    for (int i = 1; i <= 3; ++i) {
        const fs::path mp4 = www / ("part" + std::to_string(i) + ".mp4");
        ASSERT_TRUE(media_fx::ffmpeg(
            media_fx::concat({media_fx::source(true, true, i), {"-movflags", "+faststart", mp4.string()}})));
        server.serve_file("/entries/part" + std::to_string(i) + ".mp4", mp4);
    }
    const std::string url = server.url("/playlist?list=PLe2eLoopback&fixture=e2e_playlist");
    const auto r = run({"-o", "%(playlist_index)s - %(title)s [%(id)s].%(ext)s", url});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr(url + ": playlist, 3 entries queued\n"));
    EXPECT_THAT(r.output, HasSubstr("3 completed, 0 failed"));
    const std::vector<std::string> names{"1 - Part 1 [e2eEntry001].mp4", "2 - Part 2 [e2eEntry002].mp4",
                                         "3 - Part 3 [e2eEntry003].mp4"};
    ASSERT_EQ(files(), names) << r.output;
    for (int i = 1; i <= 3; ++i) {
        const auto s = media_fx::summarize(dir / names[static_cast<std::size_t>(i - 1)]);
        EXPECT_EQ(s.video, 1) << i;
        EXPECT_EQ(s.audio, 1) << i;
        EXPECT_NEAR(s.duration, i, 0.3) << i;
        EXPECT_GE(ok_requests(server, "/entries/part" + std::to_string(i) + ".mp4"), 1) << i;
    }
    // The playlist page, then each entry's own page: four extractions.
    EXPECT_GE(server.requests_for("/playlist").size(), 1u);
    EXPECT_GE(server.requests_for("/watch").size(), 3u);
}

TEST_F(CliYtDlp, PlaylistEntriesWithoutATemplateGetTheDefaultNames) {
    for (int i = 1; i <= 3; ++i) {
        const fs::path mp4 = www / ("part" + std::to_string(i) + ".mp4");
        ASSERT_TRUE(media_fx::ffmpeg(
            media_fx::concat({media_fx::source(true, true, 1), {"-movflags", "+faststart", mp4.string()}})));
        server.serve_file("/entries/part" + std::to_string(i) + ".mp4", mp4);
    }
    const auto r = run({server.url("/playlist?list=PLe2eLoopback&fixture=e2e_playlist")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(files(), (std::vector<std::string>{"Part 1 [e2eEntry001].mp4", "Part 2 [e2eEntry002].mp4",
                                                 "Part 3 [e2eEntry003].mp4"}))
        << r.output;
}

// --- 5. Failures, as the command reports them --------------------------------------------------

class CliYtDlpFailure : public CliYtDlp {
  protected:
    // A yt-dlp released today: no "N days old" hint is added to the messages.
    ScopedEnv version{"FAKE_YTDLP_VERSION", today()};
    static std::string today() {
        const std::time_t now = std::time(nullptr);
        std::tm utc{};
        ::gmtime_r(&now, &utc);
        char text[16];
        std::strftime(text, sizeof text, "%Y.%m.%d", &utc);
        return text;
    }
    void SetUp() override {
        CliYtDlp::SetUp();
        testing::Faults html;
        html.content_type = "text/html; charset=utf-8";
        for (const char* mode : {"crash", "timeout", "hang", "invalid-json", "unsupported", "private",
                                 "geo-blocked", "login-required"})
            server.serve_bytes(std::string("/watch/fake-") + mode, kPlayerPage, html);
    }
    // Runs arina on the page of one of fake-yt-dlp's failure modes.
    RunResult fails(const std::string& mode, std::vector<std::string> extra = {}) {
        extra.push_back(server.url("/watch/fake-" + mode));
        return run(extra, 60);
    }
    std::string url(const std::string& mode) const { return server.url("/watch/fake-" + mode); }
};

TEST_F(CliYtDlpFailure, YtDlpMissing) {
    const auto r = arina({"--yt-dlp", "/nonexistent/yt-dlp", url("private")});
    EXPECT_EQ(r.exit_code, 13) << r.output;
    EXPECT_THAT(r.output,
                HasSubstr("arina: error: yt-dlp not found: /nonexistent/yt-dlp does not exist, needed for " +
                          url("private") + "; install it (pipx install yt-dlp) or pass --yt-dlp PATH"));
    EXPECT_TRUE(files().empty());
}

TEST_F(CliYtDlpFailure, YtDlpCrashes) {
    const auto r = fails("crash");
    EXPECT_EQ(r.exit_code, 13) << r.output;
    EXPECT_THAT(r.output,
                HasSubstr("arina: error: yt-dlp crashed (signal 11, SIGSEGV) extracting " + url("crash")));
    EXPECT_TRUE(files().empty());
}

TEST_F(CliYtDlpFailure, YtDlpTimesOut) {
    const auto started = std::chrono::steady_clock::now();
    // --retries 0: a timed-out extraction is retryable, and each task retry runs yt-dlp again
    // (the default 10 retries make 11 runs, 22 s here).
    const auto r = fails("timeout", {"--yt-dlp-timeout", "2", "--retries", "0"});
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_THAT(r.output, HasSubstr("arina: error: yt-dlp timed out after 2 s extracting " + url("timeout")));
    EXPECT_LT(took, 10) << r.output;  // the sleeping child was killed, not waited for
    EXPECT_TRUE(files().empty());
}

/// Whether process `pid` is gone: no such process, or a zombie nobody has reaped yet (an orphan
/// waiting for a PID 1 that does not reap, as in some containers).
bool process_gone(pid_t pid) {
    if (::kill(pid, 0) != 0) return errno == ESRCH;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const auto paren = line.rfind(')');
    return !stat || paren == std::string::npos || line.substr(paren + 2, 1) == "Z";
}

// Killed with SIGKILL, Arina runs no destructor and cannot end yt-dlp itself: the kernel must
// (PR_SET_PDEATHSIG), or a stuck yt-dlp runs on for its whole timeout after Arina is gone.
TEST_F(CliYtDlpFailure, YtDlpDiesWhenArinaIsKilled) {
    const fs::path pid_file = www / "ytdlp.pid";
    ScopedEnv pid_env("FAKE_YTDLP_PID_FILE", pid_file.string());
    Child arina_process({ARINA_BIN, "-P", dir.path().string(), "--yt-dlp", ARINA_FAKE_YTDLP,
                         "--yt-dlp-timeout", "600", url("hang")},
                        www / "arina.log");
    // Bounded: the stand-in writes its PID within a second or two of Arina's start.
    const auto wait_until = [](const std::function<bool()>& done, std::chrono::seconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return done();
    };
    ASSERT_TRUE(wait_until([&] { return fs::exists(pid_file); }, std::chrono::seconds(30)))
        << read_file(www / "arina.log");
    const pid_t ytdlp = std::stoi(read_file(pid_file));
    ASSERT_GT(ytdlp, 1);
    ASSERT_FALSE(process_gone(ytdlp)) << "the stand-in should be sleeping";
    EXPECT_FALSE(arina_process.exited()) << read_file(www / "arina.log");

    arina_process.kill(SIGKILL);
    EXPECT_EQ(arina_process.wait(), 128 + SIGKILL);
    const bool gone = wait_until([&] { return process_gone(ytdlp); }, std::chrono::seconds(5));
    if (!gone) ::kill(ytdlp, SIGKILL);  // leave nothing behind when the test fails
    EXPECT_TRUE(gone) << "yt-dlp (pid " << ytdlp << ") outlived the SIGKILLed arina";
}

TEST_F(CliYtDlpFailure, YtDlpPrintsInvalidJson) {
    const auto r = fails("invalid-json");
    EXPECT_EQ(r.exit_code, 13) << r.output;
    EXPECT_THAT(r.output, HasSubstr("arina: error: yt-dlp printed invalid JSON for " + url("invalid-json") +
                                    " (at byte "));
    EXPECT_TRUE(files().empty());
}

TEST_F(CliYtDlpFailure, UnsupportedUrl) {
    const auto r = fails("unsupported");
    EXPECT_EQ(r.exit_code, 15) << r.output;
    EXPECT_THAT(r.output, HasSubstr("arina: error: no media found at URL: " + url("unsupported")));
    EXPECT_TRUE(files().empty());
}

TEST_F(CliYtDlpFailure, PrivateGeoBlockedAndLoginRequired) {
    const auto priv = fails("private");
    EXPECT_EQ(priv.exit_code, 13) << priv.output;
    EXPECT_THAT(priv.output,
                HasSubstr("arina: error: private video: " + url("private") +
                          " (yt-dlp: [youtube] abc123def45: Private video. Sign in if you've been "
                          "granted access to this video)\n"));
    const auto geo = fails("geo-blocked");
    EXPECT_EQ(geo.exit_code, 13) << geo.output;
    EXPECT_THAT(geo.output,
                HasSubstr("arina: error: video not available in your country: " + url("geo-blocked") +
                          " (yt-dlp: [youtube] abc123def45: Video unavailable. The uploader has not "
                          "made this video available in your country)\n"));
    const auto login = fails("login-required");
    EXPECT_EQ(login.exit_code, 13) << login.output;
    EXPECT_THAT(
        login.output,
        HasSubstr("arina: error: login required: " + url("login-required") +
                  " (yt-dlp: [vimeo] 76979871: This video is only available for registered users. Use "
                  "--cookies, --cookies-from-browser, --username and --password, --netrc-cmd, or --netrc "
                  "(vimeo) to provide account credentials); pass --cookies FILE or "
                  "--cookies-from-browser BROWSER\n"));
    EXPECT_TRUE(files().empty());
}

TEST_F(CliYtDlpFailure, AnOldYtDlpIsNamedWithTheFailure) {
    ScopedEnv old("FAKE_YTDLP_VERSION", "2023.03.04");
    const auto r = fails("private");
    EXPECT_EQ(r.exit_code, 13) << r.output;
    EXPECT_THAT(r.output, HasSubstr("this video) [yt-dlp 2023.03.04 is "));
    EXPECT_THAT(r.output,
                HasSubstr(" days old; sites change often: install a current one with `pipx install yt-dlp` "
                          "or `python3 -m pip install -U yt-dlp` and pass --yt-dlp PATH]\n"));
}

// --- 6. Signed segment URLs that expire mid-download --------------------------------------------

TEST_F(CliYtDlp, ExpiredSegmentSignaturesAreRenewedByExtractingAgain) {
    const fs::path low = hls("240p");
    server.serve_directory("/hls/9f8e7d/240p", low);
    // Each playlist fetch hands out a token good for 3 segment requests.
    server.sign_playlist("/hls/9f8e7d/240p/index.m3u8", 3);

    const auto r = run({"-f", "hls-464", "-N", "1", server.url("/video/9f8e7d?fixture=hls_site")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string name = "Sunset over the harbour [9f8e7d].mp4";
    ASSERT_EQ(files(), std::vector<std::string>{name}) << r.output;
    const auto s = media_fx::summarize(dir / name);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    EXPECT_NEAR(s.duration, media_fx::kClipSeconds, 0.5);
    // Every segment fetched whole exactly once: a finished one is never fetched again.
    int refused = 0;
    for (int i = 0; i < media_fx::kClipSeconds; ++i) {
        const std::string seg = "/hls/9f8e7d/240p/seg" + std::to_string(i) + ".ts";
        EXPECT_EQ(ok_requests(server, seg), 1) << seg;
        refused += count_status(seg, 403);
    }
    // 8 segments, 3 per token: 3 playlist fetches, each after the first from extracting again.
    const int playlist_fetches = ok_requests(server, "/hls/9f8e7d/240p/index.m3u8");
    EXPECT_EQ(playlist_fetches, 3) << r.output;
    EXPECT_EQ(refused, playlist_fetches - 1) << r.output;
    std::cerr << "playlist fetches " << playlist_fetches << ", segments refused " << refused
              << ", page requests " << server.requests_for("/video/9f8e7d").size() << "\n";
}

// --- 7. arina -F -----------------------------------------------------------------------------

// The line of the format table that starts with `id` ("" when none does).
std::string format_row(const std::string& output, const std::string& id) {
    const auto at = output.find("\n" + id + " ");
    if (at == std::string::npos) return "";
    return output.substr(at + 1, output.find('\n', at + 1) - at - 1);
}

TEST_F(CliYtDlp, ListFormatsShowsTheFixturesFormatIds) {
    const auto r = run({"-F", server.url("/video/9f8e7d?fixture=hls_site")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr("Sunset over the harbour [9f8e7d]\n"));
    for (const auto& [id, resolution] :
         std::vector<std::pair<std::string, std::string>>{{"hls-464", "426x240"},
                                                          {"hls-1262", "854x480"},
                                                          {"hls-2732", "1280x720"},
                                                          {"hls-5384", "1920x1080"}}) {
        const std::string row = format_row(r.output, id);
        EXPECT_THAT(row, HasSubstr(" video+audio ")) << id << "\n" << r.output;
        EXPECT_THAT(row, HasSubstr(" " + resolution + " ")) << id << "\n" << r.output;
    }
    EXPECT_TRUE(files().empty());
    // Nothing but the page was fetched: listing downloads no playlist or segment.
    for (const auto& req : server.requests()) EXPECT_EQ(req.path, "/video/9f8e7d") << req.target;
}

TEST_F(CliYtDlp, ListFormatsShowsSeparateVideoAndAudio) {
    const auto r = run({"-F", server.url("/watch?v=e2eFiles001&fixture=e2e_dash_files")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr("Loopback Bunny [e2eFiles001]\n"));
    EXPECT_THAT(format_row(r.output, "140"), HasSubstr(" audio  audio only ")) << r.output;
    EXPECT_THAT(format_row(r.output, "134"), HasSubstr(" video  320x240 ")) << r.output;
    EXPECT_TRUE(files().empty());
}

TEST_F(CliYtDlp, ListFormatsOfAPlaylistListsItsEntries) {
    const std::string url = server.url("/playlist?list=PLe2eLoopback&fixture=e2e_playlist");
    const auto r = run({"-F", url});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr(url + ": a playlist \"Loopback Course\" with 3 entries"));
    for (int i = 1; i <= 3; ++i)
        EXPECT_THAT(r.output, HasSubstr("   " + std::to_string(i) + "  " +
                                        server.url("/watch?v=e2eEntry00" + std::to_string(i) +
                                                   "&fixture=e2e_entry" + std::to_string(i)) +
                                        "  Part " + std::to_string(i) + "\n"));
    EXPECT_TRUE(files().empty());
}

}  // namespace
}  // namespace arina::test
