#pragma once
// Settings, stored in the configuration file the CLI reads (Config::load_file /
// save_config_file): keys the dialog does not show are kept. Errors (a file that does
// not parse, an unwritable directory, a platform profile the CLI would refuse) are shown
// inside the dialog. Two tabs: the general settings, and the platform profiles
// (PlatformTable, the file's [platforms.NAME] tables). GUI thread only.

#include <QDialog>

#include "core/config.hpp"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace arina::gui {

class PlatformTable;

class SettingsDialog : public QDialog {
    Q_OBJECT
  public:
    SettingsDialog(QString config_path, QWidget* parent = nullptr);

    /// The settings as the widgets show them (over what the file had).
    Config config() const;
    void set_config(const Config& config);
    /// Writes the file; false (and an inline error) when that failed.
    bool save();
    QString error_text() const;

  public slots:
    void accept() override;

  private:
    void show_error(const QString& text);

    QString path_;
    Config loaded_;
    QSpinBox* max_workers_;
    QSpinBox* fragments_;
    QSpinBox* chunk_mib_;
    QSpinBox* retries_;
    QSpinBox* fragment_retries_;
    QDoubleSpinBox* socket_timeout_;
    QDoubleSpinBox* rate_limit_kib_;
    QComboBox* preset_;
    QLineEdit* folder_;
    QLineEdit* output_template_ = nullptr;
    QLineEdit* ytdlp_path_ = nullptr;
    PlatformTable* platforms_ = nullptr;
    QLabel* error_;
};

}  // namespace arina::gui
