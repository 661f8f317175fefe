#pragma once
// Paints the Progress column as a progress bar (with the percentage, or the stage when
// the size is unknown). GUI thread only.

#include <QStyledItemDelegate>

namespace arina::gui {

class ProgressDelegate : public QStyledItemDelegate {
    Q_OBJECT
  public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
};

}  // namespace arina::gui
