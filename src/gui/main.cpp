// arina-gui: the desktop app over the download manager. The queue is the library's
// SQLite queue (the CLI's `arina run` queue by default), so quitting with downloads
// running and starting again continues them.
#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSettings>
#include <filesystem>

#include "core/download_manager.hpp"
#include "main_window.hpp"
#include "manager_bridge.hpp"
#include "task_table_model.hpp"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("arina-gui");
    QApplication::setOrganizationName("arina");
    QApplication::setApplicationVersion("0.1.0");
    // Closing the window may mean "keep going in the tray": quitting is explicit.
    QApplication::setQuitOnLastWindowClosed(false);

    QCommandLineParser parser;
    parser.setApplicationDescription("Arina, the desktop app");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption config_option("config", "Settings file (default: the CLI's config.toml).", "file");
    QCommandLineOption database_option("database", "Task queue database (default: the CLI's queue).", "file");
    parser.addOption(config_option);
    parser.addOption(database_option);
    parser.addPositionalArgument("urls", "URLs to offer for download.", "[URL...]");
    parser.process(app);

    const QString config_path = parser.isSet(config_option)
                                    ? parser.value(config_option)
                                    : QString::fromStdString(arina::Config::default_config_path().string());
    arina::Config config;
    std::error_code ec;
    if (std::filesystem::exists(config_path.toStdString(), ec)) {
        auto loaded = arina::Config::load_file(config_path.toStdString());
        if (auto* err = std::get_if<arina::Error>(&loaded))
            QMessageBox::warning(nullptr, "Arina",
                                 QString::fromStdString(err->message) + "\nUsing the defaults.");
        else
            config = std::get<arina::Config>(loaded);
    }
    config.database = parser.isSet(database_option)
                          ? std::filesystem::path(parser.value(database_option).toStdString())
                          : arina::DownloadManager::default_database_path();

    auto created = arina::DownloadManager::create(config);
    if (auto* err = std::get_if<arina::Error>(&created)) {
        QMessageBox::critical(nullptr, "Arina", QString::fromStdString(err->message));
        return 1;
    }
    arina::gui::TaskTableModel model;
    arina::gui::ManagerBridge bridge(std::move(std::get<std::unique_ptr<arina::DownloadManager>>(created)),
                                     model);

    QSettings settings;
    arina::gui::WindowOptions options;
    options.config_path = config_path;
    options.watch_clipboard = settings.value("watch_clipboard", false).toBool();
    options.close_to_tray = settings.value("close_to_tray", false).toBool();
    arina::gui::MainWindow window(bridge, model, options);
    QObject::connect(&window, &arina::gui::MainWindow::quit_requested, &app, &QApplication::quit,
                     Qt::QueuedConnection);
    window.restoreGeometry(settings.value("geometry").toByteArray());
    window.show();
    if (!parser.positionalArguments().isEmpty()) window.offer_add(parser.positionalArguments());

    const int status = QApplication::exec();
    settings.setValue("geometry", window.saveGeometry());
    settings.setValue("watch_clipboard", window.options().watch_clipboard);
    settings.setValue("close_to_tray", window.options().close_to_tray);
    return status;
}
