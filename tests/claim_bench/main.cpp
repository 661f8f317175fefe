// arina-claim-bench: claim throughput and latency of the PostgreSQL task store
// (bench/cluster.sh runs it; figures in docs/benchmarks.md).
//
//   arina-claim-bench [--workers 8] [--queued N]... [--seconds 5] [--rate R] [--conninfo STR]
//
// For each N: a fresh database with N queued no-op tasks (inserted with one
// generate_series statement), then W threads, each a worker with its own store, loop
// "claim, mark completed, release, flush" for the given time (or until the queue is drained:
// the rate counts until the last claim). Printed per N: claims per
// second over all workers, and the p50/p99/max latency of claim() itself (the previous
// task's completion is committed by flush() before the clock starts). Without
// --conninfo a throwaway server is started as in the tests.
//
// By default the loop is closed: every worker claims again as soon as it has finished,
// which saturates the machine. With --rate R it is paced (open loop): the workers together
// start R claims per second, worker w's k-th claim due at (k * W + w) / R seconds; a claim
// whose time came while its worker was still busy starts late, at once ("late max" is the
// most any claim started after its time: near zero when the store keeps up with R).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "store/task_store.hpp"
#include "support/pg_server.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Run {
    double claims_per_second = 0;
    double p50_ms = 0, p99_ms = 0, max_ms = 0;
    double late_max_ms = 0;  // paced runs: the most a claim started after its time
    long claims = 0;
};

/// `rate`: claims per second over all workers, 0 for a closed loop.
Run run(const std::string& conninfo, int workers, double seconds, double rate) {
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(workers));
    std::vector<Clock::time_point> ended(static_cast<std::size_t>(workers));
    std::vector<double> late(static_cast<std::size_t>(workers), 0.0);
    std::atomic<bool> go{false}, stop{false};
    Clock::time_point started;  // written before `go`, read after
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            auto opened =
                arina::store::TaskStore::open(conninfo, {.worker_name = "bench" + std::to_string(w)});
            if (!std::holds_alternative<std::unique_ptr<arina::store::TaskStore>>(opened)) {
                std::fprintf(stderr, "open: %s\n", std::get<arina::Error>(opened).message.c_str());
                return;
            }
            auto& store = *std::get<std::unique_ptr<arina::store::TaskStore>>(opened);
            auto& mine = latencies[static_cast<std::size_t>(w)];
            store.claim({});  // registers the worker (and its first task) before the clock runs
            while (!go) std::this_thread::yield();
            for (long k = 0; !stop; ++k) {
                if (rate > 0) {
                    const auto due =
                        started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                      static_cast<double>(k * workers + w) / rate));
                    std::this_thread::sleep_until(due);
                    if (stop) break;
                    auto& worst = late[static_cast<std::size_t>(w)];
                    worst = std::max(worst,
                                     std::chrono::duration<double, std::milli>(Clock::now() - due).count());
                }
                const auto t0 = Clock::now();
                auto claimed = store.claim({});
                const auto t1 = Clock::now();
                auto* claim = std::get_if<std::optional<arina::store::Claim>>(&claimed);
                if (!claim || !*claim) break;  // drained: the rate counts until here
                ended[static_cast<std::size_t>(w)] = t1;
                mine.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
                store.update_state((*claim)->record.key, "completed");
                store.release((*claim)->record.key);
                store.flush();
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    started = Clock::now();
    go = true;
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    const auto stopped = Clock::now();
    for (auto& t : threads) t.join();
    auto last = started;
    for (auto t : ended) last = std::max(last, t);
    const double elapsed = std::chrono::duration<double>(std::min(stopped, last) - started).count();
    std::vector<double> all;
    for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    Run r;
    r.claims = static_cast<long>(all.size());
    if (all.empty()) return r;
    r.claims_per_second = static_cast<double>(all.size()) / elapsed;
    r.p50_ms = all[all.size() / 2];
    r.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
    r.max_ms = all.back();
    r.late_max_ms = *std::max_element(late.begin(), late.end());
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    int workers = 8;
    double seconds = 5;
    double rate = 0;
    std::vector<long> sizes;
    std::string conninfo;
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
            std::printf(
                "usage: arina-claim-bench [--workers W] [--queued N]... [--seconds S] [--rate R] "
                "[--conninfo STR]\n"
                "  W workers (default 8), each with its own store, loop \"claim, mark completed, release,\n"
                "  flush\" for S seconds (default 5) on a fresh queue of N no-op tasks (default "
                "10^3..10^6).\n"
                "  Latency is claim() alone. --rate R paces the workers to R claims/s together (open\n"
                "  loop); without it each claims again at once (closed loop, saturating).\n"
                "  Without --conninfo a throwaway PostgreSQL server is started.\n");
            return 0;
        }
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--workers")
            workers = std::atoi(argv[i + 1]);
        else if (flag == "--queued")
            sizes.push_back(std::atol(argv[i + 1]));
        else if (flag == "--seconds")
            seconds = std::atof(argv[i + 1]);
        else if (flag == "--conninfo")
            conninfo = argv[i + 1];
        else if (flag == "--rate")
            rate = std::atof(argv[i + 1]);
    }
    if (sizes.empty()) sizes = {1000, 10000, 100000, 1000000};
    std::string why;
    arina::test::PgServer* pg = conninfo.empty() ? arina::test::PgServer::get(why) : nullptr;
    if (conninfo.empty() && pg == nullptr) {
        std::fprintf(stderr, "arina-claim-bench: PostgreSQL could not be started: %s\n", why.c_str());
        return 1;
    }
    if (rate > 0)
        std::printf("%-10s %-8s %-9s %-12s %-9s %-9s %-9s %-9s\n", "queued", "workers", "paced/s", "claims/s",
                    "p50 ms", "p99 ms", "max ms", "late max ms");
    else
        std::printf("%-10s %-8s %-12s %-9s %-9s %-9s\n", "queued", "workers", "claims/s", "p50 ms", "p99 ms",
                    "max ms");
    for (long n : sizes) {
        std::string db = conninfo;
        if (pg) {
            db = pg->create_database();
            {
                auto opened = arina::store::TaskStore::open(db);  // creates the schema
                if (auto* error = std::get_if<arina::Error>(&opened)) {
                    std::fprintf(stderr, "%s\n", error->message.c_str());
                    return 1;
                }
            }
            const std::string name = db.substr(db.rfind('=') + 1);
            const std::string fill =
                "INSERT INTO arina_tasks (params_json, state, position, created_at, updated_at) "
                "SELECT '{}', 'queued', nextval('arina_task_position'), 0, 0 FROM generate_series(1, " +
                std::to_string(n) + ")";
            if (auto error = pg->exec(name, fill) + pg->exec(name, "VACUUM ANALYZE arina_tasks");
                !error.empty()) {
                std::fprintf(stderr, "fill: %s\n", error.c_str());
                return 1;
            }
        }
        const Run r = run(db, workers, seconds, rate);
        if (rate > 0)
            std::printf("%-10ld %-8d %-9.0f %-12.0f %-9.2f %-9.2f %-9.2f %-9.2f\n", n, workers, rate,
                        r.claims_per_second, r.p50_ms, r.p99_ms, r.max_ms, r.late_max_ms);
        else
            std::printf("%-10ld %-8d %-12.0f %-9.2f %-9.2f %-9.2f\n", n, workers, r.claims_per_second,
                        r.p50_ms, r.p99_ms, r.max_ms);
        std::fflush(stdout);
    }
    return 0;
}
