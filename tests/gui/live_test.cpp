// The window while downloads run, over a real DownloadManager and the loopback server:
// settings changed in the dialog reach the running engine (max workers, rate limit) and the
// downloads started afterwards (folder, connections); the
// status bar shows the manager's figures (counts exact) and feeds the speed graph; a stream
// task's status column says its stage (fragment N of M). HLS fixtures are made with the
// ffmpeg program (an argument vector, no shell).
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProcess>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <memory>
#include <set>

#include "core/config_file.hpp"
#include "gui_tests.hpp"
#include "server/test_server.hpp"
#include "settings_dialog.hpp"
#include "speed_graph.hpp"
#include "test_app.hpp"

namespace arina::gui {
namespace {

std::unique_ptr<QTemporaryDir> temp;
std::unique_ptr<testing::TestServer> server;

Config live_config() {
    Config c = loopback_config(temp->path() + "/out");
    c.max_workers = 2;
    return c;
}

int count_with(DownloadManager& manager, TaskStatus status) {
    int n = 0;
    for (const auto& t : manager.list()) n += t.status == status;
    return n;
}

// Bytes received so far by every task of the manager.
std::int64_t received(DownloadManager& manager) {
    std::int64_t sum = 0;
    for (const auto& t : manager.list()) sum += t.done_bytes;
    return sum;
}

// Opens Settings... from the window, lets `edit` change the dialog, and presses OK (the
// dialog runs modal: it is edited from a timer inside its event loop).
QString change_settings(App& app, const std::function<void(SettingsDialog&)>& edit) {
    QString problem = "the settings dialog did not open";
    QTimer pick;
    pick.setInterval(10);
    QObject::connect(&pick, &QTimer::timeout, [&] {
        auto* dialog = qobject_cast<SettingsDialog*>(QApplication::activeModalWidget());
        if (!dialog) return;
        pick.stop();
        edit(*dialog);
        dialog->accept();
        problem = dialog->isVisible() ? "OK refused: " + dialog->error_text() : QString();
        if (dialog->isVisible()) dialog->reject();
    });
    pick.start();
    app.action("Settings...")->trigger();
    return problem;
}

// Runs a program (no shell); false, with its stderr as a warning, when it failed.
bool run(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(120'000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning("%s failed: %s", qPrintable(program), p.readAllStandardError().constData());
        return false;
    }
    return true;
}

// 8 s of 320x240 H.264 + AAC as VOD HLS in 1 s segments: DIR/index.m3u8, DIR/seg0.ts...
bool make_hls(const QString& dir) {
    QDir().mkpath(dir);
    return run("ffmpeg", {"-hide_banner",
                          "-nostdin",
                          "-v",
                          "error",
                          "-y",
                          "-f",
                          "lavfi",
                          "-i",
                          "testsrc2=size=320x240:rate=25",
                          "-f",
                          "lavfi",
                          "-i",
                          "sine=frequency=440:sample_rate=44100",
                          "-t",
                          "8",
                          "-c:v",
                          "libx264",
                          "-preset",
                          "ultrafast",
                          "-g",
                          "25",
                          "-keyint_min",
                          "25",
                          "-sc_threshold",
                          "0",
                          "-pix_fmt",
                          "yuv420p",
                          "-c:a",
                          "aac",
                          "-b:a",
                          "64k",
                          "-f",
                          "hls",
                          "-hls_time",
                          "1",
                          "-hls_playlist_type",
                          "vod",
                          "-hls_segment_filename",
                          dir + "/seg%d.ts",
                          dir + "/index.m3u8"});
}

int segments_in(const QString& playlist) {
    QFile f(playlist);
    if (!f.open(QIODevice::ReadOnly)) return 0;
    return static_cast<int>(f.readAll().count("#EXTINF"));
}

}  // namespace

void LiveTest::init() {
    temp = std::make_unique<QTemporaryDir>();
    server = std::make_unique<testing::TestServer>();
}

void LiveTest::cleanup() {
    server.reset();
    temp.reset();
}

void LiveTest::settings_apply_without_a_restart() {
    const QString path = temp->path() + "/config.toml";
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("max_workers = 1\n");
    }
    Config c = live_config();
    c.max_workers = 1;
    std::vector<DownloadTask> tasks;
    for (const char* name : {"/w1", "/w2", "/w3", "/w4"}) {
        server->serve_bytes(name, random_body(8 * 1024 * 1024, 71), {.rate_bytes_per_sec = 100'000});
        tasks.push_back({.url = server->url(name)});
    }
    App app(c, WindowOptions{.config_path = path});
    DownloadManager& manager = app.bridge->manager();
    app.bridge->add(tasks);
    QTRY_VERIFY_WITH_TIMEOUT(
        count_with(manager, TaskStatus::Downloading) == 1 && count_with(manager, TaskStatus::Queued) == 3,
        kTimeoutMs);
    QTest::qWait(500);
    QCOMPARE(count_with(manager, TaskStatus::Downloading), 1);

    // Max workers 1 -> 3: two more start at once, without a restart.
    QString problem =
        change_settings(app, [](SettingsDialog& d) { d.findChild<QSpinBox*>("max_workers")->setValue(3); });
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_VERIFY_WITH_TIMEOUT(
        count_with(manager, TaskStatus::Downloading) == 3 && count_with(manager, TaskStatus::Queued) == 1,
        kTimeoutMs);
    QTest::qWait(500);
    QCOMPARE(count_with(manager, TaskStatus::Downloading), 3);  // and not 4
    auto saved = Config::load_file(path.toStdString());
    QVERIFY(std::holds_alternative<Config>(saved));
    QCOMPARE(std::get<Config>(saved).max_workers, 3);

    // A rate limit of 64 KiB/s for all of them, from the running engine on.
    std::int64_t start = received(manager);
    QTest::qWait(2000);
    const std::int64_t unlimited = received(manager) - start;
    problem = change_settings(
        app, [](SettingsDialog& d) { d.findChild<QDoubleSpinBox*>("rate_limit")->setValue(64); });
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTest::qWait(1000);  // what was in flight settles
    start = received(manager);
    QTest::qWait(3000);
    const std::int64_t limited = received(manager) - start;
    qInfo("received in 2 s before the limit: %lld bytes; in 3 s under 64 KiB/s: %lld bytes",
          static_cast<long long>(unlimited), static_cast<long long>(limited));
    const std::int64_t allowed = 3 * 64 * 1024 * 3 / 2 + 128 * 1024;  // 1.5x, plus a chunk in flight
    QVERIFY2(limited <= allowed, qPrintable(QString("%1 > %2").arg(limited).arg(allowed)));
    QVERIFY2(unlimited > allowed, qPrintable(QString("%1 <= %2").arg(unlimited).arg(allowed)));
    QVERIFY(limited > 0);  // limited, not stopped
}

namespace {

// The connections `path` was fetched over (the server's connection ids).
std::set<int> connections_for(const char* path) {
    std::set<int> ids;
    for (const auto& r : server->requests_for(path)) ids.insert(r.connection_id);
    return ids;
}

bool file_is(const QString& path, const std::string& body) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) && f.readAll() == QByteArray::fromStdString(body);
}

}  // namespace

void LiveTest::settings_reach_the_downloads_that_start_afterwards() {
    const QString path = temp->path() + "/config.toml";
    const QString before = temp->path() + "/before", after = temp->path() + "/after";
    Config c = live_config();
    c.concurrent_fragments = 1;
    c.output_dir = before.toStdString();
    const std::string a = random_body(1024 * 1024, 91), b = random_body(1024 * 1024, 92);
    server->serve_bytes("/a.bin", a, {.rate_bytes_per_sec = 200'000});
    server->serve_bytes("/b.bin", b, {.rate_bytes_per_sec = 200'000});
    App app(c, WindowOptions{.config_path = path});
    DownloadManager& manager = app.bridge->manager();
    app.bridge->add({{.url = server->url("/a.bin")}});
    QTRY_VERIFY_WITH_TIMEOUT(count_with(manager, TaskStatus::Downloading) == 1, kTimeoutMs);

    // Another folder and 4 connections per download, while "a" runs with 1.
    const QString problem = change_settings(app, [&](SettingsDialog& d) {
        d.findChild<QLineEdit*>("output_dir")->setText(after);
        d.findChild<QSpinBox*>("concurrent_fragments")->setValue(4);
    });
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(manager.config().concurrent_fragments, 4);
    QCOMPARE(QString::fromStdString(manager.config().output_dir.string()), after);
    app.bridge->add({{.url = server->url("/b.bin")}});
    QTRY_VERIFY_WITH_TIMEOUT(count_with(manager, TaskStatus::Completed) == 2, kTimeoutMs);

    // "b" started afterwards: the new folder, several connections; "a" kept what it started with.
    QVERIFY(file_is(after + "/b.bin", b));
    QVERIFY(file_is(before + "/a.bin", a));
    QVERIFY(!QFile::exists(after + "/a.bin") && !QFile::exists(before + "/b.bin"));
    QCOMPARE(connections_for("/a.bin").size(), std::size_t{1});
    const std::size_t b_connections = connections_for("/b.bin").size();
    QVERIFY2(b_connections > 1 && b_connections <= 4, qPrintable(QString::number(b_connections)));
}

void LiveTest::the_status_bar_shows_the_managers_figures() {
    std::vector<DownloadTask> tasks;
    for (const char* name : {"/s1", "/s2", "/s3", "/s4"}) {
        server->serve_bytes(name, random_body(4 * 1024 * 1024, 81), {.rate_bytes_per_sec = 100'000});
        tasks.push_back({.url = server->url(name)});
    }
    App app(live_config());  // two workers
    DownloadManager& manager = app.bridge->manager();
    app.bridge->add(tasks);
    QTRY_VERIFY_WITH_TIMEOUT(manager.metrics().active_tasks == 2 && manager.metrics().queued_tasks == 2 &&
                                 manager.metrics().active_connections >= 2 && manager.metrics().speed > 0,
                             kTimeoutMs);
    auto* tasks_label = app.window->findChild<QLabel*>("status-tasks");
    auto* speed_label = app.window->findChild<QLabel*>("status-speed");
    auto* system_label = app.window->findChild<QLabel*>("status-system");
    auto* graph = app.window->findChild<SpeedGraph*>("status-graph");
    QVERIFY(tasks_label && speed_label && system_label && graph);

    const std::size_t samples = graph->samples().size();
    app.window->update_status();
    const Metrics m = app.window->shown_metrics();
    QCOMPARE(m.active_tasks, 2);
    QCOMPARE(m.queued_tasks, 2);
    QCOMPARE(tasks_label->text(), QString("2 active, 2 queued"));
    // Speed: what the manager measured, and plausible (2 tasks, each connection at 100 kB/s).
    QVERIFY2(m.speed > 0 && m.speed <= 2 * 8 * 100'000 * 1.5, qPrintable(QString::number(m.speed)));
    QCOMPARE(speed_label->text(), QLocale::system().formattedDataSize(static_cast<qint64>(m.speed), 1,
                                                                      QLocale::DataSizeTraditionalFormat) +
                                      "/s");
    // Connections, threads, memory: the manager's figures, which are the process's.
    QVERIFY2(m.active_connections >= 2, qPrintable(QString::number(m.active_connections)));
    QVERIFY2(std::abs(m.threads - process_thread_count()) <= 4,
             qPrintable(QString("%1 vs %2").arg(m.threads).arg(process_thread_count())));
    const std::int64_t rss = process_rss_bytes();
    QVERIFY2(m.rss_bytes > rss / 2 && m.rss_bytes < rss * 2,
             qPrintable(QString("%1 vs %2").arg(m.rss_bytes).arg(rss)));
    QCOMPARE(system_label->text(), QString("%1 connections, %2 threads, %3")
                                       .arg(m.active_connections)
                                       .arg(m.threads)
                                       .arg(QLocale::system().formattedDataSize(
                                           m.rss_bytes, 0, QLocale::DataSizeTraditionalFormat)));
    // The graph got the same sample.
    QCOMPARE(graph->samples().size(), std::min(samples + 1, SpeedGraph::kSamples));
    QCOMPARE(graph->samples().back(), m.speed);

    // One of the two pauses: the queued one behind it starts, and the status bar's own
    // timer (once a second) shows it.
    const TaskId first = app.model.task_at(0).id;
    QVERIFY(manager.pause(first));
    QTRY_COMPARE_WITH_TIMEOUT(tasks_label->text(), QString("2 active, 1 queued"), kTimeoutMs);
    QCOMPARE(manager.metrics().active_tasks, 2);
    QCOMPARE(manager.metrics().queued_tasks, 1);
    QVERIFY(manager.cancel(app.model.task_at(1).id));
    QVERIFY(manager.cancel(app.model.task_at(2).id));
    QVERIFY(manager.cancel(app.model.task_at(3).id));
    QTRY_COMPARE_WITH_TIMEOUT(tasks_label->text(), QString("0 active, 0 queued"), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(
        speed_label->text(),
        QLocale::system().formattedDataSize(0, 1, QLocale::DataSizeTraditionalFormat) + "/s", kTimeoutMs);
}

void LiveTest::a_stream_task_shows_its_stage() {
    const QString www = temp->path() + "/www/hls";
    QVERIFY(make_hls(www));
    const int fragments = segments_in(www + "/index.m3u8");
    QVERIFY2(fragments >= 6, qPrintable(QString::number(fragments)));
    server->serve_directory("/hls", www.toStdString(), {.rate_bytes_per_sec = 60'000});
    App app(live_config());
    // Every text the status column showed for the task, in order, without repeats.
    QStringList shown;
    auto record = [&] {
        if (app.model.rowCount() == 0) return;
        const QString text = app.model.index(0, TaskTableModel::Status).data().toString();
        if (shown.isEmpty() || shown.back() != text) shown << text;
    };
    QObject::connect(&app.model, &QAbstractItemModel::dataChanged, record);
    QObject::connect(&app.model, &QAbstractItemModel::rowsInserted, record);
    app.bridge->add({DownloadTask{.url = server->url("/hls/index.m3u8")}});
    QTRY_COMPARE_WITH_TIMEOUT(app.status_of_row(0), std::optional(TaskStatus::Completed), 2 * kTimeoutMs);
    qInfo("status column: %s", qPrintable(shown.join(" | ")));
    QCOMPARE(shown.back(), QString("completed"));
    // "downloading fragment N of M": M the playlist's, N counting up, several shown.
    const QRegularExpression fragment_text(QString("^downloading fragment (\\d+) of %1$").arg(fragments));
    QList<int> numbers;
    for (const QString& text : shown) {
        if (const auto match = fragment_text.match(text); match.hasMatch())
            numbers << match.captured(1).toInt();
        // A stage is shown under its own status only.
        QVERIFY2(!text.startsWith("post-processing: downloading"), qPrintable(text));
        QVERIFY2(!text.startsWith("downloading: "), qPrintable(text));
    }
    QVERIFY2(numbers.size() >= 2, qPrintable(shown.join(" | ")));
    QVERIFY2(std::is_sorted(numbers.begin(), numbers.end()), qPrintable(shown.join(" | ")));
    QVERIFY(numbers.back() <= fragments);
    // Then the mux, under its own status, when it lasted long enough to be shown (a remux
    // of 8 s takes a few ms: ModelTest::stages_are_shown_in_the_status_column covers its text).
    if (shown.contains("post-processing: muxing"))
        QVERIFY(shown.indexOf("post-processing: muxing") > shown.indexOf(fragment_text));
    QCOMPARE(app.model.index(0, TaskTableModel::Progress).data().toString(), QString("100.0%"));
}

}  // namespace arina::gui
