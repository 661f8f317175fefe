#include "format_columns.hpp"

#include <QObject>

#include "util/units.hpp"

namespace arina::gui {

QStringList format_column_titles() {
    return {QObject::tr("ID"),      QObject::tr("Type"),   QObject::tr("Resolution"), QObject::tr("FPS"),
            QObject::tr("Bitrate"), QObject::tr("Codecs"), QObject::tr("Ext"),        QObject::tr("Size")};
}

QStringList format_cells(const FormatInfo& f) {
    QStringList cells;
    cells << QString::fromStdString(f.id) << QString::fromStdString(f.type);
    if (f.width && f.height)
        cells << QString("%1x%2").arg(*f.width).arg(*f.height);
    else if (f.height)
        cells << QString("%1p").arg(*f.height);
    else
        cells << QString();
    cells << (f.fps ? QString::number(*f.fps, 'g', 4) : QString());
    // Sources state bits per second; a picker compares them, so kb/s as yt-dlp's -F does.
    cells << (f.bandwidth > 0 ? QString("%1k").arg((f.bandwidth + 500) / 1000) : QString());
    cells << QString::fromStdString(f.codecs) << QString::fromStdString(f.ext);
    cells << (f.filesize ? QString::fromStdString(format_bytes(static_cast<double>(*f.filesize)))
                         : QString());
    return cells;
}

FormatChoice choose_format(const std::vector<FormatInfo>& chosen) {
    if (chosen.empty()) return {};
    if (chosen.size() == 1) return {QString::fromStdString(chosen[0].id), {}};
    if (chosen.size() == 2) {
        const FormatInfo* video = nullptr;
        const FormatInfo* audio = nullptr;
        for (const FormatInfo& f : chosen) {
            if (f.type == "video") video = &f;
            if (f.type == "audio") audio = &f;
        }
        if (video && audio) return {QString::fromStdString(video->id + "+" + audio->id), {}};
    }
    return {{}, QObject::tr("Choose one format, or one video-only and one audio-only format")};
}

}  // namespace arina::gui
