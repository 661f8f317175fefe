#include <gtest/gtest.h>

#include "net/rate_limiter.hpp"
#include "net/response_head.hpp"

namespace arina::net {
namespace {

TEST(ContentRange, ParsesTheForms) {
    EXPECT_EQ(parse_content_range("bytes 0-99/1000"), (ContentRange{0, 99, 1000}));
    EXPECT_EQ(parse_content_range("bytes 5-9/*"), (ContentRange{5, 9, -1}));
    EXPECT_EQ(parse_content_range("bytes */1000"), (ContentRange{-1, -1, 1000}));
    EXPECT_FALSE(parse_content_range("bytes 10-5/1000"));
    EXPECT_FALSE(parse_content_range("bytes 0-1000/1000"));
    EXPECT_FALSE(parse_content_range("items 0-1/2"));
    EXPECT_FALSE(parse_content_range("bytes 0-x/2"));
}

TEST(ResponseHead, StatusLineResetsHeadersAcrossRedirects) {
    ResponseHead h;
    EXPECT_FALSE(add_header_line(h, "HTTP/1.1 302 Found\r\n"));
    EXPECT_FALSE(add_header_line(h, "Location: /x\r\n"));
    EXPECT_TRUE(add_header_line(h, "\r\n"));
    EXPECT_EQ(h.status, 302);
    add_header_line(h, "HTTP/2 206\r\n");
    add_header_line(h, "Content-Length:  42 \r\n");
    add_header_line(h, "ETag: \"v1\"\r\n");
    EXPECT_EQ(h.status, 206);
    EXPECT_FALSE(h.has("location"));
    EXPECT_EQ(h.content_length(), 42);
    EXPECT_EQ(h.get("etag"), "\"v1\"");
    EXPECT_TRUE(is_strong_etag(h.get("etag")));
    EXPECT_FALSE(is_strong_etag("W/\"v1\""));
}

TEST(ResponseHead, MalformedStatusLinesGiveNoStatus) {
    for (const char* line :
         {"HTTP/1.1 -12 Bad\r\n", "HTTP/1.1 2x6 Bad\r\n", "HTTP/1.1 20\r\n", "HTTP/1.1\r\n"}) {
        ResponseHead h;
        add_header_line(h, line);
        EXPECT_EQ(h.status, 0) << line;
    }
}

TEST(RetryAfter, SecondsAndHttpDates) {
    EXPECT_EQ(parse_retry_after("120", 0), 120.0);
    // 784111777 = Sun, 06 Nov 1994 08:49:37 GMT
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30), 30.0);
    EXPECT_FALSE(parse_retry_after("soon", 0));
}

TEST(RateLimiter, HandsOutTheConfiguredRateOverTime) {
    using namespace std::chrono;
    RateLimiter limiter(100'000);  // 100 kB/s
    auto t = RateLimiter::Clock::time_point{} + seconds(1);
    std::size_t granted = 0;
    for (int ms = 0; ms < 2000; ++ms) {  // two simulated seconds, asking every millisecond
        while (limiter.try_consume(1000, t)) granted += 1000;
        t += milliseconds(1);
    }
    EXPECT_GE(granted, 195'000u);
    EXPECT_LE(granted, 200'000u + 16'384u + 1'000u);  // plus one burst (the bucket) and one chunk of debt
}

TEST(RateLimiter, UnlimitedAlwaysGrants) {
    RateLimiter limiter(0);
    EXPECT_TRUE(limiter.try_consume(1 << 30, RateLimiter::Clock::now()));
}

}  // namespace
}  // namespace arina::net
