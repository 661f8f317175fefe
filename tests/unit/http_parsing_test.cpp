#include <gtest/gtest.h>

#include "net/media_type.hpp"
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

ResponseHead head_of(std::initializer_list<std::string_view> lines) {
    ResponseHead h;
    for (auto line : lines) add_header_line(h, line);
    return h;
}

TEST(Framing, BrokenLengthsAndMissingRangesAreNamed) {
    EXPECT_FALSE(framing_problem(head_of({"HTTP/1.1 200 OK", "Content-Length: 5"}), false));
    EXPECT_FALSE(
        framing_problem(head_of({"HTTP/1.1 200 OK", "Content-Length: 5", "Content-Length: 5"}), false));
    EXPECT_FALSE(framing_problem(head_of({"HTTP/1.1 200 OK", "Content-Length: 5, 5"}), false));
    EXPECT_EQ(framing_problem(head_of({"HTTP/1.1 200 OK", "Content-Length: 5", "Content-Length: 7"}), false),
              "sent two different Content-Lengths (5 and 7)");
    EXPECT_EQ(framing_problem(head_of({"HTTP/1.1 200 OK", "Content-Length: 5, 6"}), false),
              "sent two different Content-Lengths (5 and 6)");
    EXPECT_EQ(framing_problem(head_of({"HTTP/1.1 200 OK", "Content-Length: -5"}), false),
              "sent a negative Content-Length (-5)");
    EXPECT_EQ(framing_problem(head_of({"HTTP/1.1 200 OK", "Content-Length: ten"}), false),
              "sent a Content-Length that is not a number ('ten')");
    EXPECT_EQ(framing_problem(head_of({"HTTP/1.1 200 OK", "Content-Length: 3", "Transfer-Encoding: chunked"}),
                              false),
              "sent both Content-Length and Transfer-Encoding: chunked");
    EXPECT_EQ(framing_problem(head_of({"HTTP/1.1 206 Partial Content", "Content-Length: 3"}), true),
              "answered 206 Partial Content without a Content-Range");
    EXPECT_FALSE(framing_problem(
        head_of({"HTTP/1.1 206 Partial Content", "Content-Type: multipart/byteranges; boundary=x"}), true));
    EXPECT_FALSE(framing_problem(
        head_of({"HTTP/1.1 206 Partial Content", "Content-Length: 3", "Content-Range: bytes 0-2/9"}), true));
}

TEST(MediaType, AnErrorPageIsNotAPlausibleReplacement) {
    EXPECT_EQ(media_type_of("Text/HTML; charset=utf-8"), "text/html");
    EXPECT_EQ(implausible_replacement("application/octet-stream", 1000000, "text/html; charset=utf-8", 57),
              "text/html instead of application/octet-stream");
    EXPECT_EQ(implausible_replacement("video/mp4", 1000000, "text/plain", 900000),
              "text/plain instead of video/mp4");
    EXPECT_EQ(implausible_replacement("", 1000000, "application/octet-stream", 14),
              "application/octet-stream of 14 bytes instead of a file of 1000000 bytes");
    EXPECT_FALSE(implausible_replacement("application/octet-stream", 1000000, "video/mp4", 990000));
    EXPECT_FALSE(implausible_replacement("video/mp4", 1000000, "video/mp4", 500000));
    EXPECT_FALSE(implausible_replacement("text/html", 5000, "text/html", 4000));
    EXPECT_FALSE(implausible_replacement("application/octet-stream", 1000000, "", -1));
}

}  // namespace
}  // namespace arina::net
