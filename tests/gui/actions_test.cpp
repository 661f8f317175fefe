// The actions on tasks, each from the toolbar, the table's context menu and the keyboard,
// each on several selected rows at once, over a real DownloadManager and the loopback
// server: pause and resume; remove (the files stay); cancel; retry of failed downloads
// once the server is fixed (byte-exact files); move up and down (the library's queue
// order); open file and open folder (the URLs the desktop is asked to open); copy URL
// (the clipboard); pause all and resume all.
#include <QClipboard>
#include <QDir>
#include <QGuiApplication>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <map>
#include <memory>

#include "gui_tests.hpp"
#include "server/test_server.hpp"
#include "test_app.hpp"
#include "window_driver.hpp"

namespace arina::gui {
namespace {

std::unique_ptr<QTemporaryDir> temp;
std::unique_ptr<testing::TestServer> server;

Config actions_config() {
    Config c = loopback_config(temp->path() + "/out");
    // A failure is the outcome under test, not something to retry.
    c.retries = 0;
    c.fragment_retries = 0;
    return c;
}

QString out_dir() {
    return temp->path() + "/out";
}

DownloadTask task_for(const std::string& path) {
    return DownloadTask{.url = server->url(path)};
}

// Adds the tasks through the bridge, as the Add dialog does, and waits for their rows.
bool add_and_wait(App& app, std::vector<DownloadTask> tasks) {
    const int want = app.model.rowCount() + static_cast<int>(tasks.size());
    app.bridge->add(std::move(tasks));
    return QTest::qWaitFor([&] { return app.model.rowCount() == want; }, kTimeoutMs);
}

bool rows_are(App& app, std::initializer_list<int> rows, TaskStatus status) {
    return std::all_of(rows.begin(), rows.end(), [&](int row) { return app.status_of_row(row) == status; });
}

// The queued tasks' names (the last URL segment), in the order the library will start them.
QStringList queue_order(DownloadManager& manager) {
    std::vector<TaskInfo> queued;
    for (auto& t : manager.list())
        if (t.status == TaskStatus::Queued) queued.push_back(std::move(t));
    std::sort(queued.begin(), queued.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
    QStringList names;
    for (const auto& t : queued) names << QString::fromStdString(t.task.url).section('/', -1);
    return names;
}

// The same order as the window shows it: the queued rows by their "#" column (1, 2, ...).
QStringList model_queue_order(const TaskTableModel& model) {
    std::map<int, QString> by_place;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QString place = model.index(row, TaskTableModel::Queue).data().toString();
        if (!place.isEmpty())
            by_place[place.toInt()] = QString::fromStdString(model.task_at(row).task.url).section('/', -1);
    }
    QStringList names;
    int expected = 1;
    for (const auto& [place, name] : by_place) names << (place == expected++ ? name : "gap at " + name);
    return names;
}

void add_via_rows(std::initializer_list<Via> vias) {
    QTest::addColumn<Via>("via");
    for (Via via : vias) QTest::newRow(via_name(via)) << via;
}

}  // namespace

void ActionsTest::init() {
    temp = std::make_unique<QTemporaryDir>();
    server = std::make_unique<testing::TestServer>();
}

void ActionsTest::cleanup() {
    server.reset();
    temp.reset();
}

void ActionsTest::pause_and_resume_several_data() {
    add_via_rows({Via::Toolbar, Via::ContextMenu, Via::Keyboard});
}

void ActionsTest::pause_and_resume_several() {
    QFETCH(Via, via);
    std::vector<std::string> bodies;
    std::vector<DownloadTask> tasks;
    for (const char* name : {"/a.bin", "/b.bin", "/c.bin"}) {
        bodies.push_back(random_body(1024 * 1024 + 5, static_cast<unsigned>(bodies.size() + 91)));
        server->serve_bytes(name, bodies.back(), {.rate_bytes_per_sec = 100'000});
        tasks.push_back(task_for(name));
    }
    App app(actions_config());
    QVERIFY(add_and_wait(app, tasks));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 1, 2}, TaskStatus::Downloading), kTimeoutMs);
    select_rows(app, {0, 2});
    QString problem = trigger(app, via, "Pause");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 2}, TaskStatus::Paused), kTimeoutMs);
    QCOMPARE(app.status_of_row(1), std::optional(TaskStatus::Downloading));
    for (const char* name : {"/a.bin", "/b.bin", "/c.bin"}) server->set_faults(name, {});
    problem = trigger(app, via, "Resume");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 1, 2}, TaskStatus::Completed), kTimeoutMs);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(sha256_of_file(out_dir() + "/" + QString("abc")[i] + ".bin"),
                 sha256_of(bodies[static_cast<std::size_t>(i)]));
}

void ActionsTest::remove_several_data() {
    add_via_rows({Via::Toolbar, Via::ContextMenu, Via::Keyboard});
}

void ActionsTest::remove_several() {
    QFETCH(Via, via);
    for (const char* name : {"/r1.bin", "/r2.bin", "/r3.bin"})
        server->serve_bytes(name, random_body(4000, 95));
    App app(actions_config());
    QVERIFY(add_and_wait(app, {task_for("/r1.bin"), task_for("/r2.bin"), task_for("/r3.bin")}));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 1, 2}, TaskStatus::Completed), kTimeoutMs);
    const TaskId kept = app.model.task_at(1).id;
    select_rows(app, {0, 2});
    const QString problem = trigger(app, via, "Remove");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_COMPARE_WITH_TIMEOUT(app.model.rowCount(), 1, kTimeoutMs);
    QCOMPARE(app.model.task_at(0).id, kept);
    QCOMPARE(app.bridge->manager().list().size(), std::size_t{1});
    // Without files: the downloaded files stay.
    QCOMPARE(QDir(out_dir()).entryList(QDir::Files), QStringList({"r1.bin", "r2.bin", "r3.bin"}));
}

void ActionsTest::cancel_several_data() {
    add_via_rows({Via::Toolbar, Via::ContextMenu, Via::Keyboard});
}

void ActionsTest::cancel_several() {
    QFETCH(Via, via);
    std::vector<DownloadTask> tasks;
    for (const char* name : {"/a.bin", "/b.bin", "/c.bin"}) {
        server->serve_bytes(name, random_body(2 * 1024 * 1024, 11), {.rate_bytes_per_sec = 100'000});
        tasks.push_back(task_for(name));
    }
    App app(actions_config());
    QVERIFY(add_and_wait(app, tasks));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 1, 2}, TaskStatus::Downloading), kTimeoutMs);
    select_rows(app, {0, 2});
    const QString problem = trigger(app, via, "Cancel");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 2}, TaskStatus::Cancelled), kTimeoutMs);
    QCOMPARE(app.status_of_row(1), std::optional(TaskStatus::Downloading));  // not selected
    // Cancelled means stopped: nothing more is fetched.
    const auto sent = server->body_bytes_sent("/a.bin") + server->body_bytes_sent("/c.bin");
    QTest::qWait(300);
    QCOMPARE(server->body_bytes_sent("/a.bin") + server->body_bytes_sent("/c.bin"), sent);
    QCOMPARE(app.bridge->manager().get(app.model.task_at(0).id)->status, TaskStatus::Cancelled);
}

void ActionsTest::retry_several_failed_data() {
    add_via_rows({Via::Toolbar, Via::ContextMenu, Via::Keyboard});
}

void ActionsTest::retry_several_failed() {
    QFETCH(Via, via);
    const std::string one = random_body(700'000, 21), two = random_body(900'001, 22);
    server->serve_bytes("/one.bin", one, {.error_status = 404});
    server->serve_bytes("/two.bin", two, {.error_status = 404});
    App app(actions_config());
    QVERIFY(add_and_wait(app, {task_for("/one.bin"), task_for("/two.bin")}));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 1}, TaskStatus::Failed), kTimeoutMs);
    QVERIFY(app.model.index(0, TaskTableModel::Status).data(Qt::ToolTipRole).toString().contains("404"));
    // The server is fixed; both are retried at once.
    server->set_faults("/one.bin", {});
    server->set_faults("/two.bin", {});
    select_rows(app, {0, 1});
    const QString problem = trigger(app, via, "Retry");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 1}, TaskStatus::Completed), kTimeoutMs);
    QCOMPARE(sha256_of_file(out_dir() + "/one.bin"), sha256_of(one));
    QCOMPARE(sha256_of_file(out_dir() + "/two.bin"), sha256_of(two));
}

void ActionsTest::move_several_up_and_down_data() {
    add_via_rows({Via::Toolbar, Via::ContextMenu, Via::Keyboard});
}

void ActionsTest::move_several_up_and_down() {
    QFETCH(Via, via);
    Config c = actions_config();
    c.max_workers = 1;  // one runs, the others wait in the queue
    server->serve_bytes("/running", random_body(4 * 1024 * 1024, 31), {.rate_bytes_per_sec = 50'000});
    App app(c);
    QVERIFY(add_and_wait(app, {task_for("/running")}));
    QTRY_COMPARE_WITH_TIMEOUT(app.status_of_row(0), std::optional(TaskStatus::Downloading), kTimeoutMs);
    std::vector<DownloadTask> queued;
    for (const char* name : {"/q1", "/q2", "/q3", "/q4"}) {
        server->serve_bytes(name, random_body(1000, 32));
        queued.push_back(task_for(name));
    }
    QVERIFY(add_and_wait(app, queued));
    DownloadManager& manager = app.bridge->manager();
    QCOMPARE(queue_order(manager), QStringList({"q1", "q2", "q3", "q4"}));

    // q3 and q4 (rows 3 and 4) up, twice: the selection stays on them after the first move.
    select_rows(app, {3, 4});
    QString problem = trigger(app, via, "Move up");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_COMPARE_WITH_TIMEOUT(queue_order(manager), QStringList({"q1", "q3", "q4", "q2"}), kTimeoutMs);
    QCOMPARE(model_queue_order(app.model), queue_order(manager));
    problem = trigger(app, via, "Move up");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_COMPARE_WITH_TIMEOUT(queue_order(manager), QStringList({"q3", "q4", "q1", "q2"}), kTimeoutMs);
    // Already first: moving up again changes nothing.
    problem = trigger(app, via, "Move up");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(queue_order(manager), QStringList({"q3", "q4", "q1", "q2"}));
    problem = trigger(app, via, "Move down");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_COMPARE_WITH_TIMEOUT(queue_order(manager), QStringList({"q1", "q3", "q4", "q2"}), kTimeoutMs);
    QCOMPARE(model_queue_order(app.model), queue_order(manager));
    QCOMPARE(app.window->selected_ids(),
             (std::vector<TaskId>{app.model.task_at(3).id, app.model.task_at(4).id}));
}

void ActionsTest::open_file_and_folder_data() {
    add_via_rows({Via::Toolbar, Via::ContextMenu, Via::Keyboard});
}

void ActionsTest::open_file_and_folder() {
    QFETCH(Via, via);
    for (const char* name : {"/a.txt", "/b.txt", "/c.txt"}) server->serve_bytes(name, random_body(5000, 41));
    App app(actions_config());
    DownloadTask c = task_for("/c.txt");
    c.output_dir = (out_dir() + "/other").toStdString();
    QVERIFY(add_and_wait(app, {task_for("/a.txt"), task_for("/b.txt"), c}));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 1, 2}, TaskStatus::Completed), kTimeoutMs);
    const QString out = QDir(out_dir()).canonicalPath();
    OpenedUrls opened;
    select_rows(app, {0, 1, 2});
    QString problem = trigger(app, via, "Open file");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_COMPARE_WITH_TIMEOUT(opened.urls.size(), 3, kTimeoutMs);
    QCOMPARE(opened.urls,
             QList<QUrl>({QUrl::fromLocalFile(out + "/a.txt"), QUrl::fromLocalFile(out + "/b.txt"),
                          QUrl::fromLocalFile(out + "/other/c.txt")}));
    opened.urls.clear();
    // Two of the three share a folder: it is opened once.
    problem = trigger(app, via, "Open folder");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_COMPARE_WITH_TIMEOUT(opened.urls.size(), 2, kTimeoutMs);
    QCOMPARE(opened.urls, QList<QUrl>({QUrl::fromLocalFile(out), QUrl::fromLocalFile(out + "/other")}));
}

void ActionsTest::copy_urls_data() {
    add_via_rows({Via::Toolbar, Via::ContextMenu, Via::Keyboard});
}

void ActionsTest::copy_urls() {
    QFETCH(Via, via);
    for (const char* name : {"/x.bin", "/y.bin", "/z.bin"}) server->serve_bytes(name, random_body(3000, 51));
    App app(actions_config());
    QVERIFY(add_and_wait(app, {task_for("/x.bin"), task_for("/y.bin"), task_for("/z.bin")}));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 1, 2}, TaskStatus::Completed), kTimeoutMs);
    QGuiApplication::clipboard()->setText("before");
    // Selected bottom first: copied in the order the table shows them.
    select_rows(app, {2, 0});
    const QString problem = trigger(app, via, "Copy URL");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_COMPARE_WITH_TIMEOUT(QGuiApplication::clipboard()->text(),
                              QString::fromStdString(server->url("/x.bin") + "\n" + server->url("/z.bin")),
                              kTimeoutMs);
}

void ActionsTest::pause_all_and_resume_all_data() {
    add_via_rows({Via::Toolbar, Via::TasksMenu, Via::Keyboard});
}

void ActionsTest::pause_all_and_resume_all() {
    QFETCH(Via, via);
    Config c = actions_config();
    c.max_workers = 2;  // two run, one waits: pause all takes the queued one too
    std::vector<std::string> bodies;
    std::vector<DownloadTask> tasks;
    for (const char* name : {"/p1.bin", "/p2.bin", "/p3.bin"}) {
        bodies.push_back(random_body(1024 * 1024 + 3, static_cast<unsigned>(bodies.size() + 61)));
        server->serve_bytes(name, bodies.back(), {.rate_bytes_per_sec = 100'000});
        tasks.push_back(task_for(name));
    }
    App app(c);
    QVERIFY(add_and_wait(app, tasks));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 1}, TaskStatus::Downloading), kTimeoutMs);
    QCOMPARE(app.status_of_row(2), std::optional(TaskStatus::Queued));
    app.window->view().clearSelection();  // "all" needs no selection
    QString problem = trigger(app, via, "Pause all");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 1, 2}, TaskStatus::Paused), kTimeoutMs);
    const auto sent = [] {
        return server->body_bytes_sent("/p1.bin") + server->body_bytes_sent("/p2.bin") +
               server->body_bytes_sent("/p3.bin");
    };
    const auto while_paused = sent();
    QTest::qWait(300);
    QCOMPARE(sent(), while_paused);
    for (const char* name : {"/p1.bin", "/p2.bin", "/p3.bin"}) server->set_faults(name, {});
    problem = trigger(app, via, "Resume all");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_VERIFY_WITH_TIMEOUT(rows_are(app, {0, 1, 2}, TaskStatus::Completed), kTimeoutMs);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(sha256_of_file(out_dir() + QString("/p%1.bin").arg(i + 1)),
                 sha256_of(bodies[static_cast<std::size_t>(i)]));
}

}  // namespace arina::gui
