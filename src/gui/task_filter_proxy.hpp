#pragma once
// Sorting and filtering of the task table: by status group and by a search in titles
// (and URLs). Sorts on TaskTableModel::SortRole, so sizes and speeds sort as numbers.
// GUI thread only.

#include <QSortFilterProxyModel>

namespace arina::gui {

class TaskTableModel;

class TaskFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
  public:
    /// The status filter's choices, in the order the window's combo box shows them.
    enum class StatusFilter { All, Active, Queued, Paused, Completed, Failed, Cancelled };

    explicit TaskFilterProxy(QObject* parent = nullptr);

    void set_status_filter(StatusFilter filter);
    StatusFilter status_filter() const { return status_filter_; }
    /// Case-insensitive substring of the title or URL; empty shows everything.
    void set_search_text(const QString& text);

    void setSourceModel(QAbstractItemModel* model) override;

  protected:
    bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;
    /// Over a TaskTableModel, compares its rows directly (TaskTableModel::less); the
    /// order is the one SortRole gives.
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

  private:
    StatusFilter status_filter_ = StatusFilter::All;
    QString search_;
    const TaskTableModel* tasks_ = nullptr;  ///< the source model, when it is one
};

}  // namespace arina::gui
