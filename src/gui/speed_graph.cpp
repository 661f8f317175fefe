#include "speed_graph.hpp"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace arina::gui {

SpeedGraph::SpeedGraph(QWidget* parent) : QWidget(parent) {
    setMinimumSize(120, 18);
    setToolTip(tr("Total speed, last three minutes"));
}

void SpeedGraph::add_sample(double bytes_per_second) {
    samples_.push_back(std::max(0.0, bytes_per_second));
    while (samples_.size() > kSamples) samples_.pop_front();
    update();
}

void SpeedGraph::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(1, 1, -1, -1);
    p.fillRect(area, palette().base());
    p.setPen(palette().mid().color());
    p.drawRect(area);
    if (samples_.size() < 2) return;
    const double peak = std::max(1.0, *std::max_element(samples_.begin(), samples_.end()));
    const double step = area.width() / static_cast<double>(kSamples - 1);
    const double x0 = area.right() - step * static_cast<double>(samples_.size() - 1);
    QPainterPath line;
    for (std::size_t i = 0; i < samples_.size(); ++i) {
        const QPointF pt(x0 + step * static_cast<double>(i),
                         area.bottom() - samples_[i] / peak * (area.height() - 2));
        if (i == 0)
            line.moveTo(pt);
        else
            line.lineTo(pt);
    }
    QPainterPath fill = line;
    fill.lineTo(area.right(), area.bottom());
    fill.lineTo(x0, area.bottom());
    fill.closeSubpath();
    QColor color = palette().highlight().color();
    p.setPen(Qt::NoPen);
    color.setAlpha(70);
    p.fillPath(fill, color);
    color.setAlpha(255);
    p.setPen(QPen(color, 1.2));
    p.drawPath(line);
}

}  // namespace arina::gui
