#include "progress_delegate.hpp"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>

#include "task_table_model.hpp"

namespace arina::gui {

void ProgressDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                             const QModelIndex& index) const {
    const double progress = index.data(TaskTableModel::ProgressRole).toDouble();
    // Highlight of a selected row first, then the bar inside it.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &background, painter, option.widget);

    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(2, 3, -2, -3);
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.textVisible = true;
    bar.state = option.state | QStyle::State_Horizontal;
    if (progress < 0) {
        // Size unknown: an empty bar with what the task is doing.
        bar.progress = 0;
        bar.text = index.siblingAtColumn(TaskTableModel::Status).data().toString().section(": ", 1);
    } else {
        bar.progress = static_cast<int>(progress * 1000 + 0.5);
        bar.text = index.data().toString();
    }
    QApplication::style()->drawControl(QStyle::CE_ProgressBar, &bar, painter, option.widget);
}

}  // namespace arina::gui
