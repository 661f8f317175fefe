// The pure parts of the loopback test server (tests/server): ranges, request heads, paths,
// pacing and shared rates, checked without sockets.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "server/byte_range.hpp"
#include "server/http_request.hpp"
#include "server/pacer.hpp"
#include "server/response_plan.hpp"
#include "server/shared_rate.hpp"
#include "server/test_server.hpp"
#include "server/url_path.hpp"

namespace arina {
namespace {

using testing::Faults;

TEST(TestServerParts, RangeHeaderResolvesAgainstTheSize) {
    using testing::parse_range;
    using testing::RangeKind;
    const auto single = parse_range("bytes=10-19", 100);
    EXPECT_EQ(single.kind, RangeKind::single);
    EXPECT_EQ(single.range.first, 10);
    EXPECT_EQ(single.range.last, 19);
    EXPECT_EQ(parse_range("bytes=90-", 100).range.length(), 10);
    EXPECT_EQ(parse_range("bytes=-500", 100).range.first, 0);
    EXPECT_EQ(parse_range(" Bytes = 5-5 ", 100).kind, RangeKind::single);
    EXPECT_EQ(parse_range("", 100).kind, RangeKind::absent);
    EXPECT_EQ(parse_range("bytes=100-", 100).kind, RangeKind::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=-0", 100).kind, RangeKind::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=0-", 0).kind, RangeKind::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=0-1,5-6", 100).kind, RangeKind::multiple);
    EXPECT_EQ(parse_range("bytes=0-1,500-600", 100).kind, RangeKind::single);
    for (const char* bad : {"bytes=5-2", "bytes=a-b", "items=0-1", "bytes=", "bytes=-", "bytes=0-1x"})
        EXPECT_EQ(parse_range(bad, 100).kind, RangeKind::ignored) << bad;
}

TEST(TestServerParts, RequestHeadsParseAndRejectGarbage) {
    const std::string head =
        "GET /a/b.ts?x=1 HTTP/1.1\r\nHost: h\r\nCookie: a=1\r\ncookie: b=2\r\n"
        "X-Long:   padded  \r\nConnection: Keep-Alive, Close\r\n\r\n";
    EXPECT_EQ(testing::find_head_end(head), head.size());
    EXPECT_EQ(testing::find_head_end("GET / HTTP/1.1\r\nHost: h\r\n"), 0u);
    EXPECT_EQ(testing::find_head_end("GET / HTTP/1.0\n\nrest"), 16u);
    const auto parsed = testing::parse_request_head(head);
    ASSERT_TRUE(parsed.request);
    const auto& r = *parsed.request;
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.target, "/a/b.ts?x=1");
    EXPECT_EQ(r.path, "/a/b.ts");
    EXPECT_EQ(r.header("cookie"), "a=1; b=2");
    EXPECT_EQ(r.header("x-long"), "padded");
    EXPECT_FALSE(r.keep_alive);
    EXPECT_FALSE(testing::parse_request_head("GET / HTTP/1.0\r\n\r\n").request->keep_alive);
    EXPECT_EQ(testing::parse_request_head("GET http://h:1/p?q HTTP/1.1\r\n\r\n").request->path, "/p");
    for (const char* bad : {"GET /\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\n folded\r\n\r\n",
                            "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n",
                            "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                            "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "GET relative HTTP/1.1\r\n\r\n"})
        EXPECT_FALSE(testing::parse_request_head(bad).request) << bad;
    EXPECT_EQ(testing::parse_request_head("GET / HTTP/3.0\r\n\r\n").error_status, 505);
}

TEST(TestServerParts, DirectoryPathsCannotEscape) {
    EXPECT_EQ(testing::relative_file_path("a/b%20c.ts"), std::filesystem::path("a/b c.ts"));
    EXPECT_EQ(testing::relative_file_path("a//./b"), std::filesystem::path("a/b"));
    EXPECT_EQ(testing::relative_file_path(""), std::filesystem::path());
    for (const char* bad : {"../x", "a/../../x", "%2e%2e/x", "a%2fb", "a%00", "bad%zz", "trunc%2"})
        EXPECT_FALSE(testing::relative_file_path(bad)) << bad;
}

TEST(TestServerParts, PacerSpacesSlicesByTheRate) {
    const auto start = testing::Pacer::Clock::now();
    testing::Pacer pacer(1'000'000, start);
    EXPECT_EQ(pacer.slice_bytes(), 16u * 1024);
    EXPECT_EQ(pacer.due(500'000) - start, std::chrono::milliseconds(500));
    // A client that stopped reading for a second gets at most kMaxLag of catch-up burst.
    pacer.forgive_lag(100'000, start + std::chrono::milliseconds(1100));
    EXPECT_EQ(pacer.due(100'000), start + std::chrono::milliseconds(1100) - testing::Pacer::kMaxLag);
    EXPECT_EQ(testing::Pacer(100, start).slice_bytes(), 512u);
    EXPECT_FALSE(testing::Pacer(0, start).limited());
}

TEST(TestServerParts, ConnectionRateSlowsEveryKthConnection) {
    Faults f;
    f.rate_bytes_per_sec = 4000;
    EXPECT_EQ(testing::connection_rate(f, 4), 4000);  // knob off
    f.slow_every_connections = 4;
    f.slow_connection_rate_bytes_per_sec = 400;
    for (int id : {1, 2, 3, 5, 7}) EXPECT_EQ(testing::connection_rate(f, id), 4000) << id;
    for (int id : {4, 8, 12}) EXPECT_EQ(testing::connection_rate(f, id), 400) << id;
}

TEST(TestServerParts, SharedRateQueuesReservationsAndSavesNoIdleTime) {
    const auto t0 = testing::SharedRate::Clock::now();
    testing::SharedRate rate(1'000'000);
    EXPECT_EQ(rate.slice_bytes(), 5000u);
    EXPECT_EQ(rate.reserve(10'000, t0), t0);
    // Booked at the same moment by another connection: after the first, 10 ms later.
    EXPECT_EQ(rate.reserve(10'000, t0), t0 + std::chrono::milliseconds(10));
    EXPECT_EQ(rate.reserve(5'000, t0 + std::chrono::milliseconds(5)), t0 + std::chrono::milliseconds(20));
    // After an idle spell the next slice goes at once, with no credit for the idle time.
    const auto later = t0 + std::chrono::seconds(1);
    EXPECT_EQ(rate.reserve(10'000, later), later);
    EXPECT_EQ(rate.reserve(10'000, later), later + std::chrono::milliseconds(10));
    testing::SharedRate none(0);
    EXPECT_FALSE(none.limited());
    EXPECT_EQ(none.reserve(1 << 20, t0), t0);
}

}  // namespace
}  // namespace arina
