// ChartGroup: keeps the time axes of several charts in step. Zooming or
// panning one chart moves all others; a guard stops the echo of their own
// rangeChanged signals from coming back (no feedback loop).
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <qcustomplot.h>

namespace leptonsim::gui {

class ChartGroup : public QObject {
  Q_OBJECT
 public:
  explicit ChartGroup(QObject* parent = nullptr);

  /// Adds a chart; it takes the group's current range if the group has one.
  void addChart(QCustomPlot* chart);
  void removeChart(QCustomPlot* chart);
  void clear();
  QList<QCustomPlot*> charts() const;

  /// Sets the time (bottom axis) range of every chart.
  void setTimeRange(const QCPRange& range);

 Q_SIGNALS:
  /// The shared range changed (by the user or by setTimeRange).
  void timeRangeChanged(const QCPRange& range);

 private:
  void onChartRangeChanged(QCustomPlot* source, const QCPRange& range);

  QList<QPointer<QCustomPlot>> m_charts;
  bool m_isPropagating = false;
};

}  // namespace leptonsim::gui
