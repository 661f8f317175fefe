#include "format_picker.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <chrono>

#include "format_columns.hpp"
#include "util/units.hpp"

namespace arina::gui {
namespace {

constexpr int kPollMs = 50;

bool ready(const std::shared_future<ProbeResult>& f) {
    return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

}  // namespace

FormatPicker::FormatPicker(QWidget* parent) : QWidget(parent) {
    title_ = new QLabel(this);
    title_->setObjectName("probe_title");
    title_->setWordWrap(true);
    title_->setTextFormat(Qt::PlainText);  // a page's title is not ours to render
    status_ = new QLabel(this);
    status_->setObjectName("probe_status");
    status_->setWordWrap(true);
    status_->setTextFormat(Qt::PlainText);
    busy_ = new QProgressBar(this);
    busy_->setObjectName("probe_busy");
    busy_->setRange(0, 0);  // indeterminate
    busy_->setMaximumHeight(12);
    busy_->setTextVisible(false);
    busy_->hide();
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setObjectName("probe_cancel");
    cancel_->hide();
    connect(cancel_, &QPushButton::clicked, this, &FormatPicker::cancel);
    best_ = new QPushButton(tr("Best"), this);
    best_->setObjectName("probe_best");
    best_->setToolTip(tr("No particular format: the best one (the default)"));
    best_->hide();

    table_ = new QTreeWidget(this);
    table_->setObjectName("formats");
    table_->setColumnCount(ColumnCount);
    table_->setHeaderLabels(format_column_titles());
    table_->setRootIsDecorated(false);
    table_->setUniformRowHeights(true);
    // One row, or a video row plus an audio row (Ctrl-click).
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->hide();
    connect(best_, &QPushButton::clicked, table_, &QTreeWidget::clearSelection);
    connect(table_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        table_->clearSelection();
        item->setSelected(true);
        emit format_activated();
    });

    auto* status_row = new QHBoxLayout;
    status_row->addWidget(status_, 1);
    status_row->addWidget(busy_);
    status_row->addWidget(cancel_);
    status_row->addWidget(best_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title_);
    layout->addLayout(status_row);
    layout->addWidget(table_, 1);
    title_->hide();

    poll_timer_.setInterval(kPollMs);
    connect(&poll_timer_, &QTimer::timeout, this, &FormatPicker::poll);
}

FormatPicker::~FormatPicker() {
    if (job_) job_->cancel();
    for (auto& job : retired_) job->cancel();
    // The destructors join: each thread was told to stop, so this is short.
    job_.reset();
    retired_.clear();
}

void FormatPicker::probe(const QString& url, const Config& config) {
    retire_current();
    result_.reset();
    table_->clear();
    table_->hide();
    title_->hide();
    best_->hide();
    url_ = url;
    job_ = start_probe(url.toStdString(), config);
    set_state(State::Probing, tr("Looking at %1 ...").arg(url));
    poll_timer_.start();
}

void FormatPicker::cancel() {
    if (state_ != State::Probing) return;
    retire_current();
    set_state(State::Cancelled, tr("Cancelled"));
}

void FormatPicker::clear() {
    retire_current();
    result_.reset();
    url_.clear();
    table_->clear();
    table_->hide();
    title_->hide();
    best_->hide();
    set_state(State::Idle, {});
}

void FormatPicker::retire_current() {
    if (!job_) return;
    job_->cancel();
    retired_.push_back(std::move(job_));
    // The timer keeps running until the retired threads have ended.
}

int FormatPicker::probes_alive() const {
    int alive = 0;
    if (job_ && !ready(job_->result())) ++alive;
    for (const auto& job : retired_) alive += ready(job->result()) ? 0 : 1;
    return alive;
}

void FormatPicker::poll() {
    // A ready result means the thread has set it and is returning: destroying the job joins at once.
    std::erase_if(retired_, [](const auto& job) { return ready(job->result()); });
    if (job_ && ready(job_->result())) {
        const ProbeResult r = job_->result().get();
        job_.reset();
        show_result(r);
    }
    if (!job_ && retired_.empty()) poll_timer_.stop();
}

void FormatPicker::show_result(const ProbeResult& r) {
    result_ = r;
    if (r.error.reason != FailReason::None) {
        set_state(State::Failed, QString::fromStdString(r.error.message));
        return;
    }
    QString heading = QString::fromStdString(r.entries.empty() ? r.title : r.playlist_title);
    if (r.duration && *r.duration > 0)
        heading += QString(heading.isEmpty() ? "%1" : " (%1)")
                       .arg(QString::fromStdString(format_duration(*r.duration)));
    title_->setText(heading);
    title_->setVisible(!heading.isEmpty());
    if (r.extractor == "file") {
        set_state(State::Listed, tr("a plain file; it has one format"));
        return;
    }
    if (!r.entries.empty()) {
        // Adding queues the page itself; the manager makes one task per entry.
        set_state(State::Listed, tr("Playlist: %n entries", nullptr, static_cast<int>(r.entries.size())));
        return;
    }
    for (const FormatInfo& f : r.formats) {
        auto* item = new QTreeWidgetItem(table_, format_cells(f));
        item->setData(Id, Qt::UserRole, QString::fromStdString(f.id));
        if (!f.note.empty()) item->setToolTip(Id, QString::fromStdString(f.note));
    }
    table_->setVisible(!r.formats.empty());
    best_->setVisible(!r.formats.empty());
    set_state(State::Listed, r.formats.empty() ? tr("No formats listed")
                                               : tr("%n formats: none chosen is the best; Ctrl-click a video "
                                                    "and an audio format to combine them",
                                                    nullptr, static_cast<int>(r.formats.size())));
}

void FormatPicker::set_state(State state, const QString& status) {
    state_ = state;
    status_->setText(status);
    status_->setStyleSheet(state == State::Failed ? "color: #b00020" : "");
    busy_->setVisible(state == State::Probing);
    cancel_->setVisible(state == State::Probing);
    emit state_changed(state);
}

QString FormatPicker::status_text() const {
    return status_->text();
}

void FormatPicker::select_ids(const QStringList& ids) {
    table_->clearSelection();
    for (int i = 0; i < table_->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = table_->topLevelItem(i);
        if (ids.contains(item->data(Id, Qt::UserRole).toString())) item->setSelected(true);
    }
}

FormatPicker::Choice FormatPicker::choice() const {
    if (!result_) return {};
    std::vector<FormatInfo> chosen;
    for (int i = 0; i < table_->topLevelItemCount(); ++i)
        if (table_->topLevelItem(i)->isSelected())
            chosen.push_back(result_->formats.at(static_cast<std::size_t>(i)));
    const FormatChoice c = choose_format(chosen);
    return {c.format, c.problem};
}

}  // namespace arina::gui
