#include "add_dialog.hpp"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryFile>
#include <QVBoxLayout>
#include <filesystem>

#include "format_picker.hpp"
#include "url_input.hpp"

namespace arina::gui {

QString folder_problem(const QString& folder) {
    if (folder.trimmed().isEmpty()) return QObject::tr("Choose a folder for the downloads");
    std::error_code ec;
    const std::filesystem::path path = folder.toStdString();
    std::filesystem::create_directories(path, ec);
    if (ec) return QObject::tr("Cannot use folder %1: %2").arg(folder, QString::fromStdString(ec.message()));
    // Writing is the only reliable test (permissions, read-only mounts, ACLs).
    QTemporaryFile probe(QDir(folder).filePath(".arina-write-test-XXXXXX"));
    if (!probe.open()) return QObject::tr("Cannot write to folder %1: %2").arg(folder, probe.errorString());
    return {};
}

AddDialog::AddDialog(const Config& config, QWidget* parent) : QDialog(parent), config_(config) {
    setWindowTitle(tr("Add downloads"));
    urls_ = new QPlainTextEdit(this);
    urls_->setObjectName("urls");
    urls_->setPlaceholderText(tr("One URL a line"));
    connect(urls_, &QPlainTextEdit::textChanged, this, &AddDialog::urls_edited);
    folder_ =
        new QLineEdit(QString::fromStdString(std::filesystem::absolute(config.output_dir).string()), this);
    folder_->setObjectName("folder");
    auto* browse = new QPushButton(tr("Browse..."), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Download folder"), folder_->text());
        if (!dir.isEmpty()) folder_->setText(dir);
    });
    auto* folder_row = new QHBoxLayout;
    folder_row->addWidget(folder_);
    folder_row->addWidget(browse);

    quality_ = new QComboBox(this);
    quality_->setObjectName("quality");
    quality_->setEditable(true);  // any -f expression: "height<=720", a format id
    quality_->addItem(tr("Best (profile default)"), QString());
    for (const char* q : {"2160", "1440", "1080", "720", "480", "360"})
        quality_->addItem(QString("%1p").arg(q), QString("height<=%1").arg(q));
    quality_->addItem(tr("Audio only"), QString("bestaudio"));
    container_ = new QComboBox(this);
    container_->addItem("mp4", "mp4");
    container_->addItem("mkv", "mkv");
    preset_ = new QComboBox(this);
    preset_->setObjectName("preset");
    preset_->addItem(tr("From settings"), QString());
    for (const char* p : {"high-performance", "stable", "conservative"}) preset_->addItem(p, QString(p));

    error_ = new QLabel(this);
    error_->setObjectName("error");
    error_->setStyleSheet("color: #b00020");
    error_->setWordWrap(true);
    error_->hide();

    // Probing asks the URL's server: only on request, never while the user is still typing.
    formats_button_ = new QPushButton(tr("Formats..."), this);
    formats_button_->setObjectName("probe_formats");
    formats_button_->setToolTip(tr("List the formats of the URL and choose one"));
    connect(formats_button_, &QPushButton::clicked, this, &AddDialog::probe_formats);
    picker_ = new FormatPicker(this);
    picker_->setObjectName("format_picker");
    connect(picker_, &FormatPicker::format_activated, this, &AddDialog::accept);

    auto* form = new QFormLayout;
    form->addRow(tr("URLs"), urls_);
    form->addRow(tr("Folder"), folder_row);
    auto* quality_row = new QHBoxLayout;
    quality_row->addWidget(quality_, 1);
    quality_row->addWidget(formats_button_);
    form->addRow(tr("Quality"), quality_row);
    form->addRow(tr("Container"), container_);
    form->addRow(tr("Preset"), preset_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Add"));
    connect(buttons, &QDialogButtonBox::accepted, this, &AddDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &AddDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(picker_, 1);
    layout->addWidget(error_);
    layout->addWidget(buttons);
    resize(760, 560);
}

void AddDialog::set_urls(const QStringList& urls) {
    urls_->setPlainText(urls.join('\n'));
}

void AddDialog::set_folder(const QString& folder) {
    folder_->setText(folder);
}

QString AddDialog::error_text() const {
    return error_->text();
}

void AddDialog::probe_formats() {
    const UrlList list = parse_url_lines(urls_->toPlainText());
    if (!list.errors.isEmpty()) {
        show_error(list.errors.join('\n'));
        return;
    }
    if (list.urls.size() != 1) {
        show_error(tr("Formats are listed for one URL at a time"));
        return;
    }
    show_error({});
    picker_->probe(list.urls.front(), config_);
}

void AddDialog::urls_edited() {
    // What is listed belongs to one URL: another URL makes it (and a probe still running) moot.
    if (picker_->url().isEmpty()) return;
    const UrlList list = parse_url_lines(urls_->toPlainText());
    if (list.urls.size() != 1 || list.urls.front() != picker_->url()) picker_->clear();
}

void AddDialog::done(int result) {
    picker_->cancel();
    QDialog::done(result);
}

void AddDialog::show_error(const QString& text) {
    error_->setText(text);
    error_->setVisible(!text.isEmpty());
}

bool AddDialog::validate() {
    tasks_.clear();
    const UrlList list = parse_url_lines(urls_->toPlainText());
    if (!list.errors.isEmpty()) {
        show_error(list.errors.join('\n'));
        return false;
    }
    if (list.urls.isEmpty()) {
        show_error(tr("Enter at least one http(s) URL"));
        return false;
    }
    const QString folder = folder_->text().trimmed();
    if (const QString problem = folder_problem(folder); !problem.isEmpty()) {
        show_error(problem);
        return false;
    }
    // An item's data is the -f expression; a typed text is taken as one.
    QString format = quality_->currentData().toString();
    if (quality_->currentText() != quality_->itemText(quality_->currentIndex()))
        format = quality_->currentText().trimmed();
    // A format chosen in the picker wins over the quality box (it was chosen for this very URL).
    if (list.urls.size() == 1 && picker_->url() == list.urls.front()) {
        const FormatPicker::Choice choice = picker_->choice();
        if (!choice.problem.isEmpty()) {
            show_error(choice.problem);
            return false;
        }
        if (!choice.format.isEmpty()) format = choice.format;
    }
    std::optional<int> fragments;
    if (const QString preset = preset_->currentData().toString(); !preset.isEmpty())
        if (auto c = Config::preset(preset.toStdString())) fragments = c->concurrent_fragments;
    for (const QString& url : list.urls) {
        DownloadTask task;
        task.url = url.toStdString();
        task.output_dir = folder.toStdString();
        task.format = format.toStdString();
        task.merge_output_format = container_->currentData().toString().toStdString();
        task.concurrent_fragments = fragments;
        tasks_.push_back(std::move(task));
    }
    show_error({});
    return true;
}

void AddDialog::accept() {
    if (validate()) QDialog::accept();
}

}  // namespace arina::gui
