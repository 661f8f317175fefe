// Failures that are not worth waiting for end quickly and say what the server did; an error page
// answering for a file is never taken for the file. Timed tests run with the default back-off
// (--retry-sleep exp=1:30), as a user would: the ceilings are generous for a loaded machine, and
// far below what a full retry budget costs (minutes).

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "download_fixture.hpp"
#include "fixtures/stream_media.hpp"
#include "store/resume_file.hpp"

namespace arina::test {
namespace {

using Clock = std::chrono::steady_clock;

struct Timed {
    RunResult run;
    double seconds = 0;
};

class FailFastTest : public DownloadTest {
  protected:
    /// arina with the default retry timing (no quick back-off from the fixture).
    Timed timed(std::vector<std::string> args) {
        std::vector<std::string> argv{ARINA_BIN, "-P", dir.path().string()};
        argv.insert(argv.end(), args.begin(), args.end());
        const auto started = Clock::now();
        Timed t;
        t.run = run_program(argv, 300);
        t.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        return t;
    }

    static bool has(const RunResult& r, const std::string& text) {
        return r.output.find(text) != std::string::npos;
    }
};

// A loopback port nobody listens on: bound, then closed.
int closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// ------------------------------------------------------------------ persistent: fast

TEST_F(FailFastTest, NameNotFoundEndsWithinFiveSeconds) {
    const auto t = timed({"http://nonexistent.invalid/x"});
    EXPECT_EQ(t.run.exit_code, 3) << t.run.output;
    EXPECT_TRUE(
        has(t.run, "arina: error: http://nonexistent.invalid/x: Could not resolve host: nonexistent.invalid"))
        << t.run.output;
    EXPECT_TRUE(has(t.run, "(gave up after 3 attempts)")) << t.run.output;
    EXPECT_LT(t.seconds, 5.0);
    EXPECT_FALSE(exists("x.part"));
}

TEST_F(FailFastTest, RefusedConnectionEndsWithinFiveSeconds) {
    const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/file.bin";
    const auto t = timed({url});
    EXPECT_EQ(t.run.exit_code, 3) << t.run.output;
    EXPECT_TRUE(has(t.run, "arina: error: " + url + ": Failed to connect")) << t.run.output;
    EXPECT_TRUE(has(t.run, "(Connection refused) (gave up after 3 attempts)")) << t.run.output;
    EXPECT_LT(t.seconds, 5.0);
}

TEST_F(FailFastTest, PermanentClientErrorsEndAtOnce) {
    for (const int status : {403, 404, 410, 451}) {
        const std::string path = "/denied" + std::to_string(status) + ".bin";
        server.serve_bytes(path, random_bytes(1000, 40), {.error_status = status});
        const auto t = timed({server.url(path)});
        EXPECT_EQ(t.run.exit_code, 5) << t.run.output;
        EXPECT_TRUE(has(t.run, "arina: error: " + server.url(path) + ": server answered HTTP " +
                                   std::to_string(status) + "\n"))
            << t.run.output;
        EXPECT_EQ(server.requests_for(path).size(), 1u) << status;
        EXPECT_LT(t.seconds, 10.0);
    }
}

// Each of these answers breaks HTTP the same way every time: two quick retries, then exit 7 naming
// what the server sent.
TEST_F(FailFastTest, RepeatedProtocolViolationsEndWithinTenSeconds) {
    struct Case {
        std::string name;
        testing::Faults faults;
        std::string says;
    };
    const auto body = random_bytes(300000, 41);
    const std::vector<Case> cases{
        {"two-lengths",
         {.extra_header_lines = {"Content-Length: 5"}},
         "server sent two different Content-Lengths"},
        {"negative-length",
         {.content_length_text = "-5"},
         "server sent an invalid Content-Length (negative, or not a number)"},
        {"length-and-chunked",
         {.no_content_length = true, .extra_header_lines = {"Content-Length: 300000"}},
         "server sent both Content-Length and Transfer-Encoding: chunked"},
        {"short-body", {.content_length_delta = 100}, "Content-Length 131172 does not match bytes 0-131071"},
    };
    for (const auto& c : cases) {
        const std::string path = "/" + c.name + ".bin";
        server.serve_bytes(path, body, c.faults);
        const auto t = timed({server.url(path)});
        EXPECT_EQ(t.run.exit_code, 7) << c.name << "\n" << t.run.output;
        EXPECT_TRUE(has(t.run, "arina: error: " + server.url(path) + ": ")) << c.name << "\n" << t.run.output;
        EXPECT_TRUE(has(t.run, c.says)) << c.name << "\n" << t.run.output;
        EXPECT_TRUE(has(t.run, "(gave up after 3 attempts)")) << c.name << "\n" << t.run.output;
        EXPECT_LE(server.requests_for(path).size(), 3u) << c.name;
        EXPECT_LT(t.seconds, 10.0) << c.name;
        EXPECT_FALSE(exists(c.name + ".bin")) << c.name;
    }
}

// A body that ends at the same byte every time: the server says what it did (exit 7, not a network
// failure). A cut is transient until it repeats: one ordinary back-off, then two quick retries.
TEST_F(FailFastTest, BodyAlwaysShorterThanItsLengthEndsWithinTenSeconds) {
    server.serve_bytes("/short.bin", random_bytes(300000, 42),
                       {.ignore_range = true, .content_length_delta = 100});
    const auto t = timed({server.url("/short.bin")});
    EXPECT_EQ(t.run.exit_code, 7) << t.run.output;
    EXPECT_TRUE(
        has(t.run, "arina: error: " + server.url("/short.bin") +
                       ": server sent 300000 of the 300100 bytes its Content-Length announced, then "
                       "closed the connection, at the same byte every time (gave up after 4 attempts)"))
        << t.run.output;
    EXPECT_EQ(server.requests_for("/short.bin").size(), 4u);
    EXPECT_LT(t.seconds, 10.0);
    EXPECT_FALSE(exists("short.bin"));
}

// A change of strategy where one exists: range answers that cannot be placed, then one plain stream.
TEST_F(FailFastTest, RangeAnswersWithoutContentRangeFallBackToOnePlainStream) {
    const auto body = random_bytes(700000, 43);
    server.serve_bytes("/norange.bin", body, {.no_content_range = true});
    const auto t = timed({"-v", "--http-chunk-size", "256K", server.url("/norange.bin")});
    ASSERT_EQ(t.run.exit_code, 0) << t.run.output;
    EXPECT_EQ(file_sha("norange.bin"), sha256_hex(body));
    EXPECT_TRUE(
        has(t.run, "answered 206 Partial Content without a Content-Range; downloading as one plain stream"))
        << t.run.output;
    const auto requests = server.requests_for("/norange.bin");
    ASSERT_LE(requests.size(), 5u);
    EXPECT_EQ(requests.back().range_header, "");
    EXPECT_LT(t.seconds, 10.0);
}

// A Content-Range that starts before the asked offset, on every range after an honest first answer:
// the ranges cannot be placed, so the file comes once more as one plain stream, right and quick.
TEST_F(FailFastTest, ContentRangeBeforeTheAskedOffsetEndsInOnePlainStream) {
    const auto body = random_bytes(700000, 47);
    server.serve_bytes("/early.bin", body, {.content_range_shift = -10, .lie_after_requests = 1});
    const auto t = timed({"-v", "-N", "1", "--http-chunk-size", "256K", server.url("/early.bin")});
    ASSERT_EQ(t.run.exit_code, 0) << t.run.output;
    EXPECT_EQ(file_sha("early.bin"), sha256_hex(body));
    // The first range answer names 10 bytes the probe brought: they differ, the header lies.
    EXPECT_TRUE(
        has(t.run, server.url("/early.bin") +
                       ": Content-Range 'bytes 131062-393205/700000' for the requested bytes "
                       "131072-393215 brought bytes that differ from those already on disk (at byte "
                       "131062); the server's Content-Range cannot be trusted; downloading as one plain "
                       "stream without ranges"))
        << t.run.output;
    const auto requests = server.requests_for("/early.bin");
    std::string log;
    for (const auto& q : requests) log += q.range_header + " " + std::to_string(q.status) + "\n";
    // The probe, the first range piece (no retry: its bytes contradict the disk), the plain stream.
    ASSERT_EQ(requests.size(), 3u) << log;
    EXPECT_EQ(requests.back().range_header, "") << log;
    EXPECT_LT(t.seconds, 10.0);
}

// A stream fragment that is 404 on every try: the playlist is fetched once more (a signed URL may
// have expired), then two quick retries, and the command ends with exit 12 naming the fragment.
TEST_F(FailFastTest, StreamFragmentMissingOnEveryTryEndsWithinTenSeconds) {
    namespace media_fx = stream_media;
    ASSERT_TRUE(media_fx::hls_ts(media_fx::source_ts(dir.path()), dir / "www/hls"));
    server.serve_directory("/hls", dir / "www/hls");
    server.set_faults("/hls/seg3.ts", {.error_status = 404});
    const auto t = timed({server.url("/hls/index.m3u8")});
    EXPECT_EQ(t.run.exit_code, 12) << t.run.output;
    EXPECT_TRUE(has(t.run, "arina: error: fragment 4 of 8 (" + server.url("/hls/seg3.ts") +
                               "): server answered HTTP 404 (gave up after 3 attempts)"))
        << t.run.output;
    EXPECT_EQ(server.requests_for("/hls/seg3.ts").size(), 3u);
    EXPECT_EQ(server.requests_for("/hls/index.m3u8").size(), 2u);
    EXPECT_LT(t.seconds, 10.0);
    EXPECT_FALSE(exists("index.mp4"));
}

// ------------------------------------------------------------------ transient: still patient

TEST_F(FailFastTest, ConnectionsCutAtDifferentPlacesKeepTheirFullBudget) {
    const auto body = random_bytes(400000, 44);
    // Every request is cut after 30000 bytes: each retry gets further, so it is never "the same again".
    server.serve_bytes("/cut.bin", body, {.drop_after_bytes = 30000, .drop_first_requests = 8});
    const auto r = arina({"-N", "1", "--http-chunk-size", "128K", server.url("/cut.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("cut.bin"), sha256_hex(body));
}

// ------------------------------------------------------------------ URLs

TEST_F(FailFastTest, ArgumentsThatAreNotUrlsAreUsageErrors) {
    const auto started = Clock::now();
    auto r = arina({"notaurl"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r, "arina: 'notaurl' is not a URL (expected http://... or https://...)")) << r.output;
    r = arina({server.url("/a.bin"), "ftp://example.com/file"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r, "arina: 'ftp://example.com/file': unsupported scheme 'ftp' (only http and https)"))
        << r.output;
    r = arina({"http:///path"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r, "arina: 'http:///path' is not a URL: no host after http://")) << r.output;
    EXPECT_LT(std::chrono::duration<double>(Clock::now() - started).count(), 10.0);
    EXPECT_TRUE(server.requests().empty());  // nothing started
}

// ------------------------------------------------------------------ error pages

// A download whose first answers were 206 ranges of the file, then a 200 text/html page (a session
// that expired): the page is a failed attempt, the .part and its progress stay for a resume.
TEST_F(FailFastTest, ErrorPageAfterRangesIsNeverTheFile) {
    const auto body = random_bytes(1024 * 1024, 45);
    server.serve_bytes("/movie.bin", body, {.page_after_requests = 2});
    const auto r = arina({"-N", "1", "--http-chunk-size", "256K", server.url("/movie.bin")});
    EXPECT_EQ(r.exit_code, 7) << r.output;
    EXPECT_TRUE(
        has(r, "arina: error: " + server.url("/movie.bin") +
                   ": server answered HTTP 200 with text/html instead of application/octet-stream for "
                   "bytes "))
        << r.output;
    EXPECT_TRUE(has(r, "; not taken for the file (gave up after 3 attempts)")) << r.output;
    EXPECT_FALSE(exists("movie.bin"));
    ASSERT_TRUE(exists("movie.bin.part"));
    ASSERT_TRUE(server.wait_until_idle());
    std::int64_t ranged = 0;
    for (const auto& q : server.requests_for("/movie.bin"))
        if (q.status == 206) ranged += q.body_bytes_sent;
    EXPECT_EQ(count_status("/movie.bin", 206), 2);
    auto state = store::load_resume_state(store::resume_path_for(dir / "movie.bin.part"));
    ASSERT_TRUE(std::holds_alternative<store::ResumeState>(state));
    EXPECT_EQ(std::get<store::ResumeState>(state).done.total(), ranged);

    // The session is back: the rerun fetches only what is missing.
    server.set_faults("/movie.bin", {});
    server.clear_log();
    const auto again = arina({"-N", "1", "--http-chunk-size", "256K", server.url("/movie.bin")});
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_EQ(file_sha("movie.bin"), sha256_hex(body));
    ASSERT_TRUE(server.wait_until_idle());
    EXPECT_EQ(server.body_bytes_sent("/movie.bin"), static_cast<std::int64_t>(body.size()) - ranged);
}

// A "new version" absurdly smaller than the file (a short error text served with the file's type)
// is not taken for a changed file either.
TEST_F(FailFastTest, AbsurdlySmallReplacementIsNotARestart) {
    const auto body = random_bytes(600000, 46);
    server.serve_bytes("/doc.bin", body, {.replacement_body = "Access denied.", .replace_after_requests = 1});
    const auto r = arina({"-N", "1", "--http-chunk-size", "256K", server.url("/doc.bin")});
    EXPECT_EQ(r.exit_code, 7) << r.output;
    EXPECT_TRUE(has(r,
                    "server answered HTTP 200 with application/octet-stream of 14 bytes instead of a file of "
                    "600000 bytes for bytes "))
        << r.output;
    EXPECT_FALSE(exists("doc.bin"));
    EXPECT_TRUE(exists("doc.bin.part"));
}

}  // namespace
}  // namespace arina::test
