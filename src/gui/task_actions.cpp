// MainWindow: the actions on tasks (toolbar, context menu, keyboard shortcuts).
#include <QAction>
#include <QClipboard>
#include <QDesktopServices>
#include <QFileInfo>
#include <QGuiApplication>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QSet>
#include <QStyle>
#include <QTableView>
#include <QUrl>
#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "main_window.hpp"
#include "manager_bridge.hpp"
#include "task_filter_proxy.hpp"
#include "task_table_model.hpp"

namespace arina::gui {

void MainWindow::build_actions() {
    auto make = [this](const QString& text, QStyle::StandardPixmap icon, const QKeySequence& key,
                       auto handler) {
        auto* a = new QAction(style()->standardIcon(icon), text, this);
        if (!key.isEmpty()) a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, handler);
        addAction(a);
        return a;
    };
    add_ = make(tr("&Add..."), QStyle::SP_FileDialogNewFolder, QKeySequence::New, [this] { offer_add({}); });
    pause_ = make(tr("&Pause"), QStyle::SP_MediaPause, QKeySequence(Qt::Key_P),
                  [this] { for_each_selected([this](TaskId id) { bridge_.manager().pause(id); }); });
    resume_ = make(tr("&Resume"), QStyle::SP_MediaPlay, QKeySequence(Qt::Key_R),
                   [this] { for_each_selected([this](TaskId id) { bridge_.manager().resume(id); }); });
    cancel_ = make(tr("&Cancel"), QStyle::SP_MediaStop, QKeySequence(Qt::Key_C),
                   [this] { for_each_selected([this](TaskId id) { bridge_.manager().cancel(id); }); });
    retry_ = make(tr("Re&try"), QStyle::SP_BrowserReload, QKeySequence(Qt::Key_T),
                  [this] { for_each_selected([this](TaskId id) { bridge_.manager().retry(id); }); });
    remove_ = make(tr("Re&move"), QStyle::SP_DialogDiscardButton, QKeySequence::Delete,
                   [this] { remove_selected(false); });
    remove_files_ = make(tr("Remove with &files"), QStyle::SP_TrashIcon,
                         QKeySequence(Qt::SHIFT | Qt::Key_Delete), [this] { remove_selected(true); });
    move_up_ = make(tr("Move &up"), QStyle::SP_ArrowUp, QKeySequence(Qt::CTRL | Qt::Key_Up),
                    [this] { move_selected(-1); });
    move_down_ = make(tr("Move &down"), QStyle::SP_ArrowDown, QKeySequence(Qt::CTRL | Qt::Key_Down),
                      [this] { move_selected(+1); });
    open_file_ = make(tr("&Open file"), QStyle::SP_FileIcon, QKeySequence(Qt::Key_Return),
                      [this] { open_selected(false); });
    open_folder_ = make(tr("Open f&older"), QStyle::SP_DirOpenIcon, QKeySequence(Qt::CTRL | Qt::Key_O),
                        [this] { open_selected(true); });
    copy_url_ =
        make(tr("Copy &URL"), QStyle::SP_FileLinkIcon, QKeySequence::Copy, [this] { copy_selected_urls(); });
    pause_all_ =
        make(tr("Pause all"), QStyle::SP_MediaPause, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), [this] {
            for (const auto& t : bridge_.manager().list())
                if (t.status == TaskStatus::Queued || is_active(t.status)) bridge_.manager().pause(t.id);
        });
    resume_all_ =
        make(tr("Resume all"), QStyle::SP_MediaPlay, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), [this] {
            for (const auto& t : bridge_.manager().list())
                if (t.status == TaskStatus::Paused) bridge_.manager().resume(t.id);
        });
    settings_ = make(tr("&Settings..."), QStyle::SP_FileDialogDetailedView, QKeySequence::Preferences,
                     [this] { show_settings(); });
    quit_ = make(tr("&Quit"), QStyle::SP_DialogCloseButton, QKeySequence::Quit, [this] {
        quitting_ = true;
        close();
    });
    watch_clipboard_ = new QAction(tr("Watch the clipboard for URLs"), this);
    watch_clipboard_->setCheckable(true);
    watch_clipboard_->setChecked(options_.watch_clipboard);
    close_to_tray_ = new QAction(tr("Keep downloading in the tray when closed"), this);
    close_to_tray_->setCheckable(true);
    close_to_tray_->setChecked(options_.close_to_tray);
    connect(close_to_tray_, &QAction::toggled, this, [this](bool on) { options_.close_to_tray = on; });
}

std::vector<TaskId> MainWindow::selected_ids() const {
    // selectedRows() lists rows in the order they were selected: sort them as shown.
    auto rows = view_->selectionModel()->selectedRows(TaskTableModel::Title);
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    std::vector<TaskId> ids;
    ids.reserve(static_cast<std::size_t>(rows.size()));
    for (const QModelIndex& index : rows) ids.push_back(index.data(TaskTableModel::TaskIdRole).toLongLong());
    return ids;
}

void MainWindow::for_each_selected(const std::function<void(TaskId)>& action) {
    for (TaskId id : selected_ids()) action(id);
}

void MainWindow::update_actions() {
    bool any = false, can_pause = false, can_resume = false, can_cancel = false, can_retry = false,
         can_move = false, has_file = false;
    for (TaskId id : selected_ids()) {
        const int row = model_.row_of(id);
        if (row < 0) continue;
        const TaskInfo& t = model_.task_at(row);
        any = true;
        can_pause |= t.status == TaskStatus::Queued || is_active(t.status);
        can_resume |= t.status == TaskStatus::Paused;
        can_cancel |= !is_terminal(t.status);
        can_retry |= t.status == TaskStatus::Failed || t.status == TaskStatus::Cancelled;
        can_move |= t.status == TaskStatus::Queued;
        has_file |= !t.file.empty();
    }
    pause_->setEnabled(can_pause);
    resume_->setEnabled(can_resume);
    cancel_->setEnabled(can_cancel);
    retry_->setEnabled(can_retry);
    remove_->setEnabled(any);
    remove_files_->setEnabled(any);
    move_up_->setEnabled(can_move);
    move_down_->setEnabled(can_move);
    open_file_->setEnabled(has_file);
    open_folder_->setEnabled(any);
    copy_url_->setEnabled(any);
}

void MainWindow::remove_selected(bool delete_files) {
    const auto ids = selected_ids();
    if (ids.empty()) return;
    if (delete_files && QMessageBox::question(this, tr("Remove with files"),
                                              tr("Remove %n download(s) and delete their files from disk?",
                                                 nullptr, static_cast<int>(ids.size()))) != QMessageBox::Yes)
        return;
    for (TaskId id : ids) bridge_.manager().remove(id, delete_files);
}

void MainWindow::move_selected(int direction) {
    // The queue as the library orders it now (the model learns orders only at a refresh):
    // queued tasks, by start order within a priority.
    std::unordered_map<TaskId, std::int64_t> order;
    std::unordered_map<TaskId, int> priority;
    for (const TaskInfo& t : bridge_.manager().list()) {
        if (t.status != TaskStatus::Queued) continue;
        order[t.id] = t.order;
        priority[t.id] = t.task.priority;
    }
    const std::vector<TaskId> selected = selected_ids();
    auto ids = selected;
    std::erase_if(ids, [&](TaskId id) { return !order.count(id); });
    // Moving several rows up starts with the top one (and down with the bottom one), so
    // they keep their order relative to each other; a selected row that cannot move (it
    // is first already) holds back the selected ones behind it, as a block.
    std::sort(ids.begin(), ids.end(), [&](TaskId a, TaskId b) { return order[a] < order[b]; });
    if (direction > 0) std::reverse(ids.begin(), ids.end());
    std::unordered_set<TaskId> stuck;
    bool moved = false;
    for (TaskId id : ids) {
        // The queued task of its priority just before it (up) or after it (down).
        std::optional<TaskId> neighbour;
        for (const auto& [other, o] : order) {
            if (other == id || priority[other] != priority[id]) continue;
            const bool nearer = direction < 0 ? o < order[id] && (!neighbour || o > order[*neighbour])
                                              : o > order[id] && (!neighbour || o < order[*neighbour]);
            if (nearer) neighbour = other;
        }
        if (!neighbour || stuck.count(*neighbour) ||
            !(direction < 0 ? bridge_.manager().move_up(id) : bridge_.manager().move_down(id))) {
            stuck.insert(id);
            continue;
        }
        std::swap(order[id], order[*neighbour]);
        moved = true;
    }
    if (!moved) return;
    bridge_.refresh();  // the order is not an event
    // The refresh reset the model, and with it the selection: select the moved rows again,
    // so that pressing Ctrl+Up again moves them further.
    QItemSelection again;
    for (TaskId id : selected) {
        const int row = model_.row_of(id);
        if (row < 0) continue;
        const QModelIndex index = proxy_->mapFromSource(model_.index(row, 0));
        if (index.isValid()) again.select(index, index);
    }
    view_->selectionModel()->select(again, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    update_actions();
}

void MainWindow::open_selected(bool folder) {
    QSet<QUrl> opened;  // one window per folder, however many of its tasks are selected
    for (TaskId id : selected_ids()) {
        const int row = model_.row_of(id);
        if (row < 0) continue;
        const TaskInfo& t = model_.task_at(row);
        QString path = QString::fromStdString(t.file.string());
        if (folder || path.isEmpty()) {
            path = !path.isEmpty() ? QFileInfo(path).absolutePath()
                                   : QString::fromStdString((t.task.output_dir.empty()
                                                                 ? bridge_.manager().config().output_dir
                                                                 : t.task.output_dir)
                                                                .string());
        }
        const QUrl url = QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath());
        if (opened.contains(url)) continue;
        opened.insert(url);
        QDesktopServices::openUrl(url);
    }
}

void MainWindow::copy_selected_urls() {
    QStringList urls;
    for (TaskId id : selected_ids())
        if (const int row = model_.row_of(id); row >= 0)
            urls << QString::fromStdString(model_.task_at(row).task.url);
    if (!urls.isEmpty()) QGuiApplication::clipboard()->setText(urls.join('\n'));
}

}  // namespace arina::gui
