#pragma once
// The task table: one row per task of the manager, built from its list() and kept up to
// date from its events. GUI thread only.
//
// Updates are batched: apply() takes everything drained from the event queue at once,
// inserts new rows in one beginInsertRows, and then emits dataChanged once per changed
// row, or once for the whole table when most rows changed (a progress tick of a busy
// queue), so the view repaints at most once per batch. The signals cover only the
// columns events change (Size to Status, Title when the file name became known, Queue when
// a task entered or left the queue), so
// a proxy sorted on another column (the default: Added) need not re-sort on progress.

#include <QAbstractTableModel>
#include <unordered_map>
#include <vector>

#include "core/events.hpp"
#include "core/task.hpp"

namespace arina::gui {

class TaskTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    /// Queue: the place a queued task has in the start order ("1" starts next), the order
    /// Move up/down changes; empty for tasks that are not queued.
    enum Column { Queue, Title, Platform, Format, Size, Progress, Speed, Eta, Status, Added, ColumnCount };
    enum Role {
        TaskIdRole = Qt::UserRole + 1,  ///< qint64
        SortRole,                       ///< numbers for numeric columns, text otherwise
        StatusRole,                     ///< int(TaskStatus)
        ProgressRole,                   ///< double 0..1, or -1 when the size is unknown
        UrlRole,
        FileRole,  ///< the output file, when known
    };

    explicit TaskTableModel(QObject* parent = nullptr);

    /// Replaces every row (start-up, or after a change without an event such as a move).
    void reset(std::vector<TaskInfo> tasks);
    /// Applies a batch of events, oldest first.
    void apply(const std::vector<Event>& events);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// The row of a task, -1 when there is none.
    int row_of(TaskId id) const;
    const TaskInfo& task_at(int row) const { return rows_[static_cast<std::size_t>(row)].info; }

    /// Whether row `a` sorts before row `b` by `column` (what SortRole gives, compared without
    /// building QVariants: sorting 10 000 rows makes ~300 000 comparisons).
    bool less(int a, int b, int column, Qt::CaseSensitivity text_case) const;

    /// Dataset figures for the status bar and the tray.
    int count_with(TaskStatus status) const;

    /// "YouTube: video.mp4": what a notification or tooltip calls a task.
    static QString title_of(const TaskInfo& info);
    static QString status_text(const TaskInfo& info);

  private:
    struct Row {
        TaskInfo info;
        QString title;
        QString platform;
        QString format;       ///< format_text of the task, which does not change
        int queue_place = 0;  ///< 1 = starts next; 0 = not queued
    };
    static Row make_row(TaskInfo info);
    void reindex();
    /// Numbers the queued rows in start order (priority, then the manager's order); whether
    /// any row's place changed.
    bool number_the_queue();
    QVariant display(const Row& row, int column) const;
    QVariant sort_key(const Row& row, int column) const;

    std::vector<Row> rows_;
    std::unordered_map<TaskId, int> index_;
    /// Start order given to tasks added since the last reset (the manager queues them
    /// last within their priority; reset() brings its exact order).
    std::int64_t next_order_ = 0;
};

}  // namespace arina::gui
