#pragma once
// Reading what the user gives the app as download URLs: typed or pasted lines, dropped
// text, dropped .txt lists, the clipboard. Pure functions, tested without a window.

#include <QString>
#include <QStringList>

namespace arina::gui {

struct UrlList {
    QStringList urls;    ///< valid http(s) URLs, in order, without duplicates
    QStringList errors;  ///< one per rejected line: "line 3: 'foo' is not an http(s) URL"
};

/// One URL a line; blank lines and lines starting with '#' are skipped (as `arina -a`).
UrlList parse_url_lines(const QString& text);

/// The lines of a .txt list dropped on the window; an error names the file.
UrlList read_url_file(const QString& path);

/// True when `text` is one or more http(s) URLs and nothing else: what the clipboard
/// watcher offers to add.
bool is_only_urls(const QString& text);

/// "YouTube", "Vimeo", ... for well-known hosts, else the host name without "www.".
QString platform_of(const QString& url);

}  // namespace arina::gui
