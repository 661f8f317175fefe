#pragma once
// The Add dialog's format picker: probes one URL (core's start_probe, on a thread of its own) and
// lists what it offers, so that a row (or a video row and an audio row) becomes the task's -f.
// The GUI thread never waits for a probe: a timer polls the result, and a cancelled or replaced
// probe is kept until its thread has ended, then destroyed (which then joins at once).
// GUI thread only.

#include <QString>
#include <QTimer>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

#include "core/config.hpp"
#include "core/probe.hpp"

class QLabel;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace arina::gui {

class FormatPicker : public QWidget {
    Q_OBJECT
  public:
    enum class State { Idle, Probing, Listed, Failed, Cancelled };

    explicit FormatPicker(QWidget* parent = nullptr);
    /// Cancels a probe still running and waits for its thread (bounded by how soon a cancelled
    /// probe ends).
    ~FormatPicker() override;

    /// Starts probing `url` (a probe already running is cancelled).
    void probe(const QString& url, const Config& config);
    /// Stops a running probe; the picker then says so.
    void cancel();
    /// Back to nothing probed (the URL changed).
    void clear();

    State state() const { return state_; }
    /// The URL the listed formats belong to (empty when nothing was probed).
    QString url() const { return url_; }
    /// The line under the title: busy, the error message, "Playlist: N entries", ...
    QString status_text() const;
    /// The last finished probe's result.
    const std::optional<ProbeResult>& result() const { return result_; }
    /// Selects the rows of these format ids (and no other).
    void select_ids(const QStringList& ids);
    /// The chosen rows as a -f expression ("" = best) or why they cannot be combined.
    struct Choice {
        QString format;
        QString problem;
    };
    Choice choice() const;
    /// How many probes have not ended their thread yet (the running one and cancelled ones).
    int probes_alive() const;

  signals:
    void state_changed(arina::gui::FormatPicker::State state);
    /// A row was double-clicked (or Enter pressed on it): that format alone is chosen.
    void format_activated();

  private:
    void poll();
    void show_result(const ProbeResult& r);
    void set_state(State state, const QString& status);
    void retire_current();

    QLabel* title_;
    QLabel* status_;
    QProgressBar* busy_;
    QPushButton* cancel_;
    QPushButton* best_;
    QTreeWidget* table_;
    QTimer poll_timer_;
    State state_ = State::Idle;
    QString url_;
    std::unique_ptr<ProbeJob> job_;
    // Cancelled probes whose thread may still be finishing; destroyed once their result is ready.
    std::vector<std::unique_ptr<ProbeJob>> retired_;
    std::optional<ProbeResult> result_;
};

}  // namespace arina::gui
