#include "task_table_model.hpp"

#include <QDateTime>
#include <QLocale>
#include <QSet>
#include <algorithm>
#include <filesystem>
#include <tuple>

#include "url_input.hpp"

namespace arina::gui {
namespace {

QString bytes_text(std::int64_t bytes) {
    return QLocale::system().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString duration_text(double seconds) {
    if (seconds < 0) return {};
    const auto s = static_cast<qint64>(seconds + 0.5);
    if (s >= 3600)
        return QString("%1:%2:%3")
            .arg(s / 3600)
            .arg(s / 60 % 60, 2, 10, QChar('0'))
            .arg(s % 60, 2, 10, QChar('0'));
    return QString("%1:%2").arg(s / 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'));
}

double progress_of(const TaskInfo& t) {
    if (t.status == TaskStatus::Completed) return 1.0;
    if (t.total_bytes > 0)
        return std::clamp(static_cast<double>(t.done_bytes) / static_cast<double>(t.total_bytes), 0.0, 1.0);
    return -1;
}

QString format_text(const DownloadTask& task) {
    QString f = QString::fromStdString(task.format);
    if (f.isEmpty() && !task.quality_preference.empty()) {
        QStringList q;
        for (const auto& p : task.quality_preference) q << QString::fromStdString(p);
        f = q.join(", ");
    }
    if (f.isEmpty()) f = "best";
    if (!task.merge_output_format.empty()) f += " / " + QString::fromStdString(task.merge_output_format);
    return f;
}

}  // namespace

TaskTableModel::TaskTableModel(QObject* parent) : QAbstractTableModel(parent) {}

QString TaskTableModel::title_of(const TaskInfo& info) {
    if (!info.file.empty()) return QString::fromStdString(info.file.filename().string());
    if (!info.task.output_name.empty()) return QString::fromStdString(info.task.output_name);
    const std::string& url = info.task.url;
    const auto query = url.find_first_of("?#");
    const std::string path = url.substr(0, query);
    const auto slash = path.find_last_of('/');
    const auto scheme_end = path.find("://");
    if (slash != std::string::npos && (scheme_end == std::string::npos || slash > scheme_end + 2) &&
        slash + 1 < path.size())
        return QString::fromStdString(path.substr(slash + 1));
    return QString::fromStdString(url);
}

QString TaskTableModel::status_text(const TaskInfo& info) {
    QString text =
        QString::fromUtf8(to_string(info.status).data(), static_cast<int>(to_string(info.status).size()));
    // The stage says more than the status: "downloading fragment 3 of 8" alone, not after
    // "downloading: "; "post-processing: muxing".
    if (!info.stage.empty() && info.stage != to_string(info.status)) {
        const QString stage = QString::fromStdString(info.stage);
        text = stage.startsWith(text + ' ') ? stage : text + ": " + stage;
    }
    if (info.status == TaskStatus::Failed && info.error)
        text += " (" + QString::fromUtf8(arina::to_string(info.error.reason).data()) + ")";
    return text;
}

TaskTableModel::Row TaskTableModel::make_row(TaskInfo info) {
    Row r;
    r.title = title_of(info);
    r.platform = platform_of(QString::fromStdString(info.task.url));
    r.format = format_text(info.task);
    r.info = std::move(info);
    return r;
}

void TaskTableModel::reindex() {
    index_.clear();
    index_.reserve(rows_.size());
    for (std::size_t i = 0; i < rows_.size(); ++i) index_[rows_[i].info.id] = static_cast<int>(i);
}

void TaskTableModel::reset(std::vector<TaskInfo> tasks) {
    beginResetModel();
    rows_.clear();
    rows_.reserve(tasks.size());
    next_order_ = 0;
    for (auto& t : tasks) {
        next_order_ = std::max(next_order_, t.order + 1);
        rows_.push_back(make_row(std::move(t)));
    }
    reindex();
    number_the_queue();
    endResetModel();
}

void TaskTableModel::apply(const std::vector<Event>& events) {
    std::vector<Row> added;
    QSet<TaskId> removed;
    // Changed rows by task id (rows move when others are removed), and whether the title
    // changed too: only then does the signal include the Title column.
    std::unordered_map<TaskId, bool> changed;
    std::unordered_map<TaskId, std::size_t> added_index;
    bool queue_changed = false;  // a task entered or left the queue: number it again
    auto find = [&](TaskId id) -> Row* {
        if (auto it = index_.find(id); it != index_.end()) {
            changed.try_emplace(id, false);
            return &rows_[static_cast<std::size_t>(it->second)];
        }
        if (auto it = added_index.find(id); it != added_index.end()) return &added[it->second];
        return nullptr;
    };
    for (const auto& event : events) {
        if (const auto* a = std::get_if<TaskAddedEvent>(&event)) {
            if (index_.count(a->task_id) || added_index.count(a->task_id)) continue;
            TaskInfo info;
            info.id = a->task_id;
            info.task = a->task;
            info.added_at = QDateTime::currentSecsSinceEpoch();
            info.order = next_order_++;
            queue_changed = true;
            added_index[a->task_id] = added.size();
            added.push_back(make_row(std::move(info)));
        } else if (const auto* s = std::get_if<StateEvent>(&event)) {
            if (Row* r = find(s->task_id)) {
                queue_changed |= (s->to == TaskStatus::Queued) != (r->info.status == TaskStatus::Queued);
                r->info.status = s->to;
                r->info.error = s->error;
                // The stage belongs to the status it was reported in (the next progress
                // snapshot brings the new one): no "post-processing: downloading fragment 8 of 8".
                r->info.stage.clear();
                if (!is_active(s->to)) {
                    r->info.speed = 0;
                    r->info.eta = -1;
                    r->info.connections = 0;
                }
            }
        } else if (const auto* p = std::get_if<ProgressEvent>(&event)) {
            if (Row* r = find(p->task_id)) {
                TaskInfo& t = r->info;
                queue_changed |= (p->status == TaskStatus::Queued) != (t.status == TaskStatus::Queued);
                t.status = p->status;
                t.done_bytes = p->done_bytes;
                t.total_bytes = p->total_bytes;
                t.speed = p->speed;
                t.eta = p->eta;
                t.connections = p->connections;
                t.stage = p->stage;
                t.fragments_done = p->fragments_done;
                t.fragments_total = p->fragments_total;
                if (!p->file.empty() && p->file != t.file) {
                    t.file = p->file;
                    r->title = title_of(t);
                    if (auto it = changed.find(p->task_id); it != changed.end()) it->second = true;
                }
            }
        } else if (const auto* gone = std::get_if<TaskRemovedEvent>(&event)) {
            if (auto it = added_index.find(gone->task_id); it != added_index.end()) {
                added[it->second].info.id = 0;  // added and removed within one batch
                added_index.erase(it);
            } else {
                removed.insert(gone->task_id);
                changed.erase(gone->task_id);
            }
            queue_changed = true;
        }
    }

    if (!removed.isEmpty()) {
        if (removed.size() > 16) {
            beginResetModel();
            std::erase_if(rows_, [&](const Row& r) { return removed.contains(r.info.id); });
            reindex();
            endResetModel();
            changed.clear();  // the reset shows every row anew
        } else {
            for (TaskId id : removed) {
                const int row = row_of(id);
                if (row < 0) continue;
                beginRemoveRows({}, row, row);
                rows_.erase(rows_.begin() + row);
                reindex();
                endRemoveRows();
            }
        }
    }

    std::erase_if(added, [](const Row& r) { return r.info.id == 0; });
    if (!added.empty()) {
        const int first = static_cast<int>(rows_.size());
        beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
        for (auto& r : added) {
            index_[r.info.id] = static_cast<int>(rows_.size());
            rows_.push_back(std::move(r));
        }
        endInsertRows();
    }

    // The Queue column changes only when a task enters or leaves the queue (not on
    // progress): signalled on its own, so a proxy sorted on it re-sorts only then.
    if (queue_changed && number_the_queue() && !rows_.empty())
        emit dataChanged(index(0, Queue), index(static_cast<int>(rows_.size()) - 1, Queue));

    if (changed.empty() || rows_.empty()) return;
    // Events change the columns from Size to Status (and the Title when the file became
    // known); never Platform, Format or Added. Signalling only those columns matters: a
    // sort/filter proxy sorted on a column outside them keeps its order without re-sorting
    // (no layoutChanged, no relayout of the whole view on every progress tick).
    const bool any_title =
        std::any_of(changed.begin(), changed.end(), [](const auto& c) { return c.second; });
    if (changed.size() * 2 > rows_.size()) {
        emit dataChanged(index(0, any_title ? Title : Size),
                         index(static_cast<int>(rows_.size()) - 1, Status));
        return;
    }
    for (const auto& [id, title_changed] : changed) {
        const int row = row_of(id);
        if (row >= 0) emit dataChanged(index(row, title_changed ? Title : Size), index(row, Status));
    }
}

bool TaskTableModel::number_the_queue() {
    std::vector<Row*> queued;
    for (auto& r : rows_)
        if (r.info.status == TaskStatus::Queued) queued.push_back(&r);
    std::sort(queued.begin(), queued.end(), [](const Row* a, const Row* b) {
        return std::tuple(-a->info.task.priority, a->info.order, a->info.id) <
               std::tuple(-b->info.task.priority, b->info.order, b->info.id);
    });
    bool any = false;
    for (auto& r : rows_) {
        if (r.info.status == TaskStatus::Queued) continue;
        any |= r.queue_place != 0;
        r.queue_place = 0;
    }
    for (std::size_t i = 0; i < queued.size(); ++i) {
        const int place = static_cast<int>(i) + 1;
        any |= queued[i]->queue_place != place;
        queued[i]->queue_place = place;
    }
    return any;
}

int TaskTableModel::row_of(TaskId id) const {
    auto it = index_.find(id);
    return it == index_.end() ? -1 : it->second;
}

int TaskTableModel::count_with(TaskStatus status) const {
    return static_cast<int>(
        std::count_if(rows_.begin(), rows_.end(), [&](const Row& r) { return r.info.status == status; }));
}

int TaskTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int TaskTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TaskTableModel::display(const Row& row, int column) const {
    const TaskInfo& t = row.info;
    switch (column) {
        case Queue:
            return row.queue_place > 0 ? QString::number(row.queue_place) : QString();
        case Title:
            return row.title;
        case Platform:
            return row.platform;
        case Format:
            return row.format;
        case Size:
            if (t.total_bytes >= 0) return bytes_text(t.total_bytes);
            return t.done_bytes > 0 ? bytes_text(t.done_bytes) + "+" : QString();
        case Progress: {
            const double p = progress_of(t);
            return p < 0 ? QString() : QString("%1%").arg(p * 100, 0, 'f', 1);
        }
        case Speed:
            return t.speed > 0 ? bytes_text(static_cast<std::int64_t>(t.speed)) + "/s" : QString();
        case Eta:
            return is_active(t.status) ? duration_text(t.eta) : QString();
        case Status:
            return status_text(t);
        case Added:
            return t.added_at > 0 ? QDateTime::fromSecsSinceEpoch(t.added_at).toString("yyyy-MM-dd hh:mm")
                                  : QString();
        default:
            return {};
    }
}

// The numeric columns' sort keys.
static double sort_number(const TaskInfo& t, int column) {
    switch (column) {
        case TaskTableModel::Size:
            return static_cast<double>(std::max(t.total_bytes, t.done_bytes));
        case TaskTableModel::Progress:
            return progress_of(t);
        case TaskTableModel::Speed:
            return t.speed;
        case TaskTableModel::Eta:
            return t.eta < 0 ? 1e18 : t.eta;
        case TaskTableModel::Status:
            return static_cast<int>(t.status);
        default:
            return 0;
    }
}

QVariant TaskTableModel::sort_key(const Row& row, int column) const {
    switch (column) {
        case Title:
        case Platform:
        case Format:
            return display(row, column);
        case Added:
            return static_cast<qint64>(row.info.added_at * 1'000'000LL + row.info.id % 1'000'000LL);
        case Queue:  // the queue in start order, then the other tasks in the order they came
            return row.queue_place > 0 ? static_cast<qint64>(row.queue_place)
                                       : (qint64{1} << 40) + static_cast<qint64>(row.info.id);
        default:
            return sort_number(row.info, column);
    }
}

bool TaskTableModel::less(int a, int b, int column, Qt::CaseSensitivity text_case) const {
    const Row& x = rows_[static_cast<std::size_t>(a)];
    const Row& y = rows_[static_cast<std::size_t>(b)];
    switch (column) {
        case Title:
            return QString::compare(x.title, y.title, text_case) < 0;
        case Platform:
            return QString::compare(x.platform, y.platform, text_case) < 0;
        case Format:
            return QString::compare(x.format, y.format, text_case) < 0;
        case Added:
            return std::pair(x.info.added_at, x.info.id) < std::pair(y.info.added_at, y.info.id);
        case Queue:
            return sort_key(x, Queue).toLongLong() < sort_key(y, Queue).toLongLong();
        default:
            // The numeric columns: the same numbers SortRole gives.
            return sort_number(x.info, column) < sort_number(y.info, column);
    }
}

QVariant TaskTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) return {};
    const Row& row = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return display(row, index.column());
        case Qt::ToolTipRole:
            if (index.column() == Status && row.info.error)
                return QString::fromStdString(row.info.error.message);
            if (index.column() == Title) return QString::fromStdString(row.info.task.url);
            return {};
        case Qt::TextAlignmentRole:
            if (index.column() == Queue || index.column() == Size || index.column() == Speed ||
                index.column() == Eta)
                return QVariant(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        case TaskIdRole:
            return static_cast<qint64>(row.info.id);
        case SortRole:
            return sort_key(row, index.column());
        case StatusRole:
            return static_cast<int>(row.info.status);
        case ProgressRole:
            return progress_of(row.info);
        case UrlRole:
            return QString::fromStdString(row.info.task.url);
        case FileRole:
            return QString::fromStdString(row.info.file.string());
        default:
            return {};
    }
}

QVariant TaskTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Queue:
            return tr("#");
        case Title:
            return tr("Title");
        case Platform:
            return tr("Platform");
        case Format:
            return tr("Format");
        case Size:
            return tr("Size");
        case Progress:
            return tr("Progress");
        case Speed:
            return tr("Speed");
        case Eta:
            return tr("ETA");
        case Status:
            return tr("Status");
        case Added:
            return tr("Added");
        default:
            return {};
    }
}

}  // namespace arina::gui
