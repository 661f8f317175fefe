// The app's window over a real DownloadManager and the loopback test server: add a URL
// through the dialog and get the file byte-exact; pause and resume from the toolbar; quit
// with a download running and continue it at the next start; invalid input; settings
// written to the CLI's config file; the library's log in the log panel.
#include <QAction>
#include <QApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <memory>
#include <optional>
#include <random>

#include "add_dialog.hpp"
#include "core/config_file.hpp"
#include "core/config_layers.hpp"
#include "core/download_manager.hpp"
#include "core/log.hpp"
#include "gui_tests.hpp"
#include "main_window.hpp"
#include "manager_bridge.hpp"
#include "platform_table.hpp"
#include "server/test_server.hpp"
#include "settings_dialog.hpp"
#include "task_filter_proxy.hpp"
#include "task_table_model.hpp"
#include "test_app.hpp"

namespace arina::gui {
namespace {

std::unique_ptr<QTemporaryDir> temp;
std::unique_ptr<testing::TestServer> server;

Config test_config() {
    return loopback_config(temp->path() + "/out");
}

}  // namespace

void WindowTest::init() {
    temp = std::make_unique<QTemporaryDir>();
    server = std::make_unique<testing::TestServer>();
}

void WindowTest::cleanup() {
    server.reset();
    temp.reset();
}

void WindowTest::add_url_downloads_it_byte_exact() {
    const std::string body = random_body(3 * 1024 * 1024 + 17, 1);
    server->serve_bytes("/movie.bin", body);
    App app(test_config());
    AddDialog dialog(app.bridge->manager().config(), app.window.get());
    dialog.set_urls({QString::fromStdString(server->url("/movie.bin"))});
    QVERIFY2(dialog.validate(), qPrintable(dialog.error_text()));
    app.bridge->add(dialog.tasks());
    QTRY_COMPARE_WITH_TIMEOUT(app.model.rowCount(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(app.status_of_row(0), std::optional(TaskStatus::Completed), kTimeoutMs);
    QCOMPARE(app.model.index(0, TaskTableModel::Title).data().toString(), QString("movie.bin"));
    QCOMPARE(app.model.index(0, TaskTableModel::Progress).data().toString(), QString("100.0%"));
    QCOMPARE(sha256_of_file(temp->path() + "/out/movie.bin"), sha256_of(body));
}

void WindowTest::pause_and_resume_from_the_window() {
    const std::string body = random_body(2 * 1024 * 1024, 2);
    server->serve_bytes("/slow.bin", body, {.rate_bytes_per_sec = 300'000});
    App app(test_config());
    app.bridge->add({DownloadTask{.url = server->url("/slow.bin")}});
    QTRY_COMPARE_WITH_TIMEOUT(app.status_of_row(0), std::optional(TaskStatus::Downloading), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(server->body_bytes_sent("/slow.bin") > 100'000, kTimeoutMs);
    app.select_row(0);
    QAction* pause = app.action("Pause");
    QVERIFY(pause);
    QTRY_VERIFY(pause->isEnabled());
    pause->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(app.status_of_row(0), std::optional(TaskStatus::Paused), kTimeoutMs);
    const auto sent_while_paused = server->body_bytes_sent("/slow.bin");
    QTest::qWait(300);
    QCOMPARE(server->body_bytes_sent("/slow.bin"), sent_while_paused);
    QAction* resume = app.action("Resume");
    QTRY_VERIFY(resume->isEnabled());
    server->set_faults("/slow.bin", {});  // full speed from here
    resume->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(app.status_of_row(0), std::optional(TaskStatus::Completed), kTimeoutMs);
    QCOMPARE(sha256_of_file(temp->path() + "/out/slow.bin"), sha256_of(body));
    // Resumed: the bytes fetched before the pause were not fetched again.
    QVERIFY(server->body_bytes_sent("/slow.bin") < static_cast<std::int64_t>(body.size()) + 256 * 1024);
}

void WindowTest::the_queue_continues_after_a_restart() {
    const std::string body = random_body(2 * 1024 * 1024, 3);
    server->serve_bytes("/long.bin", body, {.rate_bytes_per_sec = 300'000});
    Config c = test_config();
    c.database = (temp->path() + "/tasks.db").toStdString();
    {
        App first(c);
        first.bridge->add({DownloadTask{.url = server->url("/long.bin")}});
        QTRY_VERIFY_WITH_TIMEOUT(server->body_bytes_sent("/long.bin") > 200'000, kTimeoutMs);
    }  // quit with the download running
    server->set_faults("/long.bin", {});
    App second(c);
    QCOMPARE(second.model.rowCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(second.status_of_row(0), std::optional(TaskStatus::Completed), kTimeoutMs);
    QCOMPARE(sha256_of_file(temp->path() + "/out/long.bin"), sha256_of(body));
}

void WindowTest::invalid_input_is_shown_in_the_dialog() {
    App app(test_config());
    AddDialog dialog(app.bridge->manager().config(), app.window.get());
    dialog.show();
    QVERIFY(!dialog.validate());
    QCOMPARE(dialog.error_text(), QString("Enter at least one http(s) URL"));
    dialog.set_urls({"https://example.com/ok", "example dot com", "file:///etc/passwd"});
    QVERIFY(!dialog.validate());
    QCOMPARE(dialog.error_text(), QString("line 2: 'example dot com' is not a URL\n"
                                          "line 3: 'file:///etc/passwd' is not an http(s) URL"));
    QVERIFY(dialog.isVisible());
    // A folder below a regular file can never be created, whoever runs the test.
    QFile blocker(temp->path() + "/a-file");
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    dialog.set_urls({"https://example.com/ok"});
    dialog.set_folder(temp->path() + "/a-file/sub");
    dialog.accept();
    QVERIFY(dialog.isVisible());  // accept() refused: the dialog stays open
    QCOMPARE(dialog.error_text(),
             QString("Cannot use folder %1/a-file/sub: Not a directory").arg(temp->path()));
    dialog.set_folder(temp->path() + "/fine");
    QVERIFY(dialog.validate());
    QCOMPARE(dialog.tasks().size(), std::size_t{1});
    QCOMPARE(dialog.error_text(), QString());
    QCOMPARE(app.model.rowCount(), 0);  // nothing was queued by any of this
}

void WindowTest::settings_round_trip_through_the_config_file() {
    const QString path = temp->path() + "/config/config.toml";
    {
        // A key the dialog does not show survives it.
        QDir().mkpath(temp->path() + "/config");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("retry_sleep = 3.5\nmax_workers = 2\n");
    }
    {
        SettingsDialog dialog(path);
        QCOMPARE(dialog.findChild<QSpinBox*>("max_workers")->value(), 2);
        dialog.findChild<QSpinBox*>("max_workers")->setValue(7);
        dialog.findChild<QSpinBox*>("concurrent_fragments")->setValue(12);
        dialog.findChild<QSpinBox*>("chunk_mib")->setValue(3);
        dialog.findChild<QSpinBox*>("retries")->setValue(4);
        dialog.findChild<QDoubleSpinBox*>("rate_limit")->setValue(512);
        dialog.findChild<QDoubleSpinBox*>("socket_timeout")->setValue(9.5);
        dialog.findChild<QLineEdit*>("output_template")->setText("%(uploader)s/%(title)s.%(ext)s");
        dialog.findChild<QLineEdit*>("ytdlp_path")->setText("/opt/yt-dlp/yt-dlp");
        QVERIFY2(dialog.save(), qPrintable(dialog.error_text()));
    }
    auto loaded = Config::load_file(path.toStdString());
    QVERIFY(std::holds_alternative<Config>(loaded));
    const Config c = std::get<Config>(loaded);
    QCOMPARE(c.max_workers, 7);
    QCOMPARE(c.concurrent_fragments, 12);
    QCOMPARE(c.http_chunk_size, std::int64_t{3} * 1024 * 1024);
    QCOMPARE(c.retries, 4);
    QCOMPARE(c.rate_limit, 512.0 * 1024);
    QCOMPARE(c.socket_timeout, 9.5);
    QCOMPARE(c.retry_sleep, 3.5);
    QCOMPARE(c.output_template, std::string("%(uploader)s/%(title)s.%(ext)s"));
    QCOMPARE(c.ytdlp_path, std::string("/opt/yt-dlp/yt-dlp"));
    SettingsDialog again(path);
    QCOMPARE(again.findChild<QLineEdit*>("ytdlp_path")->text(), QString("/opt/yt-dlp/yt-dlp"));
    QCOMPARE(again.findChild<QSpinBox*>("max_workers")->value(), 7);
    QCOMPARE(again.findChild<QSpinBox*>("concurrent_fragments")->value(), 12);

    // A file that does not parse is reported, and never overwritten.
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("max_workers = = 3\n");
    }
    SettingsDialog broken(path);
    QVERIFY(broken.error_text().startsWith(path + ":1: "));
    QVERIFY(!broken.save());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("max_workers = = 3\n"));
}

void WindowTest::platform_profiles_round_trip_to_the_cli_file() {
    const QString path = temp->path() + "/config.toml";
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("max_workers = 3\n[platforms.youtube]\nconcurrent_fragments = 9\n");
    }
    auto row_named = [](QTableWidget& table, const QString& name) {
        for (int row = 0; row < table.rowCount(); ++row)
            if (table.item(row, PlatformTable::Name)->text() == name) return row;
        return -1;
    };
    auto set = [](QTableWidget& table, int row, int column, const QString& text) {
        table.item(row, column)->setText(text);
    };
    {
        SettingsDialog dialog(path);
        auto* table = dialog.findChild<QTableWidget*>("platforms");
        QVERIFY(table);
        // The file's override and the built-in values are shown; built-in names are fixed.
        QCOMPARE(table->rowCount(), 4);
        const int youtube = row_named(*table, "youtube");
        QVERIFY(youtube >= 0);
        QCOMPARE(table->item(youtube, PlatformTable::Connections)->text(), QString("9"));
        QCOMPARE(table->item(youtube, PlatformTable::Qualities)->text(), QString("1080, 720, best"));
        QVERIFY(!(table->item(youtube, PlatformTable::Name)->flags() & Qt::ItemIsEditable));
        set(*table, youtube, PlatformTable::Connections, "2");
        set(*table, youtube, PlatformTable::Qualities, "480, best");
        set(*table, row_named(*table, "pornhub"), PlatformTable::Hosts, "ph.example");
        auto* platform_table = dialog.findChild<PlatformTable*>("platform_profiles");
        const int mine = platform_table->add_platform();
        set(*table, mine, PlatformTable::Name, "mysite");
        set(*table, mine, PlatformTable::Hosts, "videos.example.org, *.cdn.example.net");
        set(*table, mine, PlatformTable::PerHost, "3");
        set(*table, mine, PlatformTable::Headers, "X-Token: a, b; X-Other: c");
        set(*table, mine, PlatformTable::Interval, "1.5");
        QVERIFY2(dialog.save(), qPrintable(dialog.error_text()));
    }
    // What the CLI reads from the file.
    auto read = ConfigLayers::from_file(path.toStdString());
    if (auto* err = std::get_if<Error>(&read)) QFAIL(err->message.c_str());
    const ConfigLayers& layers = std::get<ConfigLayers>(read);
    const Config youtube = layers.resolve_for("https://www.youtube.com/watch?v=x");
    QCOMPARE(youtube.concurrent_fragments, 2);
    QCOMPARE(youtube.quality_preference, (std::vector<std::string>{"480", "best"}));
    QCOMPARE(youtube.max_workers, 3);  // the general settings stayed
    const Config mine = layers.resolve_for("https://a.cdn.example.net/v/1");
    QCOMPARE(mine.max_connections_per_host, 3);
    QCOMPARE(mine.request_interval, 1.5);
    const extract::PlatformDetector detector(layers.resolve().platforms);
    QCOMPARE(detector.detect("https://videos.example.org/watch/1"), std::string("mysite"));
    QCOMPARE(detector.detect("https://ph.example/view"), std::string("pornhub"));
    QCOMPARE(detector.detect("https://www.pornhub.com/view"), std::string("pornhub"));
    const std::vector<extract::Platform> platforms = layers.resolve().platforms;
    const auto headers =
        std::find_if(platforms.begin(), platforms.end(), [](const auto& p) { return p.name == "mysite"; });
    QVERIFY(headers != platforms.end());
    QCOMPARE(headers->profile.headers, (std::vector<std::string>{"X-Token: a, b", "X-Other: c"}));

    // Shown again as saved; what a cell gets wrong is said inline and nothing is written.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray saved = file.readAll();
    file.close();
    SettingsDialog again(path);
    auto* table = again.findChild<QTableWidget*>("platforms");
    QCOMPARE(table->rowCount(), 5);
    QCOMPARE(row_named(*table, "mysite"), 0);
    QCOMPARE(table->item(0, PlatformTable::Hosts)->text(), QString("videos.example.org, *.cdn.example.net"));
    QCOMPARE(table->item(row_named(*table, "pornhub"), PlatformTable::Hosts)->text(), QString("ph.example"));
    const int youtube_row = row_named(*table, "youtube");
    set(*table, youtube_row, PlatformTable::Connections, "six");
    QVERIFY(!again.save());
    QCOMPARE(again.error_text(),
             QString("Platform profiles: youtube: Connections: 'six' is not a whole number"));
    // (0 is "auto" since -N auto: out of range is above 64.)
    set(*table, youtube_row, PlatformTable::Connections, "65");
    QVERIFY(!again.save());
    QVERIFY2(again.error_text().contains(
                 "platforms.youtube.concurrent_fragments: must be between 1 and 64, got 65"),
             qPrintable(again.error_text()));
    set(*table, youtube_row, PlatformTable::Connections, "2");
    set(*table, 0, PlatformTable::Hosts, "");
    QVERIFY(!again.save());
    QVERIFY2(again.error_text().contains("platforms.mysite: not a built-in platform"),
             qPrintable(again.error_text()));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), saved);
    file.close();
    // Removing the platform of one's own (built-in rows stay) saves without it.
    table->selectAll();
    again.findChild<PlatformTable*>("platform_profiles")->remove_selected();
    QCOMPARE(table->rowCount(), 4);
    QVERIFY2(again.save(), qPrintable(again.error_text()));
    auto after = Config::load_file(path.toStdString());
    QVERIFY(std::holds_alternative<Config>(after));
    const Config c = std::get<Config>(after);
    QCOMPARE(extract::PlatformDetector(c.platforms).detect("https://videos.example.org/watch/1"),
             std::string("generic"));
    QCOMPARE(extract::PlatformDetector(c.platforms).detect("https://ph.example/view"),
             std::string("pornhub"));
}

void WindowTest::remove_with_files_from_the_window() {
    const std::string body = random_body(2 * 1024 * 1024, 4);
    server->serve_bytes("/gone.bin", body, {.rate_bytes_per_sec = 300'000});
    App app(test_config());
    app.bridge->add({DownloadTask{.url = server->url("/gone.bin")}});
    QTRY_VERIFY_WITH_TIMEOUT(server->body_bytes_sent("/gone.bin") > 100'000, kTimeoutMs);
    app.select_row(0);
    QAction* pause = app.action("Pause");
    QTRY_VERIFY(pause->isEnabled());
    pause->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(app.status_of_row(0), std::optional(TaskStatus::Paused), kTimeoutMs);
    const QDir out(temp->path() + "/out");
    const auto files = [&] { return out.entryList(QDir::Files | QDir::Hidden); };
    QTRY_VERIFY(!files().isEmpty());  // the partial download and its resume file
    // The confirmation is answered Yes as soon as it shows.
    QString asked;
    QTimer answer;
    connect(&answer, &QTimer::timeout, [&] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            asked = box->text();
            box->button(QMessageBox::Yes)->click();
        }
    });
    answer.start(20);
    QAction* remove_files = app.action("Remove with files");
    QVERIFY(remove_files && remove_files->isEnabled());
    remove_files->trigger();
    answer.stop();
    QCOMPARE(asked, QString("Remove 1 download(s) and delete their files from disk?"));
    QTRY_COMPARE_WITH_TIMEOUT(app.model.rowCount(), 0, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(files(), QStringList(), kTimeoutMs);
}

void WindowTest::the_library_log_reaches_the_log_panel() {
    App app(test_config());
    set_log_level(LogLevel::Warn);
    emit_log(LogLevel::Warn, "a message from a library thread");
    auto* log = app.window->findChild<QPlainTextEdit*>("log");
    QVERIFY(log);
    QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains("warning: a message from a library thread"),
                             kTimeoutMs);
}

}  // namespace arina::gui
