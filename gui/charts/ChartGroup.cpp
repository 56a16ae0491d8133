#include "charts/ChartGroup.hpp"

#include "charts/TimeSeriesChart.hpp"

namespace leptonsim::gui {

ChartGroup::ChartGroup(QObject* parent) : QObject(parent) {}

void ChartGroup::addChart(QCustomPlot* chart) {
  if (!chart || charts().contains(chart)) return;
  m_charts.append(chart);
  connect(chart->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
          [this, chart](const QCPRange& range) { onChartRangeChanged(chart, range); });
  connect(chart, &QObject::destroyed, this, [this](QObject* object) {
    m_charts.removeIf([object](const QPointer<QCustomPlot>& c) { return c.isNull() || c.data() == object; });
  });
}

void ChartGroup::removeChart(QCustomPlot* chart) {
  if (!chart) return;
  disconnect(chart->xAxis, nullptr, this, nullptr);
  disconnect(chart, nullptr, this, nullptr);
  m_charts.removeIf([chart](const QPointer<QCustomPlot>& c) { return c.isNull() || c.data() == chart; });
}

void ChartGroup::clear() {
  for (const QList<QCustomPlot*> all = charts(); QCustomPlot* chart : all) removeChart(chart);
}

QList<QCustomPlot*> ChartGroup::charts() const {
  QList<QCustomPlot*> result;
  for (const QPointer<QCustomPlot>& chart : m_charts)
    if (chart) result << chart.data();
  return result;
}

void ChartGroup::setTimeRange(const QCPRange& range) { onChartRangeChanged(nullptr, range); }

void ChartGroup::onChartRangeChanged(QCustomPlot* source, const QCPRange& range) {
  if (m_isPropagating) return;  // our own setRange calls echo back here
  m_isPropagating = true;
  for (const QPointer<QCustomPlot>& chart : m_charts) {
    if (!chart || chart.data() == source) continue;
    if (chart->xAxis->range() == range) continue;
    chart->xAxis->setRange(range);
    // Charts out of view are redrawn when they are scrolled to.
    if (auto* timeSeriesChart = qobject_cast<TimeSeriesChart*>(chart.data())) timeSeriesChart->requestReplot();
    else chart->replot(QCustomPlot::rpQueuedReplot);
  }
  m_isPropagating = false;
  Q_EMIT timeRangeChanged(range);
}

}  // namespace leptonsim::gui
