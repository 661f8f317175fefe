// The task table model and its proxy, under QAbstractItemModelTester (which checks every
// signal and index the model emits against Qt's rules), with batches of events as the
// manager delivers them; and the pure input helpers.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include "gui_tests.hpp"
#include "task_filter_proxy.hpp"
#include "task_table_model.hpp"
#include "url_input.hpp"

namespace arina::gui {
namespace {

TaskAddedEvent added(TaskId id, const std::string& url) {
    return {id, DownloadTask{.url = url}};
}

ProgressEvent progress(TaskId id, std::int64_t done, std::int64_t total, double speed) {
    ProgressEvent p;
    p.task_id = id;
    p.status = TaskStatus::Downloading;
    p.done_bytes = done;
    p.total_bytes = total;
    p.speed = speed;
    p.stage = "downloading";
    return p;
}

}  // namespace

void ModelTest::events_keep_the_model_consistent() {
    TaskTableModel model;
    TaskFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxy_tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(TaskTableModel::Size, Qt::DescendingOrder);

    model.apply({added(1, "https://www.youtube.com/watch?v=abc"), added(2, "http://127.0.0.1/b.bin"),
                 added(3, "http://127.0.0.1/c.bin")});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, TaskTableModel::Platform).data().toString(), QString("YouTube"));
    QCOMPARE(model.index(1, TaskTableModel::Title).data().toString(), QString("b.bin"));

    model.apply({StateEvent{2, TaskStatus::Queued, TaskStatus::Extracting, {}},
                 StateEvent{2, TaskStatus::Extracting, TaskStatus::Downloading, {}},
                 progress(2, 512, 2048, 1000)});
    QCOMPARE(model.index(1, TaskTableModel::Progress).data().toString(), QString("25.0%"));
    QCOMPARE(model.index(1, TaskTableModel::Progress).data(TaskTableModel::ProgressRole).toDouble(), 0.25);
    QCOMPARE(model.index(1, TaskTableModel::Status).data().toString(), QString("downloading"));
    // The largest task sorts first.
    QCOMPARE(proxy.index(0, 0).data(TaskTableModel::TaskIdRole).toLongLong(), 2);

    Error error{FailReason::Http, "http://127.0.0.1/c.bin: server answered HTTP 404"};
    model.apply({StateEvent{3, TaskStatus::Downloading, TaskStatus::Failed, error}});
    QCOMPARE(model.index(2, TaskTableModel::Status).data(Qt::ToolTipRole).toString(),
             QString("http://127.0.0.1/c.bin: server answered HTTP 404"));
    QVERIFY(model.index(2, TaskTableModel::Status).data().toString().startsWith("failed"));

    // Added and removed within one batch, removed, and a progress of a removed task.
    model.apply(
        {added(4, "http://127.0.0.1/d"), TaskRemovedEvent{4}, TaskRemovedEvent{1}, progress(1, 1, 2, 3)});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.row_of(1), -1);
    QCOMPARE(model.row_of(3), 1);

    // Many removals at once take the reset path.
    std::vector<Event> many;
    for (TaskId id = 10; id < 60; ++id) many.push_back(added(id, "http://127.0.0.1/m" + std::to_string(id)));
    model.apply(many);
    many.clear();
    for (TaskId id = 10; id < 60; ++id) many.push_back(TaskRemovedEvent{id});
    model.apply(many);
    QCOMPARE(model.rowCount(), 2);
}

void ModelTest::the_queue_column_numbers_the_start_order() {
    TaskTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto info = [](TaskId id, TaskStatus status, int priority, std::int64_t order) {
        TaskInfo t;
        t.id = id;
        t.status = status;
        t.task.url = "http://127.0.0.1/" + std::to_string(id);
        t.task.priority = priority;
        t.order = order;
        return t;
    };
    model.reset({info(1, TaskStatus::Queued, 0, 5), info(2, TaskStatus::Queued, 0, 3),
                 info(3, TaskStatus::Downloading, 0, 1), info(4, TaskStatus::Queued, 1, 9)});
    auto place = [&](TaskId id) {
        return model.index(model.row_of(id), TaskTableModel::Queue).data().toString();
    };
    // Higher priority first, then the manager's order; a running task has no place.
    QCOMPARE(place(4), QString("1"));
    QCOMPARE(place(2), QString("2"));
    QCOMPARE(place(1), QString("3"));
    QCOMPARE(place(3), QString());

    QSignalSpy changed(&model, &TaskTableModel::dataChanged);
    model.apply(
        {StateEvent{4, TaskStatus::Queued, TaskStatus::Extracting, {}}, added(5, "http://127.0.0.1/5")});
    QCOMPARE(place(4), QString());
    QCOMPARE(place(2), QString("1"));
    QCOMPARE(place(1), QString("2"));
    QCOMPARE(place(5), QString("3"));  // added last: queued last
    const auto queue_signals = [&] {
        int n = 0;
        for (const auto& args : changed) n += args.at(0).toModelIndex().column() == TaskTableModel::Queue;
        return n;
    };
    QCOMPARE(queue_signals(), 1);
    changed.clear();
    model.apply({progress(3, 1, 10, 1)});  // progress of a running task leaves the queue as it is
    QCOMPARE(queue_signals(), 0);

    TaskFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(TaskTableModel::Queue, Qt::AscendingOrder);
    QList<qint64> order;
    for (int row = 0; row < proxy.rowCount(); ++row)
        order << proxy.index(row, 0).data(TaskTableModel::TaskIdRole).toLongLong();
    QCOMPARE(order, (QList<qint64>{2, 1, 5, 3, 4}));  // the queue, then the others as they came
}

void ModelTest::a_batch_emits_one_signal_per_changed_row_or_one_for_all() {
    TaskTableModel model;
    std::vector<Event> rows;
    for (TaskId id = 1; id <= 10; ++id) rows.push_back(added(id, "http://127.0.0.1/" + std::to_string(id)));
    model.apply(rows);
    rows.clear();  // running, as progress ticks come from running tasks
    for (TaskId id = 1; id <= 10; ++id)
        rows.push_back(StateEvent{id, TaskStatus::Queued, TaskStatus::Downloading, {}});
    model.apply(rows);
    QSignalSpy changed(&model, &TaskTableModel::dataChanged);
    model.apply({progress(3, 1, 10, 1), progress(4, 1, 10, 1), progress(3, 2, 10, 1)});
    QCOMPARE(changed.count(), 2);  // rows 3 and 4, each once
    changed.clear();
    std::vector<Event> most;
    for (TaskId id = 1; id <= 8; ++id) most.push_back(progress(id, 5, 10, 1));
    model.apply(most);
    QCOMPARE(changed.count(), 1);  // most rows: one signal for the whole table
    // Only the columns events change (Size to Status): a proxy sorted on another column
    // keeps its order without a relayout.
    QCOMPARE(changed.at(0).at(0).toModelIndex(), model.index(0, TaskTableModel::Size));
    QCOMPARE(changed.at(0).at(1).toModelIndex(), model.index(9, TaskTableModel::Status));

    TaskFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(TaskTableModel::Added, Qt::AscendingOrder);
    QSignalSpy relayouts(&proxy, &QAbstractItemModel::layoutChanged);
    QSignalSpy proxy_changed(&proxy, &QAbstractItemModel::dataChanged);
    model.apply({progress(3, 7, 10, 1), progress(4, 8, 10, 1)});
    QCOMPARE(relayouts.count(), 0);
    QCOMPARE(proxy_changed.count(), 2);
    // Sorted by progress, the same tick re-sorts (row 5 overtakes the others).
    proxy.sort(TaskTableModel::Progress, Qt::DescendingOrder);
    relayouts.clear();
    model.apply({progress(5, 10, 10, 1)});
    QCOMPARE(relayouts.count(), 1);
    QCOMPARE(proxy.index(0, 0).data(TaskTableModel::TaskIdRole).toLongLong(), 5);

    // A task whose file became known changes its title too; row numbers after a removal
    // in the same batch still point at the right task.
    changed.clear();
    ProgressEvent named = progress(9, 9, 10, 1);
    named.file = "/tmp/out/named.bin";
    model.apply({TaskRemovedEvent{2}, named});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex(), model.index(model.row_of(9), TaskTableModel::Title));
    QCOMPARE(model.index(model.row_of(9), TaskTableModel::Title).data().toString(), QString("named.bin"));
}

void ModelTest::filter_by_status_and_search() {
    TaskTableModel model;
    TaskFilterProxy proxy;
    proxy.setSourceModel(&model);
    model.apply({added(1, "http://127.0.0.1/holiday.mp4"), added(2, "http://127.0.0.1/talk.mp4"),
                 added(3, "https://vimeo.com/123")});
    model.apply({StateEvent{2, TaskStatus::Queued, TaskStatus::Paused, {}}});
    proxy.set_status_filter(TaskFilterProxy::StatusFilter::Paused);
    QCOMPARE(proxy.rowCount(), 1);
    proxy.set_status_filter(TaskFilterProxy::StatusFilter::Queued);
    QCOMPARE(proxy.rowCount(), 2);
    proxy.set_search_text("HOLI");
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, TaskTableModel::Title).data().toString(), QString("holiday.mp4"));
    proxy.set_search_text("vimeo");  // URLs are searched too
    QCOMPARE(proxy.rowCount(), 1);
    proxy.set_status_filter(TaskFilterProxy::StatusFilter::All);
    proxy.set_search_text("");
    QCOMPARE(proxy.rowCount(), 3);
}

void ModelTest::url_lines_are_checked_one_by_one() {
    const UrlList list =
        parse_url_lines(" https://a.example/x \n\n# comment\nftp://b/c\nnot a url\nhttps://a.example/x\n");
    QCOMPARE(list.urls, QStringList{"https://a.example/x"});
    QCOMPARE(list.errors,
             (QStringList{"line 4: 'ftp://b/c' is not an http(s) URL", "line 5: 'not a url' is not a URL"}));
    QVERIFY(is_only_urls("https://youtu.be/x\nhttps://vimeo.com/1"));
    QVERIFY(!is_only_urls("look at https://youtu.be/x"));
    QVERIFY(!is_only_urls(""));
    QCOMPARE(platform_of("https://m.youtube.com/watch?v=1"), QString("YouTube"));
    QCOMPARE(platform_of("http://www.example.org/a"), QString("example.org"));
}

void ModelTest::stages_are_shown_in_the_status_column() {
    TaskTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.apply({added(1, "http://127.0.0.1/hls/index.m3u8")});
    const auto status = [&] { return model.index(0, TaskTableModel::Status).data().toString(); };
    QCOMPARE(status(), QString("queued"));
    model.apply({StateEvent{1, TaskStatus::Queued, TaskStatus::Extracting, {}}});
    QCOMPARE(status(), QString("extracting"));
    ProgressEvent p = progress(1, 300'000, -1, 50'000);
    p.stage = "downloading fragment 3 of 8";
    p.fragments_done = 2;
    p.fragments_total = 8;
    model.apply({StateEvent{1, TaskStatus::Extracting, TaskStatus::Downloading, {}}, p});
    QCOMPARE(status(), QString("downloading fragment 3 of 8"));  // not "downloading: downloading ..."
    // The next status drops the stage of the last one until its own progress says more.
    model.apply({StateEvent{1, TaskStatus::Downloading, TaskStatus::PostProcessing, {}}});
    QCOMPARE(status(), QString("post-processing"));
    p.status = TaskStatus::PostProcessing;
    p.stage = "muxing";
    model.apply({p});
    QCOMPARE(status(), QString("post-processing: muxing"));
    model.apply({StateEvent{1, TaskStatus::PostProcessing, TaskStatus::Completed, {}}});
    QCOMPARE(status(), QString("completed"));
}

}  // namespace arina::gui
