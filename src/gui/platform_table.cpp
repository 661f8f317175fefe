#include "platform_table.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <optional>

namespace arina::gui {
namespace {

// Set on a row's Name item: the platform is built in (its name and row are fixed).
constexpr int kBuiltinRole = Qt::UserRole + 1;

QChar separator(int column) {
    return column == PlatformTable::Hosts || column == PlatformTable::Qualities ? QChar(',') : QChar(';');
}

QString list_text(const std::vector<std::string>& items, int column) {
    QStringList out;
    for (const auto& item : items) out << QString::fromStdString(item);
    return out.join(QString(separator(column)) + ' ');
}

QString list_text(const std::optional<std::vector<std::string>>& items, int column) {
    return items ? list_text(*items, column) : QString();
}

QString number_text(const std::optional<int>& n) {
    return n ? QString::number(*n) : QString();
}

QString column_title(int column) {
    switch (column) {
        case PlatformTable::Name:
            return QObject::tr("Platform");
        case PlatformTable::Hosts:
            return QObject::tr("Hosts");
        case PlatformTable::Connections:
            return QObject::tr("Connections");
        case PlatformTable::PerHost:
            return QObject::tr("Per host");
        case PlatformTable::Qualities:
            return QObject::tr("Qualities");
        case PlatformTable::Interval:
            return QObject::tr("Interval (s)");
        case PlatformTable::AgeCookies:
            return QObject::tr("Age-gate cookies");
        case PlatformTable::Headers:
            return QObject::tr("Headers");
        case PlatformTable::ExtractorArgs:
            return QObject::tr("yt-dlp arguments");
        default:
            return {};
    }
}

QString column_tip(int column) {
    switch (column) {
        case PlatformTable::Name:
            return QObject::tr("Lower case letters, digits, '-' and '_'");
        case PlatformTable::Hosts:
            return QObject::tr(
                "Host names, comma separated; subdomains belong too (a built-in platform: "
                "hosts added to its own)");
        case PlatformTable::Connections:
            return QObject::tr("Connections or fragments in flight per download (1-64)");
        case PlatformTable::PerHost:
            return QObject::tr("Connections to one host across all downloads");
        case PlatformTable::Qualities:
            return QObject::tr("Qualities to try in order, comma separated: 1080, 720, best");
        case PlatformTable::Interval:
            return QObject::tr("Seconds between two requests to the site (yt-dlp's --sleep-requests)");
        case PlatformTable::AgeCookies:
            return QObject::tr("Cookies name=value for the site's age gate, semicolon separated");
        case PlatformTable::Headers:
            return QObject::tr("Request headers \"Name: value\", semicolon separated");
        case PlatformTable::ExtractorArgs:
            return QObject::tr("yt-dlp --extractor-args values, semicolon separated");
        default:
            return {};
    }
}

QString cell(const QTableWidget& table, int row, int column) {
    const QTableWidgetItem* item = table.item(row, column);
    return item ? item->text().trimmed() : QString();
}

std::optional<std::vector<std::string>> list_of(const QString& text, int column) {
    if (text.isEmpty()) return std::nullopt;
    std::vector<std::string> out;
    for (const QString& part : text.split(separator(column), Qt::SkipEmptyParts))
        if (const QString item = part.trimmed(); !item.isEmpty()) out.push_back(item.toStdString());
    return out;
}

}  // namespace

PlatformTable::PlatformTable(QWidget* parent) : QWidget(parent) {
    table_ = new QTableWidget(0, ColumnCount, this);
    table_->setObjectName("platforms");
    for (int c = 0; c < ColumnCount; ++c) {
        auto* header = new QTableWidgetItem(column_title(c));
        header->setToolTip(column_tip(c));
        table_->setHorizontalHeaderItem(c, header);
    }
    table_->verticalHeader()->hide();
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);

    auto* add = new QPushButton(tr("Add platform"), this);
    add->setObjectName("add_platform");
    auto* remove = new QPushButton(tr("Remove"), this);
    remove->setObjectName("remove_platform");
    connect(add, &QPushButton::clicked, this, [this] { add_platform(); });
    connect(remove, &QPushButton::clicked, this, &PlatformTable::remove_selected);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(table_, 1);
    layout->addLayout(buttons);
}

void PlatformTable::set_platforms(const std::vector<extract::Platform>& platforms) {
    table_->setRowCount(0);
    QStringList names;
    for (const auto& p : platforms)
        if (!names.contains(QString::fromStdString(p.name))) names << QString::fromStdString(p.name);
    for (const QString& name : names) {
        const extract::Platform* builtin = extract::find_builtin_platform(name.toStdString());
        std::vector<std::string> hosts;
        const extract::PlatformProfile* profile = nullptr;
        for (const auto& p : platforms) {
            if (QString::fromStdString(p.name) != name) continue;
            profile = &p.profile;
            for (const auto& host : p.hosts)
                if (!builtin ||
                    std::find(builtin->hosts.begin(), builtin->hosts.end(), host) == builtin->hosts.end())
                    if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(host);
        }
        const int row = table_->rowCount();
        table_->insertRow(row);
        auto* name_item = new QTableWidgetItem(name);
        name_item->setData(kBuiltinRole, builtin != nullptr);
        if (builtin) {
            name_item->setFlags(name_item->flags() & ~Qt::ItemIsEditable);
            name_item->setToolTip(builtin->hosts.empty()
                                      ? tr("Every host no other platform claims")
                                      : tr("Built in: %1").arg(list_text(builtin->hosts, Hosts)));
        }
        table_->setItem(row, Name, name_item);
        auto* hosts_item = new QTableWidgetItem(list_text(hosts, Hosts));
        if (name == QLatin1String(extract::kGenericPlatform.data()))
            hosts_item->setFlags(hosts_item->flags() & ~Qt::ItemIsEditable);  // generic takes no hosts
        table_->setItem(row, Hosts, hosts_item);
        table_->setItem(row, Connections, new QTableWidgetItem(number_text(profile->concurrent_fragments)));
        table_->setItem(row, PerHost, new QTableWidgetItem(number_text(profile->max_connections_per_host)));
        table_->setItem(row, Qualities,
                        new QTableWidgetItem(list_text(profile->quality_preference, Qualities)));
        table_->setItem(
            row, Interval,
            new QTableWidgetItem(profile->request_interval ? QString::number(*profile->request_interval)
                                                           : QString()));
        table_->setItem(row, AgeCookies,
                        new QTableWidgetItem(list_text(profile->age_verification, AgeCookies)));
        table_->setItem(row, Headers, new QTableWidgetItem(list_text(profile->headers, Headers)));
        table_->setItem(row, ExtractorArgs,
                        new QTableWidgetItem(list_text(profile->extractor_args, ExtractorArgs)));
    }
}

std::variant<std::vector<extract::Platform>, QString> PlatformTable::platforms() const {
    std::vector<extract::Platform> own;       // the user's platforms, and hosts added to built-in ones
    std::vector<extract::Platform> built_in;  // in builtin_platforms() order
    QSet<QString> seen;
    for (int row = 0; row < table_->rowCount(); ++row) {
        const QString name = cell(*table_, row, Name);
        const bool is_builtin =
            table_->item(row, Name) && table_->item(row, Name)->data(kBuiltinRole).toBool();
        if (name.isEmpty()) return tr("Row %1: a platform needs a name").arg(row + 1);
        if (seen.contains(name)) return tr("Two rows are called %1").arg(name);
        if (!is_builtin && extract::find_builtin_platform(name.toStdString()))
            return tr("%1 is built in: add hosts in its own row").arg(name);
        seen.insert(name);
        auto problem = [&](int column, const QString& text) {
            return QString("%1: %2: '%3' %4")
                .arg(name, column_title(column), cell(*table_, row, column), text);
        };
        extract::PlatformProfile profile;
        for (int column : {Connections, PerHost}) {
            const QString text = cell(*table_, row, column);
            if (text.isEmpty()) continue;
            bool ok = false;
            const int n = text.toInt(&ok);
            if (!ok) return problem(column, tr("is not a whole number"));
            (column == Connections ? profile.concurrent_fragments : profile.max_connections_per_host) = n;
        }
        if (const QString text = cell(*table_, row, Interval); !text.isEmpty()) {
            bool ok = false;
            const double seconds = text.toDouble(&ok);
            if (!ok) return problem(Interval, tr("is not a number of seconds"));
            profile.request_interval = seconds;
        }
        profile.quality_preference = list_of(cell(*table_, row, Qualities), Qualities);
        profile.age_verification = list_of(cell(*table_, row, AgeCookies), AgeCookies);
        profile.headers = list_of(cell(*table_, row, Headers), Headers);
        profile.extractor_args = list_of(cell(*table_, row, ExtractorArgs), ExtractorArgs);
        const auto hosts = list_of(cell(*table_, row, Hosts), Hosts).value_or(std::vector<std::string>{});
        if (!is_builtin || !hosts.empty()) own.push_back({name.toStdString(), hosts, profile});
        if (is_builtin) {
            const extract::Platform* builtin = extract::find_builtin_platform(name.toStdString());
            built_in.push_back({builtin->name, builtin->hosts, profile});
        }
    }
    // The built-in platforms always exist, in their own order, after the user's.
    for (const auto& builtin : extract::builtin_platforms())
        if (!seen.contains(QString::fromStdString(builtin.name))) built_in.push_back(builtin);
    std::stable_sort(built_in.begin(), built_in.end(), [](const auto& a, const auto& b) {
        auto rank = [](const extract::Platform& p) {
            const auto& all = extract::builtin_platforms();
            return std::find_if(all.begin(), all.end(), [&](const auto& q) { return q.name == p.name; }) -
                   all.begin();
        };
        return rank(a) < rank(b);
    });
    own.insert(own.end(), built_in.begin(), built_in.end());
    return own;
}

int PlatformTable::add_platform() {
    table_->insertRow(0);
    for (int c = 0; c < ColumnCount; ++c) table_->setItem(0, c, new QTableWidgetItem);
    table_->item(0, Name)->setData(kBuiltinRole, false);
    table_->setCurrentCell(0, Name);
    table_->editItem(table_->item(0, Name));
    return 0;
}

void PlatformTable::remove_selected() {
    QList<int> rows;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows())
        if (!table_->item(index.row(), Name)->data(kBuiltinRole).toBool()) rows << index.row();
    std::sort(rows.begin(), rows.end(), std::greater<>());
    for (int row : rows) table_->removeRow(row);
}

}  // namespace arina::gui
