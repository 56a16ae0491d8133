// EventMarkerItem: every event of one kind in a chart, drawn as thin vertical
// lines across the axis rect. One item per kind instead of one item per event
// keeps charts with thousands of events fast to draw and to hit-test.
#pragma once

#include <QPen>
#include <QString>
#include <QStringList>
#include <QVector>
#include <qcustomplot.h>

namespace leptonsim::gui {

class EventMarkerItem : public QCPAbstractItem {
  Q_OBJECT
 public:
  EventMarkerItem(QCustomPlot* plot, const QString& kind, const QPen& pen);

  QString kind() const { return m_kind; }
  QPen pen() const { return m_pen; }

  /// One marker at simulated time `t`; `description` is shown in the tooltip.
  void addMarker(double t, const QString& description);
  int markerCount() const { return static_cast<int>(m_markers.size()); }
  double markerTime(int index) const { return m_markers.at(index).t; }

  /// Descriptions of the markers in [t - tolerance, t + tolerance] (simulated seconds).
  QStringList descriptionsNear(double t, double tolerance) const;

  double selectTest(const QPointF& pos, bool onlySelectable, QVariant* details = nullptr) const override;

 protected:
  void draw(QCPPainter* painter) override;

 private:
  struct Marker {
    double t = 0.0;
    QString description;
  };
  QString m_kind;
  QPen m_pen;
  QVector<Marker> m_markers;  // ascending t
};

}  // namespace leptonsim::gui
