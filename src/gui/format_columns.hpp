#pragma once
// The format picker's cells and its selection rule, apart from the widget so that both are plain
// functions: what a probed format shows in each column, and which -f expression
// (DownloadTask::format) the chosen rows make.

#include <QString>
#include <QStringList>
#include <vector>

#include "core/probe.hpp"

namespace arina::gui {

/// The picker's columns, in order.
enum FormatColumn { Id, Type, Resolution, Fps, Bitrate, Codecs, Ext, Size, ColumnCount };

QStringList format_column_titles();
/// One row's texts, one per FormatColumn; unknown values are empty.
QStringList format_cells(const FormatInfo& format);

/// What the chosen formats ask for.
struct FormatChoice {
    QString format;   ///< "" (best), "ID" or "VIDEO+AUDIO"
    QString problem;  ///< why the rows cannot be combined; empty when they can
};
/// None: best. One row: that format. A video row and an audio row: "VIDEO+AUDIO". Anything else
/// (two videos, three rows, a muxed row with another) is a problem, said in words.
FormatChoice choose_format(const std::vector<FormatInfo>& chosen);

}  // namespace arina::gui
