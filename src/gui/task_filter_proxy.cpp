#include "task_filter_proxy.hpp"

#include "core/task.hpp"
#include "task_table_model.hpp"

namespace arina::gui {

TaskFilterProxy::TaskFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(TaskTableModel::SortRole);
    setDynamicSortFilter(true);
}

void TaskFilterProxy::set_status_filter(StatusFilter filter) {
    if (filter == status_filter_) return;
    status_filter_ = filter;
    invalidateFilter();
}

void TaskFilterProxy::set_search_text(const QString& text) {
    const QString trimmed = text.trimmed();
    if (trimmed == search_) return;
    search_ = trimmed;
    invalidateFilter();
}

void TaskFilterProxy::setSourceModel(QAbstractItemModel* model) {
    tasks_ = qobject_cast<const TaskTableModel*>(model);
    QSortFilterProxyModel::setSourceModel(model);
}

bool TaskFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    if (tasks_) return tasks_->less(left.row(), right.row(), left.column(), sortCaseSensitivity());
    return QSortFilterProxyModel::lessThan(left, right);
}

bool TaskFilterProxy::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
    const QAbstractItemModel* model = sourceModel();
    const QModelIndex title = model->index(source_row, TaskTableModel::Title, source_parent);
    const auto status = static_cast<TaskStatus>(model->data(title, TaskTableModel::StatusRole).toInt());
    switch (status_filter_) {
        case StatusFilter::All:
            break;
        case StatusFilter::Active:
            if (!is_active(status)) return false;
            break;
        case StatusFilter::Queued:
            if (status != TaskStatus::Queued) return false;
            break;
        case StatusFilter::Paused:
            if (status != TaskStatus::Paused) return false;
            break;
        case StatusFilter::Completed:
            if (status != TaskStatus::Completed) return false;
            break;
        case StatusFilter::Failed:
            if (status != TaskStatus::Failed) return false;
            break;
        case StatusFilter::Cancelled:
            if (status != TaskStatus::Cancelled) return false;
            break;
    }
    if (search_.isEmpty()) return true;
    return model->data(title, Qt::DisplayRole).toString().contains(search_, Qt::CaseInsensitive) ||
           model->data(title, TaskTableModel::UrlRole).toString().contains(search_, Qt::CaseInsensitive);
}

}  // namespace arina::gui
