#pragma once
// The settings dialog's table of platform profiles (the config file's [platforms.NAME]
// tables): one row per platform, the user's own first, then the built-in ones (youtube,
// pornhub, xvideos, generic), one column per profile field. A built-in platform cannot be
// renamed or removed; its Hosts cell holds only the hosts the user adds to it. An empty cell
// sets nothing: the general setting applies (for a field a built-in profile sets, its
// built-in value). Lists are typed as text: hosts and qualities separated by commas; cookies,
// headers and yt-dlp arguments (which may contain commas) by semicolons.
//
// The rows read and write Config::platforms (core/config.hpp), which save_config_file turns
// into the file's tables; what the cells cannot say (a word where a number goes, two rows
// with one name) is reported naming the platform and the column. GUI thread only.

#include <QWidget>
#include <variant>
#include <vector>

#include "extract/platform.hpp"

class QTableWidget;

namespace arina::gui {

class PlatformTable : public QWidget {
    Q_OBJECT
  public:
    enum Column {
        Name,
        Hosts,
        Connections,
        PerHost,
        Qualities,
        Interval,
        AgeCookies,
        Headers,
        ExtractorArgs,
        ColumnCount
    };

    explicit PlatformTable(QWidget* parent = nullptr);

    /// Shows `platforms` (Config::platforms: the same name may appear twice, once with the
    /// hosts the user added and once with the built-in ones).
    void set_platforms(const std::vector<extract::Platform>& platforms);
    /// The rows as Config::platforms, or what a cell gets wrong ("youtube: Connections: 'six'
    /// is not a whole number").
    std::variant<std::vector<extract::Platform>, QString> platforms() const;

    QTableWidget& table() { return *table_; }
    /// Adds an empty row for a platform of the user's own, at the top (checked first), and
    /// starts editing its name. Returns the row.
    int add_platform();
    /// Removes the selected rows that are the user's own (built-in rows stay).
    void remove_selected();

  private:
    QTableWidget* table_;
};

}  // namespace arina::gui
