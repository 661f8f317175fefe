// Hedged tail requests: a straggler's bytes asked again on a free connection, the first copy kept,
// each byte written once. Plain files through the arina command (its JSON progress reports the
// duplicated bytes), streams in process (stream/track_hedge.cpp). The servers make every K-th
// connection slow (Faults::slow_every_connections).

#include <algorithm>

#include "download_fixture.hpp"
#include "fixtures/stream_test_fixture.hpp"

namespace arina::test {
namespace {

constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kMiB = 1024 * 1024;

// The number after "key": in the JSON line of arina's output whose "event" is `event` (keys come
// in alphabetical order); -1 when absent.
std::int64_t json_number(const std::string& output, const std::string& event, const std::string& key) {
    const auto at_event = output.find("\"event\":\"" + event + "\"");
    if (at_event == std::string::npos) return -1;
    const auto begin = output.rfind('\n', at_event);
    const auto line_begin = begin == std::string::npos ? 0 : begin + 1;
    const auto line_end = output.find('\n', at_event);
    const std::string text =
        output.substr(line_begin, line_end == std::string::npos ? std::string::npos : line_end - line_begin);
    const std::string field = "\"" + key + "\":";
    const auto at = text.find(field);
    if (at == std::string::npos) return -1;
    return std::stoll(text.substr(at + field.size()));
}

// "bytes=B-E" -> [B, E+1).
ByteRange range_of(const std::string& header) {
    const auto eq = header.find('=');
    const auto dash = header.find('-');
    return {std::stoll(header.substr(eq + 1, dash - eq - 1)), std::stoll(header.substr(dash + 1)) + 1};
}

// The most requests that delivered one byte of the file: the server sends a range from its start,
// so request r delivered [begin, begin + body bytes sent). A split leaves the shortened request a
// little past its new end (what was in flight); a hedge delivers some bytes twice. Never three times.
int most_deliveries_of_a_byte(const std::vector<testing::RequestRecord>& records) {
    std::vector<ByteRange> delivered;
    for (const auto& r : records)
        if (r.status == 206 && !r.range_header.empty()) {
            const auto asked = range_of(r.range_header);
            delivered.push_back({asked.begin, asked.begin + r.body_bytes_sent});
        }
    int most = 0;
    for (const auto& at : delivered) {
        int n = 0;
        for (const auto& r : delivered) n += r.begin <= at.begin && at.begin < r.end;
        most = std::max(most, n);
    }
    return most;
}

// Every 4th connection at a sixteenth of the others' rate: its last piece is split as far as it
// goes, then fetched again on a fast connection. The file is exact; some bytes were asked twice,
// none three times; what was received twice is reported and small.
TEST_F(DownloadTest, AStragglersBytesAreHedgedAndWrittenOnce) {
    const auto body = random_bytes(8 * kMiB, 71);
    testing::Faults faults;
    faults.latency_ms = 100;
    faults.rate_bytes_per_sec = 4.0 * kMiB;
    faults.slow_every_connections = 4;
    faults.slow_connection_rate_bytes_per_sec = 256.0 * kKiB;
    server.serve_bytes("/hedged.bin", body, faults);
    const auto r =
        arina({"-N", "4", "--http-chunk-size", "1M", "--progress", "json", server.url("/hedged.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("hedged.bin"), sha256_hex(body));
    ASSERT_TRUE(server.wait_until_idle());
    EXPECT_LE(most_deliveries_of_a_byte(server.requests_for("/hedged.bin")), 2)
        << "a piece had more than one duplicate";
    // Only a hedge receives bytes already on disk (a split piece's requests never overlap): the
    // duplicate's first bytes arrive behind the original, which went on during its 100 ms latency.
    const auto duplicated = json_number(r.output, "finished", "duplicated_bytes");
    EXPECT_GT(duplicated, 0) << r.output;
    EXPECT_LT(duplicated, static_cast<std::int64_t>(body.size()) / 10) << r.output;
    EXPECT_EQ(json_number(r.output, "finished", "size"), static_cast<std::int64_t>(body.size()));
}

// Every 4th connection at a thirty-second of the others' rate: as soon as its rate is known, the
// slow request keeps what it can do while the others finish and hands the rest of its piece back
// to the queue, in one cut near where it had got to (not half of it at a time, each time a
// connection is free); the fast connections fetch those bytes. The file is exact.
TEST_F(DownloadTest, ASlowRequestHandsBackItsPieceToTheFastConnections) {
    const auto body = random_bytes(8 * kMiB, 75);
    testing::Faults faults;
    faults.latency_ms = 20;
    faults.rate_bytes_per_sec = 4.0 * kMiB;
    faults.slow_every_connections = 4;
    faults.slow_connection_rate_bytes_per_sec = 128.0 * kKiB;
    server.serve_bytes("/handback.bin", body, faults);
    const auto r = arina(
        {"-N", "4", "--http-chunk-size", "2M", "-v", "--progress", "json", server.url("/handback.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("handback.bin"), sha256_hex(body));
    // -v shows what the connections reached: the pieces' rates, the slow one's among them.
    EXPECT_NE(r.output.find("rates of the last"), std::string::npos) << r.output;
    ASSERT_TRUE(server.wait_until_idle());
    const auto requests = server.requests_for("/handback.bin");
    const auto slow = std::find_if(requests.begin(), requests.end(), [](const auto& q) {
        return q.status == 206 && q.connection_id % 4 == 0 && !q.range_header.empty();
    });
    ASSERT_NE(slow, requests.end()) << r.output;
    const auto asked = range_of(slow->range_header);
    ASSERT_GE(asked.size(), 1 * kMiB);
    EXPECT_LT(slow->body_bytes_sent, 768 * kKiB) << "the slow request fetched its piece itself";
    // The first of its bytes another request took: close to where it had got to.
    std::int64_t first_taken = asked.end;
    for (auto q = slow + 1; q != requests.end(); ++q)
        if (!q->range_header.empty())
            if (const auto b = range_of(q->range_header).begin; b > asked.begin && b < asked.end)
                first_taken = std::min(first_taken, b);
    EXPECT_LE(first_taken - asked.begin, 640 * kKiB) << r.output;
}

// The set-up of the next two tests, deterministic in its requests: -N 2, and connection 2 slow.
// 1: the probe (bytes 0-128K) on connection 1; 2: the piece 128K-384K, which opens connection 2
// (slow: 4 s); 3 and 4: the pieces 384K-640K and 640K-768K on connection 1; then nothing is left
// to start and the slow piece is too small to split: 5 is its hedge.
struct TwoConnections {
    static testing::Faults faults() {
        testing::Faults f;
        f.rate_bytes_per_sec = 2.0 * kMiB;
        f.slow_every_connections = 2;
        f.slow_connection_rate_bytes_per_sec = 64.0 * kKiB;
        return f;
    }
    static std::vector<std::string> args() { return {"-N", "2", "--http-chunk-size", "256K", "-v"}; }
};

TEST_F(DownloadTest, TheHedgeOfASlowPieceFinishesItFirst) {
    const auto body = random_bytes(768 * kKiB, 72);
    server.serve_bytes("/two.bin", body, TwoConnections::faults());
    auto args = TwoConnections::args();
    args.insert(args.end(), {"--progress", "json", server.url("/two.bin")});
    const auto started = std::chrono::steady_clock::now();
    const auto r = arina(args);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("two.bin"), sha256_hex(body));
    const auto requests = server.requests_for("/two.bin");
    ASSERT_EQ(requests.size(), 5u) << r.output;
    EXPECT_EQ(requests[1].range_header, "bytes=131072-393215");
    EXPECT_EQ(requests[1].connection_id, 2);
    const auto hedge = range_of(requests[4].range_header);
    EXPECT_GT(hedge.begin, 131072);  // from where the slow piece had got to
    EXPECT_EQ(hedge.end, 393216);
    EXPECT_NE(requests[4].connection_id, 2);
    EXPECT_EQ(requests[4].status, 206);
    // The slow connection alone would have needed 4 s for its piece.
    EXPECT_LT(seconds, 3.5);
    const auto duplicated = json_number(r.output, "finished", "duplicated_bytes");
    EXPECT_GE(duplicated, 0) << r.output;
    EXPECT_LT(duplicated, static_cast<std::int64_t>(body.size()) / 10) << r.output;
}

// The hedge (request 5) is answered by a new version of the file: the If-Range it carries no longer
// matches, the server sends the new file whole, and the download starts over as for any change,
// never splicing the versions: the result is the new file, byte for byte.
TEST_F(DownloadTest, AHedgeAnsweredByAnotherVersionStartsOverAndNeverSplices) {
    const auto before = random_bytes(768 * kKiB, 73);
    const auto after = random_bytes(768 * kKiB, 74);
    auto faults = TwoConnections::faults();
    faults.replacement_body = after;
    faults.replace_after_requests = 4;
    server.serve_bytes("/changes.bin", before, faults);
    auto args = TwoConnections::args();
    args.push_back(server.url("/changes.bin"));
    const auto r = arina(args);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("changes.bin"), sha256_hex(after));
    EXPECT_NE(r.output.find("the file changed on the server; starting over"), std::string::npos) << r.output;
    const auto requests = server.requests_for("/changes.bin");
    ASSERT_GE(requests.size(), 6u) << r.output;
    EXPECT_EQ(requests[4].status, 200);  // the hedge, refused by If-Range: the whole new file
    EXPECT_FALSE(requests[4].if_range_header.empty());
    const auto hedge = range_of(requests[4].range_header);
    EXPECT_GT(hedge.begin, 131072);
    EXPECT_EQ(hedge.end, 393216);
    EXPECT_EQ(requests[5].range_header, "bytes=0-131071");  // the new probe
}

// Three segments no demuxer reads (so the output is their bytes, concatenated: checked exactly),
// four connections, and every 4th connection slow: the fragment on it is asked again, the first
// complete copy wins, the output is exact.
TEST_F(StreamTest, AFragmentFarBehindIsHedgedAndTheOutputIsExact) {
    std::vector<std::string> segments;
    std::string playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n";
    testing::Faults faults;
    faults.rate_bytes_per_sec = 4.0 * kMiB;
    faults.slow_every_connections = 4;
    faults.slow_connection_rate_bytes_per_sec = 128.0 * kKiB;
    faults.content_type = "video/mp2t";
    for (int i = 0; i < 8; ++i) {
        std::string bytes = "OPAQUE-MEDIA-V1 segment " + std::to_string(i) + "\n";
        for (int line = 0; bytes.size() < 400'000u; ++line)
            bytes += "payload line " + std::to_string(line * 7919 % 100003) + " of segment " +
                     std::to_string(i) + "\n";
        server.serve_bytes("/slow/seg" + std::to_string(i) + ".ts", bytes, faults);
        playlist += "#EXTINF:2.000,\nseg" + std::to_string(i) + ".ts\n";
        segments.push_back(std::move(bytes));
    }
    server.serve_bytes("/slow/index.m3u8", playlist + "#EXT-X-ENDLIST\n");
    auto job = job_for("/slow/index.m3u8");
    job.connections = 4;
    const auto started = std::chrono::steady_clock::now();
    const auto r = run(job);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_STREAM_OK(r);
    std::string all;
    for (const auto& s : segments) all += s;
    EXPECT_EQ(sha256_file_hex(r.file).value_or("missing"), sha256_hex(all));
    int hedged = 0;
    std::int64_t hedged_size = 0;
    for (int i = 0; i < 8; ++i) {
        const auto n = server.requests_for("/slow/seg" + std::to_string(i) + ".ts").size();
        EXPECT_LE(n, 2u) << "segment " << i;
        if (n == 2) {
            ++hedged;
            hedged_size = static_cast<std::int64_t>(segments[static_cast<std::size_t>(i)].size());
        }
    }
    EXPECT_GE(hedged, 1);
    EXPECT_GT(r.duplicated_bytes, 0);
    EXPECT_LE(r.duplicated_bytes, hedged * hedged_size);
    // A 400 KB fragment at 128 KiB/s takes 3 s on the slow connection.
    EXPECT_LT(seconds, 2.8);
}

}  // namespace
}  // namespace arina::test
