#include "charts/EventMarkerItem.hpp"

#include <algorithm>
#include <cmath>

namespace leptonsim::gui {

EventMarkerItem::EventMarkerItem(QCustomPlot* plot, const QString& kind, const QPen& pen)
    : QCPAbstractItem(plot), m_kind(kind), m_pen(pen) {
  setSelectable(false);
}

void EventMarkerItem::addMarker(double t, const QString& description) {
  const auto position = std::upper_bound(m_markers.begin(), m_markers.end(), t,
                                         [](double time, const Marker& marker) { return time < marker.t; });
  m_markers.insert(position, Marker{t, description});
}

QStringList EventMarkerItem::descriptionsNear(double t, double tolerance) const {
  QStringList descriptions;
  auto it = std::lower_bound(m_markers.begin(), m_markers.end(), t - tolerance,
                             [](const Marker& marker, double time) { return marker.t < time; });
  for (; it != m_markers.end() && it->t <= t + tolerance; ++it) descriptions << it->description;
  return descriptions;
}

double EventMarkerItem::selectTest(const QPointF& pos, bool onlySelectable, QVariant* details) const {
  Q_UNUSED(details)
  if (onlySelectable && !selectable()) return -1;
  const QCPAxis* timeAxis = clipAxisRect() ? clipAxisRect()->axis(QCPAxis::atBottom) : nullptr;
  if (!timeAxis || m_markers.isEmpty()) return -1;
  const double t = timeAxis->pixelToCoord(pos.x());
  auto it = std::lower_bound(m_markers.begin(), m_markers.end(), t,
                             [](const Marker& marker, double time) { return marker.t < time; });
  double best = -1;
  for (auto candidate : {it, it == m_markers.begin() ? it : it - 1}) {
    if (candidate == m_markers.end()) continue;
    const double distance = std::abs(timeAxis->coordToPixel(candidate->t) - pos.x());
    if (best < 0 || distance < best) best = distance;
  }
  return best;
}

void EventMarkerItem::draw(QCPPainter* painter) {
  const QCPAxisRect* rect = clipAxisRect();
  if (!rect || m_markers.isEmpty()) return;
  const QCPAxis* timeAxis = rect->axis(QCPAxis::atBottom);
  const QCPRange visible = timeAxis->range();
  const double top = rect->top();
  const double bottom = rect->bottom();
  painter->setPen(m_pen);
  auto it = std::lower_bound(m_markers.begin(), m_markers.end(), visible.lower,
                             [](const Marker& marker, double time) { return marker.t < time; });
  // Markers closer than a pixel are drawn once.
  double lastPixel = -1e9;
  for (; it != m_markers.end() && it->t <= visible.upper; ++it) {
    const double x = std::round(timeAxis->coordToPixel(it->t)) + 0.5;
    if (std::abs(x - lastPixel) < 1.0) continue;
    painter->drawLine(QLineF(x, top, x, bottom));
    lastPixel = x;
  }
}

}  // namespace leptonsim::gui
