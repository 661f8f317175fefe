#pragma once
// The one place where the app meets the library. Owns the DownloadManager; turns its
// events into model updates and signals on the GUI thread.
//
// Threads: the manager's notify hook runs on a manager thread and only posts drain() to
// the GUI thread (a queued invokeMethod); drain() pops every queued event and applies
// them to the model as one batch. Calls that may wait (adding tasks waits for the
// database's sync) run on a worker thread of the bridge's pool and report back with a
// queued signal; pause/resume/... only post work to the engine and return at once.
// The log hook is routed the same way into logMessage().
//
// Lifecycle: destroying the bridge waits for running adds, then destroys the manager
// (stopping downloads and keeping their data, so the queue continues at the next start).

#include <QObject>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <vector>

#include "core/download_manager.hpp"

namespace arina::gui {

class TaskTableModel;

class ManagerBridge : public QObject {
    Q_OBJECT
  public:
    ManagerBridge(std::unique_ptr<DownloadManager> manager, TaskTableModel& model, QObject* parent = nullptr);
    ~ManagerBridge() override;

    DownloadManager& manager() { return *manager_; }

    /// Queues `tasks` (on a worker thread); added() or add_failed() follows.
    void add(std::vector<DownloadTask> tasks);
    /// Reloads every row from the manager (after a change that has no event, e.g. a move).
    void refresh();
    /// Waits (processing no events) until every add() has returned; for tests and shutdown.
    void wait_for_adds();

  signals:
    void added(int count);
    void add_failed(const QString& message);
    /// A task reached Completed or Failed (for notifications); `error` empty on success.
    void task_finished(qint64 id, const QString& title, const QString& error);
    /// A line of the library's log (level: LogLevel as int).
    void log_message(int level, const QString& text);
    /// After each applied batch of events.
    void events_applied();

  private slots:
    void drain();

  private:
    std::unique_ptr<DownloadManager> manager_;
    TaskTableModel& model_;
    std::shared_ptr<EventSubscription> events_;
    QThreadPool pool_;
};

}  // namespace arina::gui
