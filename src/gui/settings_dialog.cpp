#include "settings_dialog.hpp"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>
#include <filesystem>

#include "core/config_file.hpp"
#include "platform_table.hpp"

namespace arina::gui {
namespace {

constexpr std::int64_t kMiB = 1024 * 1024;

QSpinBox* spin(QWidget* parent, const char* name, int min, int max) {
    auto* s = new QSpinBox(parent);
    s->setObjectName(name);
    s->setRange(min, max);
    return s;
}

}  // namespace

SettingsDialog::SettingsDialog(QString config_path, QWidget* parent)
    : QDialog(parent), path_(std::move(config_path)) {
    setWindowTitle(tr("Settings"));
    // The ranges are the ones Config::load_file accepts.
    max_workers_ = spin(this, "max_workers", 1, 64);
    // 0 is "auto" (kAutoConnections): the spin box shows the word at its minimum.
    fragments_ = spin(this, "concurrent_fragments", kAutoConnections, 64);
    fragments_->setSpecialValueText(tr("auto"));
    chunk_mib_ = spin(this, "chunk_mib", 1, 1024);
    chunk_mib_->setSuffix(" MiB");
    retries_ = spin(this, "retries", 0, 1000);
    fragment_retries_ = spin(this, "fragment_retries", 0, 1000);
    socket_timeout_ = new QDoubleSpinBox(this);
    socket_timeout_->setObjectName("socket_timeout");
    socket_timeout_->setRange(0.1, 3600);
    socket_timeout_->setSuffix(" s");
    rate_limit_kib_ = new QDoubleSpinBox(this);
    rate_limit_kib_->setObjectName("rate_limit");
    rate_limit_kib_->setRange(0, 10'000'000);
    rate_limit_kib_->setDecimals(0);
    rate_limit_kib_->setSuffix(" KiB/s");
    rate_limit_kib_->setSpecialValueText(tr("unlimited"));
    preset_ = new QComboBox(this);
    preset_->setObjectName("preset");
    preset_->addItem(tr("(keep values)"), QString());
    for (const char* p : {"high-performance", "stable", "conservative"}) preset_->addItem(p, QString(p));
    connect(preset_, &QComboBox::currentIndexChanged, this, [this] {
        // A preset fills in its values; the user may still change them before saving.
        if (auto c = Config::preset(preset_->currentData().toString().toStdString())) {
            max_workers_->setValue(c->max_workers);
            fragments_->setValue(c->concurrent_fragments);
            chunk_mib_->setValue(static_cast<int>(std::max<std::int64_t>(1, c->http_chunk_size / kMiB)));
        }
    });
    folder_ = new QLineEdit(this);
    folder_->setObjectName("output_dir");
    auto* browse = new QPushButton(tr("Browse..."), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Download folder"), folder_->text());
        if (!dir.isEmpty()) folder_->setText(dir);
    });
    output_template_ = new QLineEdit(this);
    output_template_->setObjectName("output_template");
    output_template_->setPlaceholderText("%(title)s [%(id)s].%(ext)s");
    output_template_->setToolTip(
        tr("How media found on web pages is named (fields: title, id, ext, height, "
           "format_id, platform, upload_date, uploader, playlist_index)"));
    ytdlp_path_ = new QLineEdit(this);
    ytdlp_path_->setObjectName("ytdlp_path");
    ytdlp_path_->setPlaceholderText(tr("yt-dlp on PATH"));
    ytdlp_path_->setToolTip(
        tr("The yt-dlp program for sites Arina does not read itself; a current one "
           "knows today's sites"));
    auto* folder_row = new QHBoxLayout;
    folder_row->addWidget(folder_);
    folder_row->addWidget(browse);

    error_ = new QLabel(this);
    error_->setObjectName("error");
    error_->setStyleSheet("color: #b00020");
    error_->setWordWrap(true);
    error_->hide();

    auto* form = new QFormLayout;
    form->addRow(tr("Preset"), preset_);
    form->addRow(tr("Downloads at once"), max_workers_);
    form->addRow(tr("Connections per download"), fragments_);
    form->addRow(tr("Largest request"), chunk_mib_);
    form->addRow(tr("Retries per download"), retries_);
    form->addRow(tr("Retries per fragment"), fragment_retries_);
    form->addRow(tr("Socket timeout"), socket_timeout_);
    form->addRow(tr("Rate limit (all downloads)"), rate_limit_kib_);
    form->addRow(tr("Download folder"), folder_row);
    form->addRow(tr("File names (pages)"), output_template_);
    form->addRow(tr("yt-dlp program"), ytdlp_path_);
    platforms_ = new PlatformTable(this);
    platforms_->setObjectName("platform_profiles");
    auto* general = new QWidget(this);
    general->setLayout(form);
    auto* tabs = new QTabWidget(this);
    tabs->addTab(general, tr("General"));
    tabs->addTab(platforms_, tr("Platform profiles"));
    auto* note = new QLabel(tr("Downloads at once and the rate limit apply at once; the other settings "
                               "to every download that starts from now on (running downloads keep "
                               "theirs)."),
                            this);
    note->setWordWrap(true);
    auto* file_label = new QLabel(tr("Stored in %1").arg(path_), this);
    file_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs, 1);
    layout->addWidget(note);
    layout->addWidget(file_label);
    layout->addWidget(error_);
    layout->addWidget(buttons);
    resize(900, 520);

    std::error_code ec;
    if (std::filesystem::exists(path_.toStdString(), ec)) {
        auto loaded = Config::load_file(path_.toStdString());
        if (auto* err = std::get_if<Error>(&loaded))
            show_error(QString::fromStdString(err->message));
        else
            loaded_ = std::get<Config>(loaded);
    }
    set_config(loaded_);
}

void SettingsDialog::set_config(const Config& c) {
    max_workers_->setValue(c.max_workers);
    fragments_->setValue(c.concurrent_fragments);
    chunk_mib_->setValue(static_cast<int>(std::max<std::int64_t>(1, c.http_chunk_size / kMiB)));
    retries_->setValue(c.retries);
    fragment_retries_->setValue(c.fragment_retries);
    socket_timeout_->setValue(c.socket_timeout);
    rate_limit_kib_->setValue(c.rate_limit / 1024);
    folder_->setText(QString::fromStdString(c.output_dir.string()));
    output_template_->setText(QString::fromStdString(c.output_template));
    ytdlp_path_->setText(QString::fromStdString(c.ytdlp_path));
    platforms_->set_platforms(c.platforms);
}

Config SettingsDialog::config() const {
    Config c = loaded_;
    c.max_workers = max_workers_->value();
    c.concurrent_fragments = fragments_->value();
    c.http_chunk_size = chunk_mib_->value() * kMiB;
    c.retries = retries_->value();
    c.fragment_retries = fragment_retries_->value();
    c.socket_timeout = socket_timeout_->value();
    c.rate_limit = rate_limit_kib_->value() * 1024;
    c.output_dir = folder_->text().trimmed().toStdString();
    c.output_template = output_template_->text().trimmed().toStdString();
    c.ytdlp_path = ytdlp_path_->text().trimmed().toStdString();
    // A table that does not read keeps the loaded profiles here; save() reports it.
    if (auto platforms = platforms_->platforms();
        auto* read = std::get_if<std::vector<extract::Platform>>(&platforms))
        c.platforms = std::move(*read);
    return c;
}

QString SettingsDialog::error_text() const {
    return error_->text();
}

void SettingsDialog::show_error(const QString& text) {
    error_->setText(text);
    error_->setVisible(!text.isEmpty());
}

bool SettingsDialog::save() {
    if (folder_->text().trimmed().isEmpty()) {
        show_error(tr("Choose a download folder"));
        return false;
    }
    if (auto platforms = platforms_->platforms(); auto* problem = std::get_if<QString>(&platforms)) {
        show_error(tr("Platform profiles: %1").arg(*problem));
        return false;
    }
    const Error error =
        save_config_file(path_.toStdString(), config(), preset_->currentData().toString().toStdString());
    if (error) {
        show_error(QString::fromStdString(error.message));
        return false;
    }
    loaded_ = config();
    show_error({});
    return true;
}

void SettingsDialog::accept() {
    if (save()) QDialog::accept();
}

}  // namespace arina::gui
