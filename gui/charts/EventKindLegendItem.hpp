// EventKindLegendItem: a legend entry for an event kind, whose icon is a short
// vertical line like the markers in the plot, so it is not mistaken for a curve.
#pragma once

#include <QPen>
#include <QString>
#include <qcustomplot.h>

namespace leptonsim::gui {

class EventKindLegendItem : public QCPAbstractLegendItem {
  Q_OBJECT
 public:
  EventKindLegendItem(QCPLegend* legend, const QString& kind, const QString& text, const QPen& pen);

  QString kind() const { return m_kind; }
  QString text() const { return m_text; }

 protected:
  void draw(QCPPainter* painter) override;
  QSize minimumOuterSizeHint() const override;

 private:
  QString m_kind;
  QString m_text;
  QPen m_pen;
};

}  // namespace leptonsim::gui
