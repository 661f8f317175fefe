// The Add dialog's format picker against the loopback server: a DASH manifest's representations
// listed and a video + audio pair downloaded as one file; a page's <video> listed and downloaded;
// a plain file and a 404 said inline; a probe cancelled by closing the dialog leaves no thread
// behind. Media fixtures are made with the ffmpeg program, outputs read with ffprobe
// (both through argument vectors).
#include <QDialog>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <algorithm>
#include <memory>

#include "add_dialog.hpp"
#include "core/download_manager.hpp"
#include "format_columns.hpp"
#include "format_picker.hpp"
#include "gui_tests.hpp"
#include "manager_bridge.hpp"
#include "server/test_server.hpp"
#include "task_table_model.hpp"

namespace arina::gui {
namespace {

constexpr int kTimeoutMs = 60'000;  // a loaded machine under ASan

std::unique_ptr<QTemporaryDir> temp;
std::unique_ptr<testing::TestServer> server;

Config test_config() {
    Config c;
    c.max_workers = 2;
    c.concurrent_fragments = 2;
    c.retry_sleep = 0.01;
    c.retry_sleep_max = 0.05;
    c.retries = 1;
    c.socket_timeout = 5;
    c.output_dir = (temp->path() + "/out").toStdString();
    return c;
}

// Runs a program (no shell); its stdout, or a failure naming it.
QByteArray run(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(120'000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning("%s failed: %s", qPrintable(program), p.readAllStandardError().constData());
        return {};
    }
    return p.readAllStandardOutput();
}

// 4 s of 320x240 H.264 + AAC: a DASH manifest (representation 0 = video, 1 = audio).
bool make_dash(const QString& dir) {
    QDir().mkpath(dir);
    run("ffmpeg", {"-hide_banner",
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
                   "4",
                   "-c:v",
                   "libx264",
                   "-preset",
                   "ultrafast",
                   "-g",
                   "25",
                   "-pix_fmt",
                   "yuv420p",
                   "-c:a",
                   "aac",
                   "-b:a",
                   "64k",
                   "-map",
                   "0",
                   "-map",
                   "1",
                   "-f",
                   "dash",
                   "-seg_duration",
                   "1",
                   "-use_template",
                   "1",
                   "-use_timeline",
                   "0",
                   dir + "/manifest.mpd"});
    return QFile::exists(dir + "/manifest.mpd");
}

bool make_mp4(const QString& file) {
    QDir().mkpath(QFileInfo(file).path());
    run("ffmpeg", {"-hide_banner", "-nostdin", "-v",
                   "error",        "-y",       "-f",
                   "lavfi",        "-i",       "testsrc2=size=320x240:rate=25",
                   "-t",           "2",        "-c:v",
                   "libx264",      "-preset",  "ultrafast",
                   "-pix_fmt",     "yuv420p",  "-movflags",
                   "+faststart",   file});
    return QFile::exists(file);
}

// "video,audio" for a file with one video and one audio stream.
QString stream_kinds(const QString& file) {
    const QByteArray out =
        run("ffprobe", {"-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", file});
    return QString::fromUtf8(out).trimmed().split('\n').join(',');
}

QStringList listed_ids(AddDialog& dialog) {
    QStringList ids;
    auto* table = dialog.findChild<QTreeWidget*>("formats");
    for (int i = 0; table && i < table->topLevelItemCount(); ++i) ids << table->topLevelItem(i)->text(0);
    return ids;
}

// The longest the GUI thread went without running a 5 ms timer: how long it was blocked.
struct EventLoopGaps {
    QTimer timer;
    QElapsedTimer clock;
    qint64 last = 0;
    qint64 longest = 0;
    EventLoopGaps() {
        clock.start();
        timer.setInterval(5);
        QObject::connect(&timer, &QTimer::timeout, [this] {
            const qint64 now = clock.elapsed();
            longest = std::max(longest, now - last);
            last = now;
        });
        timer.start();
    }
};

int thread_count() {
    return static_cast<int>(QDir("/proc/self/task").entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
}

// The manager under the dialog, as the app holds it.
struct Manager {
    TaskTableModel model;
    ManagerBridge bridge;
    explicit Manager(Config c) : bridge(std::make_unique<DownloadManager>(std::move(c)), model) {}
    std::optional<TaskStatus> status_of_row(int row) const {
        if (row >= model.rowCount()) return std::nullopt;
        return static_cast<TaskStatus>(model.index(row, 0).data(TaskTableModel::StatusRole).toInt());
    }
    QString file_of_row(int row) const {
        return model.index(row, 0).data(TaskTableModel::FileRole).toString();
    }
};

// Presses "Formats..." and waits for the probe to end (a macro: QTRY returns from the test).
#define PROBE(dialog)                                                                                    \
    do {                                                                                                 \
        auto* button = (dialog).findChild<QPushButton*>("probe_formats");                                \
        QVERIFY(button);                                                                                 \
        button->click();                                                                                 \
        QTRY_VERIFY_WITH_TIMEOUT((dialog).picker().state() != FormatPicker::State::Probing, kTimeoutMs); \
    } while (false)

}  // namespace

void PickerTest::init() {
    temp = std::make_unique<QTemporaryDir>();
    server = std::make_unique<testing::TestServer>();
}

void PickerTest::cleanup() {
    server.reset();
    temp.reset();
}

void PickerTest::dash_representations_are_listed_and_a_pair_is_downloaded() {
    QVERIFY(make_dash(temp->path() + "/www/dash"));
    server->serve_directory("/dash", (temp->path() + "/www/dash").toStdString());
    Manager m(test_config());
    AddDialog dialog(m.bridge.manager().config());
    dialog.show();
    dialog.set_urls({QString::fromStdString(server->url("/dash/manifest.mpd"))});
    // A slow server: a probe waited for on the GUI thread would stall it for 800 ms.
    server->set_faults("/dash/manifest.mpd", {.latency_ms = 800});
    QElapsedTimer probing;
    probing.start();
    {
        EventLoopGaps gaps;
        PROBE(dialog);
        qInfo("probe took %lld ms; the GUI thread's longest stall meanwhile: %lld ms",
              static_cast<long long>(probing.elapsed()), static_cast<long long>(gaps.longest));
        QVERIFY(probing.elapsed() >= 800);
        QVERIFY2(gaps.longest < 400, qPrintable(QString::number(gaps.longest)));
    }
    server->set_faults("/dash/manifest.mpd", {});
    QCOMPARE(dialog.picker().state(), FormatPicker::State::Listed);
    QCOMPARE(listed_ids(dialog), (QStringList{"0", "1"}));  // the manifest's Representation ids
    auto* table = dialog.findChild<QTreeWidget*>("formats");
    QCOMPARE(table->topLevelItem(0)->text(1), QString("video"));
    QCOMPARE(table->topLevelItem(0)->text(2), QString("320x240"));
    QCOMPARE(table->topLevelItem(1)->text(1), QString("audio"));
    QVERIFY(table->topLevelItem(1)->text(5).startsWith("mp4a"));
    QVERIFY(dialog.findChild<QLabel*>("probe_title")->text().contains("00:04"));

    // Nothing chosen: the best (empty format).
    QVERIFY(dialog.validate());
    QCOMPARE(dialog.tasks().at(0).format, std::string());
    dialog.picker().select_ids({"0"});
    QVERIFY(dialog.validate());
    QCOMPARE(dialog.tasks().at(0).format, std::string("0"));
    dialog.picker().select_ids({"0", "1"});
    QVERIFY2(dialog.validate(), qPrintable(dialog.error_text()));
    // ARINA_PICKER_SCREENSHOT=file.png keeps a picture of the dialog as it is now (for the docs).
    if (const QString shot = qEnvironmentVariable("ARINA_PICKER_SCREENSHOT"); !shot.isEmpty())
        QVERIFY(dialog.grab().save(shot));
    QCOMPARE(dialog.tasks().at(0).format, std::string("0+1"));

    QCOMPARE(m.model.rowCount(), 0);  // nothing queued before "Add"
    m.bridge.add(dialog.tasks());
    QTRY_COMPARE_WITH_TIMEOUT(m.model.rowCount(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m.status_of_row(0), std::optional(TaskStatus::Completed), kTimeoutMs);
    QCOMPARE(m.model.index(0, TaskTableModel::Format).data().toString(), QString("0+1 / mp4"));
    const QString file = m.file_of_row(0);
    QVERIFY2(QFile::exists(file), qPrintable(file));
    QCOMPARE(stream_kinds(file), QString("video,audio"));
}

void PickerTest::rows_combine_only_as_one_video_and_one_audio() {
    const FormatInfo v1{.id = "v1", .type = "video"}, v2{.id = "v2", .type = "video"};
    const FormatInfo a{.id = "a", .type = "audio"}, av{.id = "av", .type = "video+audio"};
    QCOMPARE(choose_format({}).format, QString());
    QCOMPARE(choose_format({av}).format, QString("av"));
    QCOMPARE(choose_format({a, v2}).format, QString("v2+a"));  // video first, whatever the order
    const QString problem("Choose one format, or one video-only and one audio-only format");
    QCOMPARE(choose_format({v1, v2}).problem, problem);
    QCOMPARE(choose_format({av, a}).problem, problem);
    QCOMPARE(choose_format({v1, a, v2}).problem, problem);
    const FormatInfo hd{.id = "7",
                        .width = 1920,
                        .height = 1080,
                        .fps = 29.97,
                        .bandwidth = 4'500'123,
                        .codecs = "avc1.640028",
                        .ext = "mp4",
                        .filesize = 3 * 1024 * 1024};
    QCOMPARE(format_cells(hd),
             (QStringList{"7", "", "1920x1080", "29.97", "4500k", "avc1.640028", "mp4", "3.00MiB"}));
}

void PickerTest::a_page_video_is_listed_and_downloaded() {
    QVERIFY(make_mp4(temp->path() + "/www/media/clip.mp4"));
    server->serve_directory("/media", (temp->path() + "/www/media").toStdString());
    server->serve_bytes(
        "/watch/7",
        "<!doctype html><html><head><title>Seven</title></head><body>"
        "<video controls><source src=\"/media/clip.mp4\" type=\"video/mp4\"></video></body></html>",
        {.content_type = "text/html; charset=utf-8"});
    Config c = test_config();
    c.ytdlp_path = "/nonexistent/yt-dlp";  // the page's own <video> is the answer: no yt-dlp in this test
    Manager m(c);
    AddDialog dialog(m.bridge.manager().config());
    dialog.show();
    dialog.set_urls({QString::fromStdString(server->url("/watch/7"))});
    PROBE(dialog);
    QCOMPARE(dialog.picker().state(), FormatPicker::State::Listed);
    QCOMPARE(dialog.picker().result()->title, std::string("Seven"));
    const QStringList ids = listed_ids(dialog);
    QCOMPARE(ids, QStringList{"html-1"});  // the page's one <video>
    // Double-clicking the row chooses it and adds.
    auto* table = dialog.findChild<QTreeWidget*>("formats");
    const QRect row = table->visualItemRect(table->topLevelItem(0));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, row.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, row.center());
    QTRY_VERIFY(!dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(QString::fromStdString(dialog.tasks().at(0).format), ids.front());
    m.bridge.add(dialog.tasks());
    QTRY_COMPARE_WITH_TIMEOUT(m.model.rowCount(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m.status_of_row(0), std::optional(TaskStatus::Completed), kTimeoutMs);
    // Saved under the page's title and id; tagged with them, so its bytes are not the clip's: its
    // streams are.
    QCOMPARE(QFileInfo(m.file_of_row(0)).fileName(), QString("Seven [7].mp4"));
    QCOMPARE(stream_kinds(m.file_of_row(0)), QString("video"));
}

void PickerTest::a_playlist_says_its_entries_and_queues_the_page() {
    // A page the native extractors find nothing on; yt-dlp (the stand-in) says it is a playlist.
    server->serve_bytes("/course", "<html><head><title>Course</title></head><body>lectures</body></html>",
                        {.content_type = "text/html"});
    Config c = test_config();
    c.ytdlp_path = ARINA_FAKE_YTDLP;
    AddDialog dialog(c);
    dialog.show();
    const QString url = QString::fromStdString(server->url("/course?fixture=flat_playlist"));
    dialog.set_urls({url});
    PROBE(dialog);
    QCOMPARE(dialog.picker().state(), FormatPicker::State::Listed);
    QCOMPARE(dialog.picker().status_text(), QString("Playlist: 50 entries"));
    QCOMPARE(dialog.findChild<QLabel*>("probe_title")->text(), QString("Introduction to Algorithms"));
    QVERIFY(listed_ids(dialog).isEmpty());
    QVERIFY(dialog.validate());
    QCOMPARE(dialog.tasks().size(), std::size_t{1});  // the page: the manager expands it
    QCOMPARE(QString::fromStdString(dialog.tasks().at(0).url), url);
    QCOMPARE(dialog.tasks().at(0).format, std::string());
}

void PickerTest::a_plain_file_and_a_404_are_said_inline() {
    server->serve_bytes("/data.bin", std::string(100'000, 'x'));
    server->serve_bytes("/gone.mpd", "<MPD/>", {.error_status = 404});
    AddDialog dialog(test_config());
    dialog.show();
    dialog.set_urls({QString::fromStdString(server->url("/data.bin"))});
    PROBE(dialog);
    QCOMPARE(dialog.picker().state(), FormatPicker::State::Listed);
    QCOMPARE(dialog.picker().status_text(), QString("a plain file; it has one format"));
    QVERIFY(listed_ids(dialog).isEmpty());

    // Another URL clears what was listed for the first.
    const QString gone = QString::fromStdString(server->url("/gone.mpd"));
    dialog.set_urls({gone});
    QCOMPARE(dialog.picker().state(), FormatPicker::State::Idle);
    PROBE(dialog);
    QCOMPARE(dialog.picker().state(), FormatPicker::State::Failed);
    QCOMPARE(dialog.picker().status_text(), QString::fromStdString(dialog.picker().result()->error.message));
    QCOMPARE(dialog.picker().status_text(), QString("page %1: server answered HTTP 404").arg(gone));
    QCOMPARE(dialog.findChild<QLabel*>("probe_status")->text(), dialog.picker().status_text());
}

void PickerTest::closing_the_dialog_cancels_the_probe_promptly() {
    // The manifest's server answers the head and then nothing: the probe waits until cancelled.
    server->serve_bytes("/stuck.mpd", std::string(10'000, ' '), {.stall_after_bytes = 10});
    const int threads_before = thread_count();
    auto dialog = std::make_unique<AddDialog>(test_config());
    dialog->show();
    dialog->set_urls({QString::fromStdString(server->url("/stuck.mpd"))});
    dialog->findChild<QPushButton*>("probe_formats")->click();
    QCOMPARE(dialog->picker().state(), FormatPicker::State::Probing);
    QVERIFY(dialog->findChild<QWidget*>("probe_busy")->isVisible());
    QVERIFY(dialog->findChild<QWidget*>("probe_cancel")->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!server->requests_for("/stuck.mpd").empty(), kTimeoutMs);
    QTest::qWait(200);
    QCOMPARE(dialog->picker().state(), FormatPicker::State::Probing);  // still waiting on the server

    QElapsedTimer closing;
    closing.start();
    dialog->reject();
    QVERIFY(!dialog->isVisible());
    QCOMPARE(dialog->picker().state(), FormatPicker::State::Cancelled);
    dialog.reset();  // joins the probe's thread
    const qint64 ms = closing.elapsed();
    qInfo("dialog closed and probe thread joined in %lld ms", static_cast<long long>(ms));
    QVERIFY2(ms < 2000, qPrintable(QString::number(ms)));
    QTRY_COMPARE_WITH_TIMEOUT(thread_count(), threads_before, 5000);
}

void PickerTest::the_cancel_button_stops_the_probe_without_blocking() {
    server->serve_bytes("/stuck.mpd", std::string(10'000, ' '), {.stall_after_bytes = 10});
    AddDialog dialog(test_config());
    dialog.show();
    dialog.set_urls({QString::fromStdString(server->url("/stuck.mpd"))});
    dialog.findChild<QPushButton*>("probe_formats")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!server->requests_for("/stuck.mpd").empty(), kTimeoutMs);
    QElapsedTimer clicking;
    clicking.start();
    dialog.findChild<QPushButton*>("probe_cancel")->click();
    QVERIFY(clicking.elapsed() < 100);  // the GUI thread does not wait for the probe's thread
    QCOMPARE(dialog.picker().state(), FormatPicker::State::Cancelled);
    QCOMPARE(dialog.picker().status_text(), QString("Cancelled"));
    QVERIFY(!dialog.findChild<QWidget*>("probe_busy")->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(dialog.picker().probes_alive(), 0, 5000);
    // Adding still works after a cancelled probe, with the best format.
    QVERIFY(dialog.validate());
    QCOMPARE(dialog.tasks().at(0).format, std::string());
}

}  // namespace arina::gui
