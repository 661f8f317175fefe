#pragma once
// "Add downloads": one or many URLs (one a line), the folder, the quality and a preset; for
// one URL, "Formats..." lists what it offers (FormatPicker) and a chosen row becomes its format.
// Invalid input is shown inside the dialog (which stays open); nothing is queued until
// the user confirms. GUI thread only.

#include <QDialog>
#include <vector>

#include "core/config.hpp"
#include "core/task.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace arina::gui {

class FormatPicker;

class AddDialog : public QDialog {
    Q_OBJECT
  public:
    AddDialog(const Config& config, QWidget* parent = nullptr);

    void set_urls(const QStringList& urls);
    void set_folder(const QString& folder);
    /// Checks the input; on a problem shows it in the dialog and returns false.
    bool validate();
    /// The tasks to queue; valid after validate() returned true.
    std::vector<DownloadTask> tasks() const { return tasks_; }
    /// What the inline error line says (empty when all is well).
    QString error_text() const;
    /// Probes the one URL entered (what "Formats..." does); shows why not when there is not one.
    void probe_formats();
    FormatPicker& picker() { return *picker_; }

  public slots:
    void accept() override;
    /// Closing by any way (Cancel, Escape, the window's close) stops a running probe.
    void done(int result) override;

  private:
    void show_error(const QString& text);
    void urls_edited();

    QPlainTextEdit* urls_;
    QLineEdit* folder_;
    QComboBox* quality_;
    QComboBox* container_;
    QComboBox* preset_;
    QLabel* error_;
    QPushButton* formats_button_;
    FormatPicker* picker_;
    Config config_;
    std::vector<DownloadTask> tasks_;
};

/// Why `folder` cannot take downloads (created when missing), or empty when it can.
QString folder_problem(const QString& folder);

}  // namespace arina::gui
