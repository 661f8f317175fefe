#pragma once
// Drives the window's actions the ways a user does: a toolbar button clicked, an item of
// the table's context menu (or of the Tasks menu) chosen, a shortcut pressed with the
// table focused. Each way goes through the real widgets (the toolbar's QToolButton, the
// QMenu the window opens, QShortcut dispatch), so an action missing from one of them, or
// disabled there, or a shortcut the table swallows, fails the test.
#include <QAbstractItemView>
#include <QApplication>
#include <QContextMenuEvent>
#include <QDesktopServices>
#include <QItemSelection>
#include <QMenu>
#include <QTest>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUrl>
#include <initializer_list>

#include "test_app.hpp"

namespace arina::gui {

enum class Via { Toolbar, ContextMenu, TasksMenu, Keyboard };

inline const char* via_name(Via via) {
    switch (via) {
        case Via::Toolbar:
            return "toolbar";
        case Via::ContextMenu:
            return "context menu";
        case Via::TasksMenu:
            return "tasks menu";
        case Via::Keyboard:
            return "keyboard";
    }
    return "?";
}

/// Selects these rows of the model (source rows), and only them.
inline void select_rows(App& app, std::initializer_list<int> rows) {
    QItemSelection selection;
    for (int row : rows) {
        const QModelIndex index = app.window->proxy().mapFromSource(app.model.index(row, 0));
        selection.select(index, index);
    }
    app.window->view().selectionModel()->select(
        selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

/// Triggers the action named `text` (as the menus show it, without '&') through `via`.
/// Returns what went wrong, empty when the action could be triggered that way.
inline QString trigger(App& app, Via via, const QString& text) {
    QAction* action = app.action(text);
    if (!action) return "no action " + text;
    const QString where = QString(" (%1)").arg(via_name(via));
    switch (via) {
        case Via::Toolbar: {
            auto* bar = app.window->findChild<QToolBar*>("tasks-toolbar");
            auto* button = bar ? qobject_cast<QToolButton*>(bar->widgetForAction(action)) : nullptr;
            if (!button) return text + " is not on the toolbar";
            if (!button->isEnabled()) return text + " is disabled" + where;
            QTest::mouseClick(button, Qt::LeftButton);
            return {};
        }
        case Via::ContextMenu:
        case Via::TasksMenu: {
            // The menu runs its own event loop: pick the item from a timer inside it.
            QString problem = "no menu opened";
            QTimer pick;
            pick.setInterval(10);
            QObject::connect(&pick, &QTimer::timeout, [&] {
                auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
                if (!menu) return;
                pick.stop();
                if (!menu->actions().contains(action)) {
                    problem = text + " is not in the menu" + where;
                    menu->close();
                } else if (!action->isEnabled()) {
                    problem = text + " is disabled" + where;
                    menu->close();
                } else {
                    problem.clear();
                    menu->setActiveAction(action);
                    QTest::keyClick(menu, Qt::Key_Return);
                }
            });
            pick.start();
            if (via == Via::ContextMenu) {
                // A right click on the first selected row.
                QTableView& view = app.window->view();
                const auto rows = view.selectionModel()->selectedRows();
                const QPoint pos = rows.isEmpty() ? QPoint(4, 4) : view.visualRect(rows.first()).center();
                QContextMenuEvent event(QContextMenuEvent::Mouse, pos, view.viewport()->mapToGlobal(pos));
                QApplication::sendEvent(view.viewport(), &event);
            } else {
                auto* menu = app.window->findChild<QMenu*>("tasks-menu");
                if (!menu) return "no Tasks menu";
                menu->exec(app.window->mapToGlobal(QPoint(20, 20)));
            }
            pick.stop();
            return problem;
        }
        case Via::Keyboard: {
            const QKeySequence key = action->shortcut();
            if (key.isEmpty()) return text + " has no shortcut";
            app.window->activateWindow();
            if (!QTest::qWaitForWindowActive(app.window.get(), 10'000)) return "the window is not active";
            QTableView& view = app.window->view();
            view.setFocus();
            // The shortcut goes through QShortcut dispatch as a real key press does: a key the
            // table would take for itself never reaches the action.
            QTest::keySequence(&view, key);
            return {};
        }
    }
    return "unknown way";
}

/// Records what the window asks the desktop to open (QDesktopServices' handler for file:
/// URLs) instead of starting a file manager.
class OpenedUrls : public QObject {
    Q_OBJECT
  public:
    OpenedUrls() { QDesktopServices::setUrlHandler("file", this, "open"); }
    ~OpenedUrls() override { QDesktopServices::unsetUrlHandler("file"); }
    QList<QUrl> urls;
  public slots:
    void open(const QUrl& url) { urls << url; }
};

}  // namespace arina::gui

Q_DECLARE_METATYPE(arina::gui::Via)
