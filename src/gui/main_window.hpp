#pragma once
// The main window: the task table with its filter bar, the actions on tasks (toolbar,
// context menu, keyboard; all work on every selected row), the status bar, the log
// panel, the clipboard offer, drag and drop, and the tray icon. The Add dialog opens
// window-modal without a nested event loop (open(), not exec()). GUI thread only; every
// call into the manager either only posts work to its engine or runs on the bridge's
// worker thread.

#include <QMainWindow>
#include <QSystemTrayIcon>
#include <optional>
#include <vector>

#include "core/metrics.hpp"
#include "core/task.hpp"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;
class QTimer;

namespace arina::gui {

class ManagerBridge;
class SpeedGraph;
class TaskFilterProxy;
class TaskTableModel;

struct WindowOptions {
    QString config_path;  ///< the settings file (the CLI's)
    bool watch_clipboard = false;
    bool close_to_tray = false;
    /// Whether there is a system tray; unset: as the platform says (tests set it, the
    /// offscreen platform has none).
    std::optional<bool> tray_available;
};

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    MainWindow(ManagerBridge& bridge, TaskTableModel& model, WindowOptions options,
               QWidget* parent = nullptr);

    TaskFilterProxy& proxy() { return *proxy_; }
    QTableView& view() { return *view_; }
    /// Ids of the selected rows, in view order.
    std::vector<TaskId> selected_ids() const;
    /// Opens the Add dialog filled with `urls` (drop, clipboard offer).
    void offer_add(const QStringList& urls);
    /// The window's own preferences as the user left them (stored by main()).
    WindowOptions options() const;
    /// Refreshes the status bar now (it also does so every second).
    void update_status();
    /// The manager's figures the status bar shows (as of the last update_status()).
    const Metrics& shown_metrics() const { return shown_metrics_; }
    /// The tray icon, or null without a system tray.
    QSystemTrayIcon* tray() { return tray_; }

  signals:
    /// The user asked to quit (Quit, or closing the window without close-to-tray); main()
    /// ends the event loop.
    void quit_requested();
    /// A notification was shown in the tray (a task completed or failed, the window went to
    /// the tray).
    void notified(const QString& title, const QString& text);

  protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

  private:
    void build_actions();
    void build_layout();
    void build_tray();
    void update_actions();
    void for_each_selected(const std::function<void(TaskId)>& action);
    void remove_selected(bool delete_files);
    void move_selected(int direction);
    void open_selected(bool folder);
    void copy_selected_urls();
    void on_clipboard_changed();
    void on_task_finished(qint64 id, const QString& title, const QString& error);
    void show_settings();
    void notify(const QString& title, const QString& text, QSystemTrayIcon::MessageIcon icon, int ms);

    ManagerBridge& bridge_;
    TaskTableModel& model_;
    WindowOptions options_;
    TaskFilterProxy* proxy_ = nullptr;
    QTableView* view_ = nullptr;
    QComboBox* status_filter_ = nullptr;
    QLineEdit* search_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    QWidget* clipboard_bar_ = nullptr;
    QLabel* clipboard_text_ = nullptr;
    QStringList clipboard_urls_;
    QString last_clipboard_;
    QLabel* speed_label_ = nullptr;
    QLabel* tasks_label_ = nullptr;
    QLabel* system_label_ = nullptr;
    SpeedGraph* graph_ = nullptr;
    QTimer* status_timer_ = nullptr;
    Metrics shown_metrics_;
    QSystemTrayIcon* tray_ = nullptr;
    bool quitting_ = false;

    QAction* add_ = nullptr;
    QAction* pause_ = nullptr;
    QAction* resume_ = nullptr;
    QAction* cancel_ = nullptr;
    QAction* retry_ = nullptr;
    QAction* remove_ = nullptr;
    QAction* remove_files_ = nullptr;
    QAction* move_up_ = nullptr;
    QAction* move_down_ = nullptr;
    QAction* open_file_ = nullptr;
    QAction* open_folder_ = nullptr;
    QAction* copy_url_ = nullptr;
    QAction* pause_all_ = nullptr;
    QAction* resume_all_ = nullptr;
    QAction* settings_ = nullptr;
    QAction* watch_clipboard_ = nullptr;
    QAction* close_to_tray_ = nullptr;
    QAction* quit_ = nullptr;
};

}  // namespace arina::gui
