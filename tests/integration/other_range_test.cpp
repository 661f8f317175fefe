// Range answers that name other bytes than asked. An honest one (same file, inside it, covering some
// of the asked bytes) is written where its Content-Range says and the rest is asked again; one whose
// bytes contradict what is on disk shows the server's ranges lie, and the file comes as one plain
// stream. Either way the file is byte-exact.

#include "download_fixture.hpp"

namespace arina::test {
namespace {

class OtherRangeTest : public DownloadTest {
  protected:
    static bool has(const RunResult& r, const std::string& text) {
        return r.output.find(text) != std::string::npos;
    }

    /// "Range header -> status" per request, for failure messages.
    std::string log(const std::string& path) const {
        std::string text;
        for (const auto& q : server.requests_for(path))
            text += (q.range_header.empty() ? "(no Range)" : q.range_header) + " -> " +
                    std::to_string(q.status) + "\n";
        return text;
    }

    bool every_request_ranged(const std::string& path) const {
        for (const auto& q : server.requests_for(path))
            if (q.range_header.empty()) return false;
        return true;
    }

    bool asked(const std::string& path, const std::string& range) const {
        for (const auto& q : server.requests_for(path))
            if (q.range_header == range) return true;
        return false;
    }
};

// A cache that answers whole blocks of 100000 bytes: every answer names more than was asked, from a
// block boundary. Each is written where it says; no plain stream, no request beyond the planned ones.
TEST_F(OtherRangeTest, BlockAlignedAnswersAreWrittenWhereTheySay) {
    const auto body = random_bytes(700000, 61);
    server.serve_bytes("/blocks.bin", body, {.range_block_bytes = 100000});
    const auto r = arina({"-v", "-N", "1", "--http-chunk-size", "256K", server.url("/blocks.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("blocks.bin"), sha256_hex(body));
    EXPECT_TRUE(has(r, "; written where it says, compared with the bytes on disk")) << r.output;
    EXPECT_FALSE(has(r, "plain stream")) << r.output;
    EXPECT_TRUE(every_request_ranged("/blocks.bin")) << log("/blocks.bin");
    EXPECT_LE(server.requests_for("/blocks.bin").size(), 4u) << log("/blocks.bin");  // the probe, 3 pieces
}

// One answer moved 5000 bytes past the asked offset (honestly: it names and sends those bytes). It is
// written where it says, the 5000 bytes it left out are asked again, and the next piece's exact
// answer, equal to the bytes it placed, confirms it.
TEST_F(OtherRangeTest, MovedAnswerIsPlacedAndConfirmedByTheNextPiece) {
    const auto body = random_bytes(700000, 62);
    server.serve_bytes("/moved.bin", body,
                       {.other_range_shift = 5000, .lie_first_requests = 2, .lie_after_requests = 1});
    const auto r = arina({"-v", "-N", "1", "--http-chunk-size", "256K", server.url("/moved.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("moved.bin"), sha256_hex(body));
    EXPECT_TRUE(
        has(r, server.url("/moved.bin") +
                   ": server answered Content-Range 'bytes 136072-398215/700000' for the requested bytes "
                   "131072-393215; written where it says"))
        << r.output;
    EXPECT_FALSE(has(r, "plain stream")) << r.output;
    EXPECT_TRUE(every_request_ranged("/moved.bin")) << log("/moved.bin");
    EXPECT_TRUE(asked("/moved.bin", "bytes=131072-136071")) << log("/moved.bin");
    // The probe, the moved answer, what it left out, the two other pieces: no confirming request.
    EXPECT_EQ(server.requests_for("/moved.bin").size(), 5u) << log("/moved.bin");
}

// An answer moved 10 bytes before the asked offset: the 10 bytes it shares with the probe are equal,
// too few to prove where it belongs, and no later answer reaches its bytes. Before the file is
// finished a small window across its first byte is asked again and compared: then it is kept.
TEST_F(OtherRangeTest, UnconfirmedAnswerIsCheckedBeforeTheFileIsFinished) {
    const auto body = random_bytes(700000, 63);
    server.serve_bytes("/early.bin", body,
                       {.other_range_shift = -10, .lie_first_requests = 2, .lie_after_requests = 1});
    const auto r = arina({"-v", "-N", "1", "--http-chunk-size", "256K", server.url("/early.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("early.bin"), sha256_hex(body));
    EXPECT_FALSE(has(r, "plain stream")) << r.output;
    EXPECT_TRUE(every_request_ranged("/early.bin")) << log("/early.bin");
    EXPECT_TRUE(asked("/early.bin", "bytes=126976-135167")) << log("/early.bin");  // 131072 -+ 4096
    EXPECT_EQ(server.requests_for("/early.bin").size(), 6u) << log("/early.bin");
}

// A server that shifts the header of one answer by 5000 bytes but sends the asked bytes: they are
// placed 5000 bytes too far, unconfirmed. The next piece's exact answer reaches them and differs: the
// ranges lie, the file comes once more as one plain stream, right.
TEST_F(OtherRangeTest, ShiftedHeaderOverAskedBytesEndsInOnePlainStream) {
    const auto body = random_bytes(700000, 64);
    server.serve_bytes("/shifted.bin", body,
                       {.content_range_shift = 5000, .lie_first_requests = 2, .lie_after_requests = 1});
    const auto r = arina({"-v", "-N", "1", "--http-chunk-size", "256K", server.url("/shifted.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("shifted.bin"), sha256_hex(body));
    EXPECT_TRUE(
        has(r, server.url("/shifted.bin") +
                   ": the answer for bytes 393216-655359 brought bytes that differ from those already on "
                   "disk (at byte 393216); the server's Content-Range cannot be trusted; downloading as "
                   "one plain stream without ranges"))
        << r.output;
    const auto requests = server.requests_for("/shifted.bin");
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(requests.back().range_header, "") << log("/shifted.bin");
    EXPECT_EQ(requests.size(), 5u) << log("/shifted.bin");
}

// Shifted on every answer after the probe: the first is placed, unconfirmed; the answer for what it
// left out names none of the asked bytes. After an unconfirmed answer that makes the ranges suspect:
// one plain stream at once.
TEST_F(OtherRangeTest, HeaderShiftedOnEveryAnswerEndsInOnePlainStream) {
    const auto body = random_bytes(700000, 65);
    server.serve_bytes("/liar.bin", body, {.content_range_shift = 5000, .lie_after_requests = 1});
    const auto r = arina({"-v", "-N", "1", "--http-chunk-size", "256K", server.url("/liar.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("liar.bin"), sha256_hex(body));
    EXPECT_TRUE(has(r, "; downloading as one plain stream without ranges")) << r.output;
    const auto requests = server.requests_for("/liar.bin");
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(requests.back().range_header, "") << log("/liar.bin");
    EXPECT_TRUE(has(r,
                    "Content-Range 'bytes 136072-141071/700000' does not match the requested bytes "
                    "131072-136071; downloading as one plain stream without ranges"))
        << r.output;
    EXPECT_EQ(requests.size(), 4u) << log("/liar.bin");  // the probe, 2 lies, the plain stream
}

}  // namespace
}  // namespace arina::test

namespace arina::test {
namespace {

// With four connections the answers overlap pieces still in flight: each byte is written once, and
// the bytes an answer shares with another are compared either way.
TEST_F(OtherRangeTest, BlockAlignedAnswersWithFourConnections) {
    const auto body = random_bytes(3 * 1024 * 1024, 66);
    server.serve_bytes("/blocks4.bin", body,
                       {.rate_bytes_per_sec = 4.0 * 1024 * 1024, .range_block_bytes = 300000});
    const auto r = arina({"-v", "-N", "4", "--http-chunk-size", "256K", server.url("/blocks4.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("blocks4.bin"), sha256_hex(body));
    EXPECT_FALSE(has(r, "plain stream")) << r.output;
    EXPECT_TRUE(every_request_ranged("/blocks4.bin")) << log("/blocks4.bin");
}

TEST_F(OtherRangeTest, ShiftedHeadersWithFourConnectionsNeverMakeAWrongFile) {
    const auto body = random_bytes(3 * 1024 * 1024, 67);
    for (const std::int64_t shift : {-5000, 5000, 200000}) {
        const std::string path = "/shift4_" + std::to_string(shift + 300000) + ".bin";
        server.serve_bytes(
            path, body,
            {.rate_bytes_per_sec = 4.0 * 1024 * 1024, .content_range_shift = shift, .lie_after_requests = 1});
        const auto r = arina({"-v", "-N", "4", "--http-chunk-size", "256K", server.url(path)});
        ASSERT_EQ(r.exit_code, 0) << shift << "\n" << r.output;
        EXPECT_EQ(file_sha(path.substr(1)), sha256_hex(body)) << shift;
        EXPECT_TRUE(has(r, "; downloading as one plain stream without ranges")) << shift << "\n" << r.output;
    }
}

}  // namespace
}  // namespace arina::test
