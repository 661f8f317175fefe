// -N auto against the loopback server: the count grows to the budget when each connection is
// limited, stays small when one rate is shared by all, drops below a server's cap without failing a
// piece, and the next task to the same host starts where the last one settled. Times are bounded
// generously (the machine is shared); speed targets are in bench/auto_connections.sh.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "download_fixture.hpp"

namespace arina::test {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

// The `--progress json` objects arina printed (stdout and stderr are interleaved in the output).
std::vector<nlohmann::json> json_lines(const std::string& output, std::string_view event) {
    std::vector<nlohmann::json> out;
    std::size_t pos = 0;
    while (pos < output.size()) {
        const auto end = std::min(output.find('\n', pos), output.size());
        const std::string line = output.substr(pos, end - pos);
        pos = end + 1;
        if (!line.starts_with("{\"")) continue;
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded() && j.value("event", "") == event) out.push_back(std::move(j));
    }
    return out;
}

nlohmann::json finished_event(const std::string& output, const std::string& url) {
    for (auto& j : json_lines(output, "finished"))
        if (j.value("url", "") == url) return j;
    ADD_FAILURE() << "no finished event for " << url << " in:\n" << output;
    return nlohmann::json::object();
}

class AutoConnections : public DownloadTest {
  protected:
    // -v for the count's log lines, JSON for the figures; -N auto is the default, said anyway.
    RunResult auto_run(std::vector<std::string> args) {
        std::vector<std::string> all{"-N", "auto", "-v", "--progress", "json", "--http-chunk-size", "1M"};
        all.insert(all.end(), args.begin(), args.end());
        return arina(all, 180);
    }
};

TEST_F(AutoConnections, PerConnectionLimitsGrowToTheBudget) {
    // 1 MiB/s per connection: every added connection adds as much again, up to the budget of 8.
    const auto body = random_bytes(40 * kMiB, 31);
    server.serve_bytes("/per-conn.bin", body, {.rate_bytes_per_sec = 1.0 * kMiB});
    const std::string url = server.url("/per-conn.bin");
    const auto r = auto_run({"--max-connections-per-host", "8", url});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("per-conn.bin"), sha256_hex(body));
    const auto done = finished_event(r.output, url);
    EXPECT_EQ(done.value("connections", 0), 8) << done.dump();
    EXPECT_EQ(done.value("connections_reason", ""), "budget") << done.dump();
    EXPECT_EQ(done.value("peak_connections", 0), 8) << done.dump();
    EXPECT_LE(server.max_concurrent_connections(), 8);
    // -v tells how the count moved and why.
    EXPECT_NE(r.output.find(": 4 connections (-N auto: the total rate grew, trying more) to " + url),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find(": 8 connections (-N auto: reached the per-host budget) to " + url),
              std::string::npos)
        << r.output;
    // JSON progress carries the count and its reason while the download runs.
    bool seen_growing = false;
    for (const auto& j : json_lines(r.output, "progress"))
        seen_growing |=
            j.value("connections_reason", "") == "growing" && j.value("target_connections", 0) > 2;
    EXPECT_TRUE(seen_growing) << r.output;
    for (const auto& q : server.requests_for("/per-conn.bin")) EXPECT_EQ(q.status, 206);
}

TEST_F(AutoConnections, AServerCapOfThreeWith503SettlesAtThreeAtMostWithoutAFailedPiece) {
    // The server answers 503 to a connection opened while 3 are open. --fragment-retries 0: any
    // piece counted as failed would fail the download, so success means none was.
    testing::TestServer capped({.max_connections = 3});
    const auto body = random_bytes(16 * kMiB, 36);
    capped.serve_bytes("/capped.bin", body, {.rate_bytes_per_sec = 1.0 * kMiB});
    const std::string url = capped.url("/capped.bin");
    const auto r = auto_run({"--max-connections-per-host", "16", "--fragment-retries", "0", url});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("capped.bin"), sha256_hex(body));
    EXPECT_GE(capped.connections_rejected(), 1);  // the count did try beyond the cap
    EXPECT_LE(capped.max_concurrent_connections(), 3);
    const auto done = finished_event(r.output, url);
    EXPECT_EQ(done.value("connections_reason", ""), "refused") << done.dump();
    EXPECT_LE(done.value("connections", 99), 3) << done.dump();
    EXPECT_GE(done.value("connections", 0), 1) << done.dump();
    EXPECT_NE(r.output.find("connections (-N auto: the server refused more connections (429/503)) to " + url),
              std::string::npos)
        << r.output;
    // The only answers were the file's bytes and the cap's 503s.
    int refused = 0;
    for (const auto& q : capped.requests_for("/capped.bin")) {
        EXPECT_TRUE(q.status == 206 || q.status == 503) << q.status;
        refused += q.status == 503;
    }
    EXPECT_EQ(refused, capped.connections_rejected());
}

TEST_F(AutoConnections, AServerSharingOneRateAmongAllConnectionsKeepsTheCountBelowTheBudget) {
    // The server paces all bodies through one queue of 5 ms slices. On an idle machine 2
    // connections fill it; on a loaded one its threads wake late and 4 fill it better, so the count
    // may settle at 2 (no gain) or 4 (a small gain kept, or no gain after trying 8), having tried
    // at most 8 of its budget of 16.
    testing::TestServer shared({.total_rate_bytes_per_sec = 8.0 * kMiB});
    const auto body = random_bytes(24 * kMiB, 37);
    shared.serve_bytes("/shared.bin", body);
    const std::string url = shared.url("/shared.bin");
    const auto r = auto_run({"--max-connections-per-host", "16", url});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("shared.bin"), sha256_hex(body));
    const auto done = finished_event(r.output, url);
    const auto reason = done.value("connections_reason", "");
    EXPECT_TRUE(reason == "no_gain" || reason == "small_gain") << done.dump();
    EXPECT_LE(done.value("connections", 99), 4) << done.dump();
    EXPECT_LE(done.value("peak_connections", 99), 8) << done.dump();
    EXPECT_LE(shared.max_concurrent_connections(), 8);
}

TEST_F(AutoConnections, ALinkSharedByAllConnectionsKeepsTheCountSmall) {
    // The bottleneck is the client's own link (--limit-rate: one rate for every connection): more
    // connections gain nothing, so the count goes back to the smaller one.
    const auto body = random_bytes(24 * kMiB, 32);
    server.serve_bytes("/link.bin", body);
    const std::string url = server.url("/link.bin");
    const auto r = auto_run({"--max-connections-per-host", "16", "--limit-rate", "6M", url});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("link.bin"), sha256_hex(body));
    const auto done = finished_event(r.output, url);
    // 2 (4 when a loaded machine leaves gaps between the requests of 2: a small gain, kept), having
    // tried at most 8. -v names the reason either way.
    const auto reason = done.value("connections_reason", "");
    EXPECT_TRUE(reason == "no_gain" || reason == "small_gain") << done.dump();
    EXPECT_LE(done.value("connections", 99), 4) << done.dump();
    EXPECT_LE(done.value("peak_connections", 99), 8) << done.dump();
    EXPECT_LE(server.max_concurrent_connections(), 8);
    const std::string said =
        reason == "small_gain" ? " connections (-N auto: settled, small gain: the last step raised the total "
                                 "rate a little) to "
                               : " connections (-N auto: more connections did not raise the total rate) to ";
    EXPECT_NE(r.output.find(said + url), std::string::npos) << r.output;
}

TEST_F(AutoConnections, TheNextTaskToTheSameHostStartsAtTheLearntCount) {
    // One after the other (--max-workers 1): the second file starts at the 8 the first one found.
    const auto first = random_bytes(40 * kMiB, 33);
    const auto second = random_bytes(6 * kMiB, 34);
    server.serve_bytes("/first.bin", first, {.rate_bytes_per_sec = 1.0 * kMiB});
    server.serve_bytes("/second.bin", second, {.rate_bytes_per_sec = 1.0 * kMiB});
    const std::string url1 = server.url("/first.bin"), url2 = server.url("/second.bin");
    const auto r = auto_run({"--max-connections-per-host", "8", "--max-workers", "1", url1, url2});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("first.bin"), sha256_hex(first));
    EXPECT_EQ(file_sha("second.bin"), sha256_hex(second));
    const auto one = finished_event(r.output, url1);
    EXPECT_EQ(one.value("connections_reason", ""), "budget") << one.dump();
    const auto two = finished_event(r.output, url2);
    EXPECT_EQ(two.value("connections_reason", ""), "learnt") << two.dump();
    EXPECT_EQ(two.value("connections", 0), 8) << two.dump();
    // From its first progress line on, not after a ramp.
    for (const auto& j : json_lines(r.output, "progress"))
        if (j.value("url", "") == url2 && j.value("target_connections", 0) > 0) {
            EXPECT_EQ(j.value("target_connections", 0), 8) << j.dump();
            EXPECT_EQ(j.value("connections_reason", ""), "learnt") << j.dump();
        }
}

TEST_F(AutoConnections, EachConnectionsRateIsInJsonProgressAndStats) {
    // 4 connections limited to 1 MiB/s each, one 3 MiB piece each: every progress line lists one
    // rate per request in flight; the finished event and --stats the 4 rates of the full count.
    const auto body = random_bytes(12 * kMiB, 38);
    server.serve_bytes("/rates.bin", body, {.rate_bytes_per_sec = 1.0 * kMiB});
    const std::string url = server.url("/rates.bin");
    const auto r = arina({"-N", "4", "--progress", "json", "--http-chunk-size", "3M", url}, 180);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("rates.bin"), sha256_hex(body));
    // A measured rate is each request's bytes since its first byte: at most the server's 1 MiB/s
    // (with room for its first burst), and not far below it even on a loaded machine.
    const auto plausible = [](std::int64_t rate) {
        return rate > static_cast<std::int64_t>(kMiB * 3 / 10) &&
               rate < static_cast<std::int64_t>(kMiB * 3 / 2);
    };
    int full = 0;
    for (const auto& j : json_lines(r.output, "progress")) {
        if (j.value("url", "") != url || !j.contains("connection_rates")) continue;
        const auto rates = j["connection_rates"].get<std::vector<std::int64_t>>();
        EXPECT_LE(static_cast<int>(rates.size()), 4) << j.dump();
        for (const auto rate : rates) EXPECT_LT(rate, static_cast<std::int64_t>(kMiB * 3 / 2)) << j.dump();
        if (rates.size() == 4 && std::all_of(rates.begin(), rates.end(), plausible)) ++full;
    }
    EXPECT_GE(full, 1) << r.output;
    const auto done = finished_event(r.output, url);
    const auto rates = done.value("connection_rates", std::vector<std::int64_t>{});
    ASSERT_EQ(rates.size(), 4u) << done.dump();
    for (const auto rate : rates) EXPECT_TRUE(plausible(rate)) << done.dump();

    // --stats prints the same per file.
    std::filesystem::remove(dir / "rates.bin");
    const auto s = arina({"-N", "4", "--stats", "--progress", "none", "--http-chunk-size", "3M", url}, 180);
    ASSERT_EQ(s.exit_code, 0) << s.output;
    const auto at =
        s.output.find("stats: rates.bin: 4 connections (fixed), at most 4 at once, per connection (MB/s):");
    ASSERT_NE(at, std::string::npos) << s.output;
    const auto from = s.output.find("(MB/s):", at) + 7;
    std::istringstream line(s.output.substr(from, s.output.find('\n', from) - from));
    int numbers = 0;
    for (double mb = 0; line >> mb; ++numbers) EXPECT_TRUE(plausible(std::llround(mb * 1e6))) << s.output;
    EXPECT_EQ(numbers, 4) << s.output;
}

TEST_F(AutoConnections, AnExplicitCountIsFixed) {
    const auto body = random_bytes(3 * kMiB, 35);
    server.serve_bytes("/fixed.bin", body, {.rate_bytes_per_sec = 2.0 * kMiB});
    const std::string url = server.url("/fixed.bin");
    const auto r = arina({"-N", "3", "--progress", "json", "--http-chunk-size", "256K", url});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("fixed.bin"), sha256_hex(body));
    const auto done = finished_event(r.output, url);
    EXPECT_EQ(done.value("connections", 0), 3) << done.dump();
    EXPECT_EQ(done.value("connections_reason", ""), "fixed") << done.dump();
    EXPECT_LE(server.max_concurrent_connections(), 3);
}

}  // namespace
}  // namespace arina::test
