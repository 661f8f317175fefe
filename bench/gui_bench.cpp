// The desktop app's responsiveness and scale, measured in a real window (run it under
// Xvfb, or QT_QPA_PLATFORM=offscreen), with the app's own classes over a real manager:
//
//   arina-gui-bench load SIZE_MIB      4 downloads at full loopback speed: lateness of a
//                                      10 ms timer on the GUI thread (p50, p99, max)
//   arina-gui-bench queue N            N tasks in the queue database: time from start to the
//                                      window shown, sort and filter times, resident memory
//   arina-gui-bench screenshot FILE    the main window with tasks in several states, grabbed
//                                      from the screen, as PNG
//
// Prints one line of key=value figures (bench/gui.sh turns them into docs/benchmarks.md).
#include <QApplication>
#include <QElapsedTimer>
#include <QItemSelectionModel>
#include <QScreen>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "core/download_manager.hpp"
#include "main_window.hpp"
#include "manager_bridge.hpp"
#include "server/test_server.hpp"
#include "task_filter_proxy.hpp"
#include "task_table_model.hpp"

using namespace arina;
using namespace arina::gui;

namespace {

std::string random_body(std::size_t size, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::string s(size, '\0');
    for (std::size_t i = 0; i + 8 <= size; i += 8) {
        const auto v = rng();
        std::memcpy(s.data() + i, &v, 8);
    }
    return s;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

std::int64_t rss_kib() {
    FILE* f = std::fopen("/proc/self/status", "r");
    char line[256];
    std::int64_t kib = 0;
    while (f && std::fgets(line, sizeof line, f))
        if (std::sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
    if (f) std::fclose(f);
    return kib;
}

Config base_config(const QString& dir) {
    Config c;
    c.max_workers = 4;
    c.concurrent_fragments = 4;
    c.output_dir = (dir + "/out").toStdString();
    c.database = (dir + "/tasks.db").toStdString();
    return c;
}

bool wait_until(const std::function<bool()>& done, int timeout_ms) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeout_ms) return false;
        QTest::qWait(20);
    }
    return true;
}

int load(int size_mib) {
    QTemporaryDir dir;
    testing::TestServer server;
    const std::string body = random_body(static_cast<std::size_t>(size_mib) * 1024 * 1024, 1);
    std::vector<DownloadTask> tasks;
    for (int i = 0; i < 4; ++i) {
        server.serve_bytes("/f" + std::to_string(i), body);
        tasks.push_back({.url = server.url("/f" + std::to_string(i))});
    }
    TaskTableModel model;
    ManagerBridge bridge(std::make_unique<DownloadManager>(base_config(dir.path())), model);
    MainWindow window(bridge, model, {});
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) std::fprintf(stderr, "window not exposed\n");

    std::vector<double> lateness_ms;
    QElapsedTimer clock;
    clock.start();
    qint64 last = -1;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last >= 0) lateness_ms.push_back(std::max(0.0, static_cast<double>(now - last) / 1e6 - 10.0));
        last = now;
    });
    bridge.add(tasks);
    wait_until([&] { return bridge.manager().metrics().active_tasks == 4; }, 30000);
    tick.start(10);
    const auto started = std::chrono::steady_clock::now();
    const bool finished = wait_until(
        [&] {
            return model.count_with(TaskStatus::Completed) == 4 || model.count_with(TaskStatus::Failed) > 0;
        },
        600000);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    tick.stop();
    const double total_mib = 4.0 * size_mib;
    std::printf(
        "load completed=%d failed=%d seconds=%.2f mib_per_s=%.0f ticks=%zu lateness_p50_ms=%.2f "
        "lateness_p99_ms=%.2f lateness_max_ms=%.2f rss_mib=%.1f\n",
        model.count_with(TaskStatus::Completed), model.count_with(TaskStatus::Failed), seconds,
        total_mib / seconds, lateness_ms.size(), percentile(lateness_ms, 0.5), percentile(lateness_ms, 0.99),
        lateness_ms.empty() ? 0 : *std::max_element(lateness_ms.begin(), lateness_ms.end()),
        static_cast<double>(rss_kib()) / 1024);
    return finished ? 0 : 1;
}

int queue(int count) {
    QTemporaryDir dir;
    {
        // The queue: `count` paused tasks (added in one transaction, paused before they start).
        Config c = base_config(dir.path());
        c.max_workers = 1;
        DownloadManager filler(c);
        std::vector<DownloadTask> tasks;
        for (int i = 0; i < count; ++i)
            tasks.push_back(
                {.url = "http://127.0.0.1:9/video-" + std::to_string(i) + ".mp4", .priority = i % 3});
        for (auto& [id, f] : filler.add_tasks(tasks)) filler.pause(id);
    }
    const std::int64_t rss_before = rss_kib();
    QElapsedTimer start;
    start.start();
    TaskTableModel model;
    ManagerBridge bridge(std::make_unique<DownloadManager>(base_config(dir.path())), model);
    MainWindow window(bridge, model, {});
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) std::fprintf(stderr, "window not exposed\n");
    QApplication::processEvents();
    const double shown_ms = static_cast<double>(start.nsecsElapsed()) / 1e6;

    auto timed = [](const std::function<void()>& step) {
        QElapsedTimer t;
        t.start();
        step();
        QApplication::processEvents();  // the view's relayout and repaint included
        return static_cast<double>(t.nsecsElapsed()) / 1e6;
    };
    TaskFilterProxy& proxy = window.proxy();
    double sort_worst = 0;
    for (int column :
         {TaskTableModel::Title, TaskTableModel::Size, TaskTableModel::Added, TaskTableModel::Status})
        sort_worst =
            std::max(sort_worst, timed([&] { window.view().sortByColumn(column, Qt::DescendingOrder); }));
    const double filter_status_ms =
        timed([&] { proxy.set_status_filter(TaskFilterProxy::StatusFilter::Paused); });
    const double search_ms = timed([&] { proxy.set_search_text("video-99"); });
    const int matches = proxy.rowCount();
    const double clear_ms = timed([&] {
        proxy.set_search_text("");
        proxy.set_status_filter(TaskFilterProxy::StatusFilter::All);
    });
    std::printf(
        "queue tasks=%d rows=%d shown_ms=%.0f sort_worst_ms=%.1f filter_status_ms=%.1f search_ms=%.1f "
        "search_matches=%d clear_ms=%.1f rss_mib=%.1f rss_growth_mib=%.1f\n",
        count, model.rowCount(), shown_ms, sort_worst, filter_status_ms, search_ms, matches, clear_ms,
        static_cast<double>(rss_kib()) / 1024, static_cast<double>(rss_kib() - rss_before) / 1024);
    return model.rowCount() == count ? 0 : 1;
}

int screenshot(const QString& file) {
    QTemporaryDir dir;
    testing::TestServer server;
    const std::string small = random_body(6 * 1024 * 1024, 2);
    const std::string large = random_body(64 * 1024 * 1024, 3);
    server.serve_bytes("/holiday-in-lisbon.mp4", small);
    server.serve_bytes("/conference-keynote-2026.mkv", small);
    for (const char* slow :
         {"/lecture-12-distributed-systems.mp4", "/concert-recording-live.mp4", "/documentary-part-2.mp4",
          "/city-timelapse-4k.mp4", "/interview-extended.mp4", "/podcast-episode-41.m4a"})
        server.serve_bytes(slow, large, {.rate_bytes_per_sec = 1'500'000});
    Config c = base_config(dir.path());
    c.max_workers = 3;
    TaskTableModel model;
    ManagerBridge bridge(std::make_unique<DownloadManager>(c), model);
    MainWindow window(bridge, model, {});
    window.resize(1280, 520);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) std::fprintf(stderr, "window not exposed\n");
    auto url = [&](const char* path) { return server.url(path); };
    bridge.add({{.url = url("/holiday-in-lisbon.mp4")}, {.url = url("/conference-keynote-2026.mkv")}});
    wait_until([&] { return model.count_with(TaskStatus::Completed) == 2; }, 60000);
    // Everything on loopback: a 404 that fails, three that download, three that wait.
    bridge.add({{.url = url("/interview-removed-by-the-server.mp4")}});
    wait_until([&] { return model.count_with(TaskStatus::Failed) == 1; }, 60000);
    bridge.add({{.url = url("/lecture-12-distributed-systems.mp4"), .format = "height<=1080"},
                {.url = url("/concert-recording-live.mp4")},
                {.url = url("/documentary-part-2.mp4"), .format = "height<=720"},
                {.url = url("/city-timelapse-4k.mp4")},
                {.url = url("/interview-extended.mp4")},
                {.url = url("/podcast-episode-41.m4a"), .format = "bestaudio"}});
    wait_until([&] { return model.count_with(TaskStatus::Downloading) == 3; }, 60000);
    // One running download paused, so every state is on screen.
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.task_at(row).task.url.find("documentary") != std::string::npos)
            bridge.manager().pause(model.task_at(row).id);
    wait_until([&] { return model.count_with(TaskStatus::Paused) == 1; }, 30000);
    QTest::qWait(3500);  // speeds and the graph settle
    window.update_status();
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.task_at(row).task.url.find("lecture") != std::string::npos)
            window.view().selectRow(window.proxy().mapFromSource(model.index(row, 0)).row());
    QApplication::processEvents();
    QScreen* screen = window.screen();
    QPixmap shot = screen->grabWindow(window.winId());
    if (shot.isNull() || shot.width() < 100) shot = window.grab();  // platforms without screen grabbing
    const bool saved = shot.save(file, "PNG");
    std::printf("screenshot file=%s width=%d height=%d saved=%d\n", qPrintable(file), shot.width(),
                shot.height(), saved);
    return saved ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    const QStringList args = QApplication::arguments();
    if (args.size() >= 3 && args[1] == "load") return load(args[2].toInt());
    if (args.size() >= 3 && args[1] == "queue") return queue(args[2].toInt());
    if (args.size() >= 3 && args[1] == "screenshot") return screenshot(args[2]);
    std::fprintf(stderr, "usage: arina-gui-bench load SIZE_MIB | queue N | screenshot FILE\n");
    return 2;
}
