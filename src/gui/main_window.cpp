#include "main_window.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include "add_dialog.hpp"
#include "core/log.hpp"
#include "manager_bridge.hpp"
#include "progress_delegate.hpp"
#include "settings_dialog.hpp"
#include "speed_graph.hpp"
#include "task_filter_proxy.hpp"
#include "task_table_model.hpp"
#include "url_input.hpp"

namespace arina::gui {
namespace {

QString rate_text(double bytes_per_second) {
    return QLocale::system().formattedDataSize(static_cast<qint64>(bytes_per_second), 1,
                                               QLocale::DataSizeTraditionalFormat) +
           "/s";
}

}  // namespace

MainWindow::MainWindow(ManagerBridge& bridge, TaskTableModel& model, WindowOptions options, QWidget* parent)
    : QMainWindow(parent), bridge_(bridge), model_(model), options_(std::move(options)) {
    setWindowTitle("Arina");
    setAcceptDrops(true);
    build_actions();
    build_layout();
    build_tray();

    connect(&bridge_, &ManagerBridge::events_applied, this, &MainWindow::update_actions);
    connect(&bridge_, &ManagerBridge::task_finished, this, &MainWindow::on_task_finished);
    connect(&bridge_, &ManagerBridge::add_failed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Not added: %1").arg(message), 15000);
        log_->appendPlainText("error: " + message);
    });
    connect(&bridge_, &ManagerBridge::added, this, [this](int count) {
        statusBar()->showMessage(tr("Added %n download(s)", nullptr, count), 5000);
    });
    connect(&bridge_, &ManagerBridge::log_message, this, [this](int level, const QString& text) {
        log_->appendPlainText(QString::fromUtf8(to_string(static_cast<LogLevel>(level)).data()) + ": " +
                              text);
    });
    connect(QGuiApplication::clipboard(), &QClipboard::dataChanged, this, &MainWindow::on_clipboard_changed);

    status_timer_ = new QTimer(this);
    connect(status_timer_, &QTimer::timeout, this, &MainWindow::update_status);
    status_timer_->start(1000);
    update_status();
    update_actions();
    resize(1180, 560);
}

void MainWindow::build_layout() {
    auto* toolbar = addToolBar(tr("Tasks"));
    toolbar->setObjectName("tasks-toolbar");
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setIconSize({16, 16});
    for (QAction* a : {add_, pause_, resume_, cancel_, retry_, remove_}) toolbar->addAction(a);
    toolbar->addSeparator();
    for (QAction* a : {move_up_, move_down_}) toolbar->addAction(a);
    toolbar->addSeparator();
    for (QAction* a : {open_file_, open_folder_, copy_url_}) toolbar->addAction(a);
    toolbar->addSeparator();
    for (QAction* a : {pause_all_, resume_all_}) toolbar->addAction(a);

    auto* file_menu = menuBar()->addMenu(tr("&File"));
    file_menu->addAction(add_);
    file_menu->addSeparator();
    file_menu->addAction(settings_);
    file_menu->addAction(watch_clipboard_);
    file_menu->addAction(close_to_tray_);
    file_menu->addSeparator();
    file_menu->addAction(quit_);
    auto* task_menu = menuBar()->addMenu(tr("&Tasks"));
    task_menu->setObjectName("tasks-menu");
    for (QAction* a : {pause_, resume_, cancel_, retry_, remove_, remove_files_, move_up_, move_down_,
                       open_file_, open_folder_, copy_url_, pause_all_, resume_all_})
        task_menu->addAction(a);

    proxy_ = new TaskFilterProxy(this);
    proxy_->setSourceModel(&model_);
    view_ = new QTableView(this);
    view_->setObjectName("tasks");
    view_->setModel(proxy_);
    view_->setItemDelegateForColumn(TaskTableModel::Progress, new ProgressDelegate(view_));
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setSortingEnabled(true);
    view_->sortByColumn(TaskTableModel::Added, Qt::AscendingOrder);
    view_->setAlternatingRowColors(true);
    view_->setWordWrap(false);
    view_->verticalHeader()->hide();
    view_->verticalHeader()->setDefaultSectionSize(24);
    view_->horizontalHeader()->setStretchLastSection(false);
    view_->horizontalHeader()->setSectionResizeMode(TaskTableModel::Title, QHeaderView::Stretch);
    view_->horizontalHeader()->setSectionResizeMode(TaskTableModel::Queue, QHeaderView::ResizeToContents);
    // Queue fits its numbers, Title stretches: widths for the columns after them.
    const int widths[TaskTableModel::ColumnCount] = {0, 0, 90, 110, 80, 140, 90, 60, 220, 120};
    for (int c = TaskTableModel::Title + 1; c < TaskTableModel::ColumnCount; ++c)
        view_->setColumnWidth(c, widths[c]);
    view_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view_, &QTableView::customContextMenuRequested, this, [this](const QPoint& pos) {
        QMenu menu(this);
        for (QAction* a : {pause_, resume_, cancel_, retry_}) menu.addAction(a);
        menu.addSeparator();
        for (QAction* a : {move_up_, move_down_}) menu.addAction(a);
        menu.addSeparator();
        for (QAction* a : {open_file_, open_folder_, copy_url_}) menu.addAction(a);
        menu.addSeparator();
        for (QAction* a : {remove_, remove_files_}) menu.addAction(a);
        menu.exec(view_->viewport()->mapToGlobal(pos));
    });
    connect(view_, &QTableView::doubleClicked, this, [this] { open_selected(false); });
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::update_actions);

    status_filter_ = new QComboBox(this);
    status_filter_->setObjectName("status-filter");
    for (const QString& s : {tr("All"), tr("Active"), tr("Queued"), tr("Paused"), tr("Completed"),
                             tr("Failed"), tr("Cancelled")})
        status_filter_->addItem(s);
    connect(status_filter_, &QComboBox::currentIndexChanged, this,
            [this](int i) { proxy_->set_status_filter(static_cast<TaskFilterProxy::StatusFilter>(i)); });
    search_ = new QLineEdit(this);
    search_->setObjectName("search");
    search_->setPlaceholderText(tr("Search titles and URLs"));
    search_->setClearButtonEnabled(true);
    connect(search_, &QLineEdit::textChanged, proxy_, &TaskFilterProxy::set_search_text);

    // The clipboard offer: shown when the watcher sees URLs; never adds by itself.
    clipboard_bar_ = new QWidget(this);
    clipboard_bar_->setObjectName("clipboard-offer");
    clipboard_text_ = new QLabel(clipboard_bar_);
    clipboard_text_->setObjectName("clipboard-text");
    auto* offer_add_button = new QPushButton(tr("Add..."), clipboard_bar_);
    offer_add_button->setObjectName("clipboard-add");
    auto* offer_dismiss = new QPushButton(tr("Dismiss"), clipboard_bar_);
    offer_dismiss->setObjectName("clipboard-dismiss");
    auto* offer_row = new QHBoxLayout(clipboard_bar_);
    offer_row->setContentsMargins(6, 2, 6, 2);
    offer_row->addWidget(clipboard_text_, 1);
    offer_row->addWidget(offer_add_button);
    offer_row->addWidget(offer_dismiss);
    clipboard_bar_->hide();
    connect(offer_add_button, &QPushButton::clicked, this, [this] {
        clipboard_bar_->hide();
        offer_add(clipboard_urls_);
    });
    connect(offer_dismiss, &QPushButton::clicked, clipboard_bar_, &QWidget::hide);

    auto* filter_row = new QHBoxLayout;
    filter_row->addWidget(new QLabel(tr("Show"), this));
    filter_row->addWidget(status_filter_);
    filter_row->addWidget(search_, 1);
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(clipboard_bar_);
    layout->addLayout(filter_row);
    layout->addWidget(view_, 1);
    setCentralWidget(central);

    log_ = new QPlainTextEdit(this);
    log_->setObjectName("log");
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(2000);
    auto* dock = new QDockWidget(tr("Log"), this);
    dock->setObjectName("log-dock");
    dock->setWidget(log_);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    dock->hide();
    menuBar()->addMenu(tr("&View"))->addAction(dock->toggleViewAction());

    speed_label_ = new QLabel(this);
    speed_label_->setObjectName("status-speed");
    tasks_label_ = new QLabel(this);
    tasks_label_->setObjectName("status-tasks");
    system_label_ = new QLabel(this);
    system_label_->setObjectName("status-system");
    graph_ = new SpeedGraph(this);
    graph_->setObjectName("status-graph");
    statusBar()->addPermanentWidget(tasks_label_);
    statusBar()->addPermanentWidget(system_label_);
    statusBar()->addPermanentWidget(speed_label_);
    statusBar()->addPermanentWidget(graph_);
}

void MainWindow::build_tray() {
    if (!options_.tray_available.value_or(QSystemTrayIcon::isSystemTrayAvailable())) return;
    tray_ = new QSystemTrayIcon(style()->standardIcon(QStyle::SP_ArrowDown), this);
    auto* menu = new QMenu(this);
    menu->addAction(tr("Show"), this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    menu->addAction(pause_all_);
    menu->addAction(resume_all_);
    menu->addSeparator();
    menu->addAction(quit_);
    tray_->setContextMenu(menu);
    connect(tray_, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger) isVisible() ? hide() : showNormal();
    });
    tray_->show();
}

void MainWindow::update_status() {
    shown_metrics_ = bridge_.manager().metrics();
    const Metrics& m = shown_metrics_;
    speed_label_->setText(rate_text(m.speed));
    tasks_label_->setText(tr("%1 active, %2 queued").arg(m.active_tasks).arg(m.queued_tasks));
    system_label_->setText(
        tr("%1 connections, %2 threads, %3")
            .arg(m.active_connections)
            .arg(m.threads)
            .arg(QLocale::system().formattedDataSize(m.rss_bytes, 0, QLocale::DataSizeTraditionalFormat)));
    graph_->add_sample(m.speed);
    if (tray_) {
        QString tip = "Arina: " + tasks_label_->text() + ", " + speed_label_->text();
        if (m.total_bytes > 0)
            tip += QString(", %1%").arg(
                100.0 * static_cast<double>(m.done_bytes) / static_cast<double>(m.total_bytes), 0, 'f', 0);
        tray_->setToolTip(tip);
    }
}

void MainWindow::notify(const QString& title, const QString& text, QSystemTrayIcon::MessageIcon icon,
                        int ms) {
    if (!tray_) return;
    tray_->showMessage(title, text, icon, ms);
    emit notified(title, text);
}

void MainWindow::on_task_finished(qint64, const QString& title, const QString& error) {
    if (error.isEmpty())
        notify(tr("Download complete"), title, QSystemTrayIcon::Information, 4000);
    else
        notify(tr("Download failed"), title + "\n" + error, QSystemTrayIcon::Warning, 8000);
}

void MainWindow::offer_add(const QStringList& urls) {
    auto* dialog = new AddDialog(bridge_.manager().config(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->set_urls(urls);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { bridge_.add(dialog->tasks()); });
    dialog->open();
}

void MainWindow::on_clipboard_changed() {
    if (!watch_clipboard_->isChecked()) return;
    const QString text = QGuiApplication::clipboard()->text().trimmed();
    if (text.isEmpty() || text == last_clipboard_ || !is_only_urls(text)) return;
    last_clipboard_ = text;
    clipboard_urls_ = parse_url_lines(text).urls;
    clipboard_text_->setText(
        tr("The clipboard has %n URL(s): %1", nullptr, static_cast<int>(clipboard_urls_.size()))
            .arg(clipboard_urls_.first().left(80)));
    clipboard_bar_->show();
}

void MainWindow::show_settings() {
    SettingsDialog dialog(options_.config_path, this);
    if (dialog.exec() != QDialog::Accepted) return;
    // Downloads at once and the rate limit change now; the rest serves every download that
    // starts from now on (running ones keep what they started with).
    bridge_.manager().apply_settings(dialog.config());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!quitting_ && options_.close_to_tray && tray_) {
        hide();
        notify(tr("Arina"), tr("Downloads continue in the tray."), QSystemTrayIcon::Information, 3000);
        event->ignore();
        return;
    }
    event->accept();
    emit quit_requested();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() || event->mimeData()->hasText()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList urls, errors;
    const QMimeData* dropped = event->mimeData();
    if (dropped->hasUrls()) {
        for (const QUrl& url : dropped->urls()) {
            if (url.isLocalFile()) {
                // A dropped .txt is a list of URLs, one a line.
                const UrlList list = read_url_file(url.toLocalFile());
                urls << list.urls;
                errors << list.errors;
            } else {
                urls << url.toString();
            }
        }
    } else {
        const UrlList list = parse_url_lines(dropped->text());
        urls << list.urls;
        errors << list.errors;
    }
    event->acceptProposedAction();
    if (!errors.isEmpty()) statusBar()->showMessage(errors.join("; "), 15000);
    // The dialog opens after the drop has returned, so the drag source is not kept waiting.
    if (!urls.isEmpty()) QTimer::singleShot(0, this, [this, urls] { offer_add(urls); });
}

WindowOptions MainWindow::options() const {
    WindowOptions o = options_;
    o.watch_clipboard = watch_clipboard_->isChecked();
    o.close_to_tray = close_to_tray_->isChecked();
    return o;
}

}  // namespace arina::gui
