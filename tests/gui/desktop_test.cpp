// The window as part of the desktop: URLs dropped on it (and .txt lists of them), the
// clipboard watcher that offers and never starts, the tray icon's progress and notifications,
// and closing to the tray with downloads running. Against the loopback server; the offscreen
// platform has no system tray, so the tests say there is one (WindowOptions::tray_available)
// and check what the window shows in it.
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <set>

#include "add_dialog.hpp"
#include "gui_tests.hpp"
#include "server/test_server.hpp"
#include "test_app.hpp"

namespace arina::gui {
namespace {

std::unique_ptr<QTemporaryDir> temp;
std::unique_ptr<testing::TestServer> server;

Config desktop_config() {
    Config c = loopback_config(temp->path() + "/out");
    // A failure is the outcome under test, not something to retry.
    c.retries = 0;
    c.fragment_retries = 0;
    return c;
}

QString url(const char* path) {
    return QString::fromStdString(server->url(path));
}

std::set<QString> urls_in(const TaskTableModel& model) {
    std::set<QString> out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.insert(model.index(row, 0).data(TaskTableModel::UrlRole).toString());
    return out;
}

bool all_completed(const TaskTableModel& model) {
    for (int row = 0; row < model.rowCount(); ++row)
        if (static_cast<TaskStatus>(model.index(row, 0).data(TaskTableModel::StatusRole).toInt()) !=
            TaskStatus::Completed)
            return false;
    return model.rowCount() > 0;
}

QAction* action_named(MainWindow& window, const QString& text) {
    for (QAction* a : window.findChildren<QAction*>())
        if (a->text().remove('&') == text) return a;
    return nullptr;
}

}  // namespace

void DesktopTest::init() {
    temp = std::make_unique<QTemporaryDir>();
    server = std::make_unique<testing::TestServer>();
}

void DesktopTest::cleanup() {
    server.reset();
    temp.reset();
}

void DesktopTest::dropped_urls_and_txt_lists_are_offered_then_added() {
    const std::string a = random_body(300'000, 11), b = random_body(200'000, 12),
                      c = random_body(100'000, 13);
    server->serve_bytes("/a.bin", a);
    server->serve_bytes("/b.bin", b);
    server->serve_bytes("/c.bin", c);
    App app(desktop_config());
    const QString list = temp->path() + "/list.txt";
    {
        QFile f(list);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(("# my list\n" + url("/b.bin") + "\n\nnot a url\n" + url("/c.bin") + "\n").toUtf8());
    }
    QMimeData dropped;
    dropped.setUrls({QUrl(url("/a.bin")), QUrl::fromLocalFile(list)});
    QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &dropped, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(app.window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(20, 20), Qt::CopyAction, &dropped, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(app.window.get(), &drop);
    // The list's bad line is said; the rest is offered in the Add dialog, nothing queued yet.
    QCOMPARE(app.window->statusBar()->currentMessage(), list + ", line 4: 'not a url' is not a URL");
    AddDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = app.window->findChild<AddDialog*>()) != nullptr);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->findChild<QPlainTextEdit*>("urls")->toPlainText(),
             QStringList({url("/a.bin"), url("/b.bin"), url("/c.bin")}).join('\n'));
    QCOMPARE(app.model.rowCount(), 0);
    dialog->accept();
    QTRY_COMPARE_WITH_TIMEOUT(app.model.rowCount(), 3, kTimeoutMs);
    QCOMPARE(urls_in(app.model), (std::set<QString>{url("/a.bin"), url("/b.bin"), url("/c.bin")}));
    QTRY_VERIFY_WITH_TIMEOUT(all_completed(app.model), kTimeoutMs);
    QCOMPARE(sha256_of_file(temp->path() + "/out/a.bin"), sha256_of(a));
    QCOMPARE(sha256_of_file(temp->path() + "/out/b.bin"), sha256_of(b));
    QCOMPARE(sha256_of_file(temp->path() + "/out/c.bin"), sha256_of(c));
    QTRY_VERIFY(app.window->findChild<AddDialog*>() == nullptr);  // closed dialogs are deleted

    // Dropped text is read as lines too; cancelling the dialog adds nothing.
    QMimeData text;
    text.setText(url("/d.bin") + "\n");
    QDragEnterEvent text_enter(QPoint(20, 20), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(app.window.get(), &text_enter);
    QVERIFY(text_enter.isAccepted());
    QDropEvent text_drop(QPointF(20, 20), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(app.window.get(), &text_drop);
    QTRY_VERIFY((dialog = app.window->findChild<AddDialog*>()) != nullptr);
    QCOMPARE(dialog->findChild<QPlainTextEdit*>("urls")->toPlainText(), url("/d.bin"));
    dialog->reject();
    QTest::qWait(200);
    QCOMPARE(app.model.rowCount(), 3);
    QCOMPARE(server->requests_for("/d.bin").size(), std::size_t{0});
}

void DesktopTest::the_clipboard_watcher_offers_and_never_starts() {
    const std::string body = random_body(250'000, 14);
    server->serve_bytes("/clip.bin", body);
    App app(desktop_config(), WindowOptions{.watch_clipboard = true});
    auto* offer = app.window->findChild<QWidget*>("clipboard-offer");
    auto* offer_text = app.window->findChild<QLabel*>("clipboard-text");
    QVERIFY(offer && offer_text);
    QVERIFY(!offer->isVisible());
    QClipboard* clipboard = QGuiApplication::clipboard();

    clipboard->setText("a sentence that mentions " + url("/x.bin"));  // not only URLs: no offer
    QTest::qWait(100);
    QVERIFY(!offer->isVisible());

    clipboard->setText(url("/one.bin") + "\n" + url("/two.bin"));
    QTRY_VERIFY(offer->isVisible());
    QCOMPARE(offer_text->text(), "The clipboard has 2 URL(s): " + url("/one.bin"));
    // Offered, never started: no task, no request, no dialog, however long it waits.
    QTest::qWait(300);
    QCOMPARE(app.model.rowCount(), 0);
    QCOMPARE(server->requests().size(), std::size_t{0});
    QVERIFY(app.window->findChild<AddDialog*>() == nullptr);
    offer->findChild<QPushButton*>("clipboard-dismiss")->click();
    QVERIFY(!offer->isVisible());

    // Accepting the offer opens the dialog with the URL; its Add queues exactly that.
    clipboard->setText(url("/clip.bin"));
    QTRY_VERIFY(offer->isVisible());
    offer->findChild<QPushButton*>("clipboard-add")->click();
    QVERIFY(!offer->isVisible());
    AddDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = app.window->findChild<AddDialog*>()) != nullptr);
    QCOMPARE(dialog->findChild<QPlainTextEdit*>("urls")->toPlainText(), url("/clip.bin"));
    QCOMPARE(app.model.rowCount(), 0);
    dialog->accept();
    QTRY_COMPARE_WITH_TIMEOUT(app.model.rowCount(), 1, kTimeoutMs);
    QCOMPARE(urls_in(app.model), std::set<QString>{url("/clip.bin")});
    QTRY_VERIFY_WITH_TIMEOUT(all_completed(app.model), kTimeoutMs);
    QCOMPARE(sha256_of_file(temp->path() + "/out/clip.bin"), sha256_of(body));

    // Watching switched off: copied URLs are not offered.
    QAction* watch = action_named(*app.window, "Watch the clipboard for URLs");
    QVERIFY(watch && watch->isChecked());
    watch->setChecked(false);
    clipboard->setText(url("/three.bin"));
    QTest::qWait(100);
    QVERIFY(!offer->isVisible());
    QCOMPARE(app.window->options().watch_clipboard, false);
}

void DesktopTest::the_tray_shows_progress_and_notifies() {
    const std::string body = random_body(1'500'000, 15);
    server->serve_bytes("/done.bin", body, {.rate_bytes_per_sec = 500'000});
    App app(desktop_config(), WindowOptions{.tray_available = true});
    QSystemTrayIcon* tray = app.window->tray();
    QVERIFY(tray);
    QSignalSpy notes(app.window.get(), &MainWindow::notified);
    app.bridge->add(
        {DownloadTask{.url = server->url("/done.bin")}, DownloadTask{.url = server->url("/missing.bin")}});
    // While it runs, the tray's tooltip has the counts, the speed and the share done.
    const QRegularExpression running(R"(^Arina: 1 active, 0 queued, .+/s, ([0-9]+)%$)");
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            app.window->update_status();
            const auto m = running.match(tray->toolTip());
            return m.hasMatch() && m.captured(1).toInt() > 0 && m.captured(1).toInt() < 100;
        }(),
        kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(notes.count(), 2, kTimeoutMs);
    QList<QStringList> said;
    for (const auto& n : notes) said << QStringList{n.at(0).toString(), n.at(1).toString()};
    const int failed_row =
        app.model.index(0, 0).data(TaskTableModel::UrlRole).toString().endsWith("missing.bin") ? 0 : 1;
    const QString error =
        app.model.index(failed_row, TaskTableModel::Status).data(Qt::ToolTipRole).toString();
    QVERIFY2(error.contains("404"), qPrintable(error));
    QVERIFY(said.contains(QStringList({"Download failed", "missing.bin\n" + error})));
    QVERIFY(said.contains(QStringList({"Download complete", "done.bin"})));
    QCOMPARE(sha256_of_file(temp->path() + "/out/done.bin"), sha256_of(body));
    app.window->update_status();
    QVERIFY2(tray->toolTip().startsWith("Arina: 0 active, 0 queued, "), qPrintable(tray->toolTip()));
}

void DesktopTest::closing_to_the_tray_keeps_downloading() {
    const std::string body = random_body(1'500'000, 16);
    server->serve_bytes("/long.bin", body, {.rate_bytes_per_sec = 400'000});
    App app(desktop_config(), WindowOptions{.close_to_tray = true, .tray_available = true});
    QSignalSpy quit(app.window.get(), &MainWindow::quit_requested);
    QSignalSpy notes(app.window.get(), &MainWindow::notified);
    app.bridge->add({DownloadTask{.url = server->url("/long.bin")}});
    QTRY_COMPARE_WITH_TIMEOUT(app.status_of_row(0), std::optional(TaskStatus::Downloading), kTimeoutMs);
    QVERIFY(!app.window->close());  // the close was refused: to the tray
    QVERIFY(!app.window->isVisible());
    QCOMPARE(quit.count(), 0);
    QCOMPARE(notes.count(), 1);
    QCOMPARE(notes.at(0).at(1).toString(), QString("Downloads continue in the tray."));
    const auto sent = server->body_bytes_sent("/long.bin");
    QTRY_VERIFY_WITH_TIMEOUT(server->body_bytes_sent("/long.bin") > sent, kTimeoutMs);  // still downloading
    server->set_faults("/long.bin", {});
    QTRY_COMPARE_WITH_TIMEOUT(app.status_of_row(0), std::optional(TaskStatus::Completed), kTimeoutMs);
    QCOMPARE(sha256_of_file(temp->path() + "/out/long.bin"), sha256_of(body));
    // Quit (the tray menu's) really quits.
    QAction* quit_action = action_named(*app.window, "Quit");
    QVERIFY(quit_action);
    quit_action->trigger();
    QCOMPARE(quit.count(), 1);

    // Without close-to-tray, closing the window quits.
    App plain(desktop_config(), WindowOptions{.tray_available = true});
    QSignalSpy plain_quit(plain.window.get(), &MainWindow::quit_requested);
    QVERIFY(plain.window->close());
    QCOMPARE(plain_quit.count(), 1);
}

}  // namespace arina::gui
