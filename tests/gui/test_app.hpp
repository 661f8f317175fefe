#pragma once
// What the window tests share: one run of the app (model, bridge, window) over a real
// DownloadManager, and the helpers that check downloaded files.
#include <QAction>
#include <QCryptographicHash>
#include <QFile>
#include <QItemSelectionModel>
#include <QTableView>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "core/download_manager.hpp"
#include "main_window.hpp"
#include "manager_bridge.hpp"
#include "task_filter_proxy.hpp"
#include "task_table_model.hpp"

namespace arina::gui {

constexpr int kTimeoutMs = 60'000;  // generous: a loaded machine under ASan

inline std::string random_body(std::size_t size, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(size, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

inline QByteArray sha256_of_file(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return "missing " + path.toUtf8();
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

inline QByteArray sha256_of(const std::string& data) {
    return QCryptographicHash::hash(QByteArray::fromStdString(data), QCryptographicHash::Sha256).toHex();
}

// A manager's settings for loopback tests: small pieces and quick retries, so that a test's few
// megabytes still take several requests and a failure is said within moments; files in `out_dir`.
inline Config loopback_config(const QString& out_dir) {
    Config c;
    c.max_workers = 4;
    c.concurrent_fragments = 2;
    c.http_chunk_size = 64 * 1024;
    c.retry_sleep = 0.01;
    c.retry_sleep_max = 0.05;
    c.socket_timeout = 5;
    c.output_dir = out_dir.toStdString();
    return c;
}

// Everything one run of the app holds; destroying it is quitting the app.
struct App {
    TaskTableModel model;
    std::unique_ptr<ManagerBridge> bridge;
    std::unique_ptr<MainWindow> window;

    explicit App(Config config, WindowOptions options = {}) {
        bridge = std::make_unique<ManagerBridge>(std::make_unique<DownloadManager>(std::move(config)), model);
        window = std::make_unique<MainWindow>(*bridge, model, std::move(options));
        window->show();
    }
    ~App() {
        window.reset();
        bridge.reset();
    }

    std::optional<TaskStatus> status_of_row(int row) const {
        if (row >= model.rowCount()) return std::nullopt;
        return static_cast<TaskStatus>(model.index(row, 0).data(TaskTableModel::StatusRole).toInt());
    }
    void select_row(int row) {
        QTableView& view = window->view();
        const QModelIndex source = model.index(row, 0);
        const QModelIndex index = window->proxy().mapFromSource(source);
        view.selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    QAction* action(const QString& text) {
        for (QAction* a : window->actions())
            if (a->text().remove('&') == text) return a;
        return nullptr;
    }
};

}  // namespace arina::gui
