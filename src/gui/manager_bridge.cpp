#include "manager_bridge.hpp"

#include <QMetaObject>

#include "core/log.hpp"
#include "task_table_model.hpp"

namespace arina::gui {

ManagerBridge::ManagerBridge(std::unique_ptr<DownloadManager> manager, TaskTableModel& model, QObject* parent)
    : QObject(parent), manager_(std::move(manager)), model_(model) {
    pool_.setMaxThreadCount(1);  // adds keep their order
    events_ = manager_->subscribe_events();
    events_->set_notify([this] {
        // Manager thread: only wake the GUI thread (the subscription calls this once per
        // batch: again only after drain() emptied it).
        QMetaObject::invokeMethod(this, &ManagerBridge::drain, Qt::QueuedConnection);
    });
    set_log_handler([this](LogLevel level, std::string_view text) {
        const QString line = QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
        const int lvl = static_cast<int>(level);
        QMetaObject::invokeMethod(
            this, [this, lvl, line] { emit log_message(lvl, line); }, Qt::QueuedConnection);
    });
    model_.reset(manager_->list());
}

ManagerBridge::~ManagerBridge() {
    pool_.waitForDone();
    events_->set_notify({});
    manager_->unsubscribe_events(events_);
    manager_.reset();  // no library thread is left to log after this
    set_log_handler({});
}

void ManagerBridge::add(std::vector<DownloadTask> tasks) {
    if (tasks.empty()) return;
    pool_.start([this, tasks = std::move(tasks)]() mutable {
        auto submitted = manager_->add_tasks(std::move(tasks));
        int ok = 0;
        QString error;
        for (auto& [id, future] : submitted) {
            if (id != 0) {
                ++ok;
            } else if (error.isEmpty()) {
                error = QString::fromStdString(future.get().error.message);
            }
        }
        QMetaObject::invokeMethod(
            this,
            [this, ok, error] {
                if (ok > 0) emit added(ok);
                if (!error.isEmpty()) emit add_failed(error);
            },
            Qt::QueuedConnection);
    });
}

void ManagerBridge::wait_for_adds() {
    pool_.waitForDone();
}

void ManagerBridge::refresh() {
    events_->pop_events();  // list() is newer than anything still queued
    model_.reset(manager_->list());
    emit events_applied();
}

void ManagerBridge::drain() {
    const std::vector<Event> events = events_->pop_events();
    if (events.empty()) return;
    model_.apply(events);
    for (const auto& event : events) {
        const auto* s = std::get_if<StateEvent>(&event);
        if (!s || (s->to != TaskStatus::Completed && s->to != TaskStatus::Failed)) continue;
        const int row = model_.row_of(s->task_id);
        const QString title =
            row >= 0 ? TaskTableModel::title_of(model_.task_at(row)) : QString::number(s->task_id);
        emit task_finished(s->task_id, title, QString::fromStdString(s->error.message));
    }
    emit events_applied();
}

}  // namespace arina::gui
