#include "charts/SweepCharts.hpp"

#include <QObject>
#include <QStringList>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace leptonsim::gui {
namespace {

// Cell values are written into the heatmap only while they stay readable.
constexpr std::size_t kMaxLabelledCells = 150;

QString toQ(const std::string& text) { return QString::fromStdString(text); }

bool isFinite(double value) { return std::isfinite(value); }

// A sequential colour scale that stays readable in grey print (viridis-like stops).
QCPColorGradient sequentialGradient() {
  QCPColorGradient gradient;
  gradient.clearColorStops();
  gradient.setColorStopAt(0.0, QColor(68, 1, 84));
  gradient.setColorStopAt(0.25, QColor(59, 82, 139));
  gradient.setColorStopAt(0.5, QColor(33, 145, 140));
  gradient.setColorStopAt(0.75, QColor(94, 201, 98));
  gradient.setColorStopAt(1.0, QColor(253, 231, 37));
  gradient.setNanHandling(QCPColorGradient::nhNanColor);
  gradient.setNanColor(QColor(238, 238, 238));
  return gradient;
}

const std::vector<QColor>& linePalette() {
  static const std::vector<QColor> palette{QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                           QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75),
                                           QColor(227, 119, 194), QColor(127, 127, 127)};
  return palette;
}

const QColor kFrontColour(230, 85, 13);
const QColor kPointColour(140, 140, 140);

bool isNumeric(const std::vector<std::string>& values) {
  for (const auto& value : values) {
    bool ok = false;
    QString::fromStdString(value).toDouble(&ok);
    if (!ok) return false;
  }
  return !values.empty();
}

QCPColorMap* findColorMap(QCustomPlot* plot) {
  for (int i = 0; i < plot->plottableCount(); ++i)
    if (auto* map = qobject_cast<QCPColorMap*>(plot->plottable(i))) return map;
  return nullptr;
}

// Widens a range by `fraction` of its size on both ends (or by a sensible
// amount when it is a single value) so markers do not sit on the frame.
void padRange(QCPAxis* axis, double fraction, double minimumPad) {
  const QCPRange range = axis->range();
  const double pad = range.size() > 0 ? std::max(range.size() * fraction, minimumPad)
                                      : std::max(std::max(1.0, minimumPad), std::abs(range.lower) * 0.1);
  axis->setRange(range.lower - pad, range.upper + pad);
}

}  // namespace

QString SweepCharts::compactNumber(double value) {
  if (!isFinite(value)) return QStringLiteral("n/a");
  const double magnitude = std::abs(value);
  if (magnitude >= 1e4 && magnitude < 1e9) return QString::number(value, 'f', 0);
  return QString::number(value, 'g', 4);
}

QString SweepCharts::metricTitle(const leptonsim::SweepTable& table, const std::string& metric) {
  auto unit = table.units.find(metric);
  if (unit == table.units.end() || unit->second.empty() || unit->second == "1") return toQ(metric);
  return QStringLiteral("%1 (%2)").arg(toQ(metric), toQ(unit->second));
}

QString SweepCharts::formatValue(const leptonsim::SweepTable& table, double value, const std::string& metric) {
  if (!isFinite(value)) return QObject::tr("n/a");
  QString text = compactNumber(value);
  auto unit = table.units.find(metric);
  if (unit != table.units.end() && !unit->second.empty() && unit->second != "1")
    text += QLatin1Char(' ') + toQ(unit->second);
  return text;
}

QString SweepCharts::confidenceText(const leptonsim::SweepTable& table) {
  return QString::number(table.confidence * 100, 'g', 3) + QStringLiteral(" %");
}

std::vector<std::string> SweepCharts::axisValues(const leptonsim::SweepTable& table, const std::string& axis) {
  std::set<std::string, decltype(&leptonsim::parameter_value_less)> values(&leptonsim::parameter_value_less);
  for (const auto& point : table.points) {
    auto found = point.axes.find(axis);
    if (found != point.axes.end()) values.insert(found->second);
  }
  return {values.begin(), values.end()};
}

QString SweepCharts::shortPointLabel(const leptonsim::SweepTable& table, std::size_t pointIndex) {
  const auto& point = table.points.at(pointIndex);
  QStringList parts;
  for (const auto& axis : table.axes) {
    auto value = point.axes.find(axis);
    if (value == point.axes.end()) continue;
    // "services[0].load_balancer.policy" -> "policy": the tail names the knob.
    QString key = toQ(axis);
    key = key.mid(key.lastIndexOf(QLatin1Char('.')) + 1);
    parts << QStringLiteral("%1=%2").arg(key, toQ(value->second));
  }
  if (parts.isEmpty() && !point.run_ids.empty()) return QObject::tr("run %1").arg(point.run_ids.front());
  return parts.join(QStringLiteral(", "));
}

QCPColorMap* SweepCharts::setUpHeatmap(QCustomPlot* plot) {
  auto* map = new QCPColorMap(plot->xAxis, plot->yAxis);
  map->setInterpolate(false);
  map->setTightBoundary(false);  // cells extend half a step beyond the first and last value
  auto* scale = new QCPColorScale(plot);
  plot->plotLayout()->addElement(0, 1, scale);
  scale->setType(QCPAxis::atRight);
  map->setColorScale(scale);
  map->setGradient(sequentialGradient());
  auto* margins = new QCPMarginGroup(plot);
  plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  plot->xAxis->grid()->setVisible(false);
  plot->yAxis->grid()->setVisible(false);
  return map;
}

void SweepCharts::placeLegendBelow(QCustomPlot* plot, int columns) {
  plot->plotLayout()->addElement(1, 0, plot->legend);
  plot->plotLayout()->setRowStretchFactor(1, 0.001);
  plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
  if (columns > 0) plot->legend->setWrap(columns);
  // A full-width row needs no frame; its left edge would sit on the widget's.
  plot->legend->setBorderPen(Qt::NoPen);
}

SweepChartResult SweepCharts::drawHeatmap(QCustomPlot* plot, const leptonsim::SweepTable& table,
                                          const HeatmapChart& chart) {
  SweepChartResult result;
  QCPColorMap* map = findColorMap(plot);
  if (!map) map = setUpHeatmap(plot);
  plot->clearItems();
  map->data()->clear();
  if (chart.axis_x == chart.axis_y) {
    result.message = QObject::tr("Choose two different parameters for x and y.");
    return result;
  }
  try {
    result.grid = leptonsim::build_heatmap(table, chart.axis_x, chart.axis_y, chart.metric, chart.fixed);
  } catch (const std::exception& error) {
    result.message = QObject::tr("Cannot build the heatmap: %1").arg(QString::fromUtf8(error.what()));
    return result;
  }
  const auto& grid = result.grid;
  const int nx = static_cast<int>(grid.x_values.size());
  const int ny = static_cast<int>(grid.y_values.size());
  double low = INFINITY, high = -INFINITY;
  for (double cell : grid.cells)
    if (isFinite(cell)) low = std::min(low, cell), high = std::max(high, cell);
  if (nx == 0 || ny == 0 || !isFinite(low)) {
    result.message = QObject::tr("No run has a value of %1 at these settings.").arg(toQ(chart.metric));
    result.grid = {};
    return result;
  }

  // Cell (ix, iy) is centred on the coordinates (ix, iy); the axes carry the values as text.
  map->data()->setSize(nx, ny);
  map->data()->setRange(nx > 1 ? QCPRange(0, nx - 1) : QCPRange(-0.5, 0.5),
                        ny > 1 ? QCPRange(0, ny - 1) : QCPRange(-0.5, 0.5));
  for (int iy = 0; iy < ny; ++iy)
    for (int ix = 0; ix < nx; ++ix) map->data()->setCell(ix, iy, grid.cells[iy * nx + ix]);
  QCPRange dataRange(low, high);
  if (low == high)
    dataRange = QCPRange(low - std::max(0.5, std::abs(low) * 0.05), high + std::max(0.5, std::abs(high) * 0.05));
  map->setDataRange(dataRange);
  if (map->colorScale()) map->colorScale()->axis()->setLabel(metricTitle(table, chart.metric));

  auto tickerX = QSharedPointer<QCPAxisTickerText>::create();
  for (int ix = 0; ix < nx; ++ix) tickerX->addTick(ix, toQ(grid.x_values[ix]));
  auto tickerY = QSharedPointer<QCPAxisTickerText>::create();
  for (int iy = 0; iy < ny; ++iy) tickerY->addTick(iy, toQ(grid.y_values[iy]));
  plot->xAxis->setTicker(tickerX);
  plot->xAxis->setTickLabelRotation(nx > 8 ? 45 : 0);  // many values: slanted so they do not overlap
  plot->yAxis->setTicker(tickerY);
  plot->xAxis->setRange(-0.5, nx - 0.5);
  plot->yAxis->setRange(-0.5, ny - 0.5);
  plot->xAxis->setLabel(toQ(chart.axis_x));
  plot->yAxis->setLabel(toQ(chart.axis_y));

  if (static_cast<std::size_t>(nx * ny) <= kMaxLabelledCells) {
    QCPColorGradient gradient = map->gradient();  // color() is not const
    for (int iy = 0; iy < ny; ++iy)
      for (int ix = 0; ix < nx; ++ix) {
        const double value = grid.cells[iy * nx + ix];
        auto* label = new QCPItemText(plot);
        label->position->setCoords(ix, iy);
        label->setPositionAlignment(Qt::AlignCenter);
        label->setClipToAxisRect(true);
        if (isFinite(value)) {
          const QColor background = QColor::fromRgb(gradient.color(value, dataRange));
          label->setColor(qGray(background.rgb()) < 140 ? Qt::white : Qt::black);
          label->setText(compactNumber(value));
        } else {
          label->setColor(QColor(150, 150, 150));
          label->setText(QObject::tr("no runs"));
        }
      }
  }

  QStringList averaged;
  for (const auto& axis : table.axes)
    if (axis != chart.axis_x && axis != chart.axis_y && !chart.fixed.count(axis)) averaged << toQ(axis);
  QString caption = QObject::tr("Each cell: mean of %1 over the seeds of its point").arg(metricTitle(table, chart.metric));
  if (!averaged.isEmpty()) caption += QObject::tr(", averaged over %1").arg(averaged.join(QStringLiteral(", ")));
  QStringList fixedText;
  for (const auto& [axis, value] : chart.fixed) fixedText << QStringLiteral("%1 = %2").arg(toQ(axis), toQ(value));
  if (!fixedText.isEmpty()) caption += QObject::tr("; fixed: %1").arg(fixedText.join(QStringLiteral(", ")));
  caption += QObject::tr(". Light grey cells: no run with these values.");
  result.caption = caption;
  return result;
}

SweepChartResult SweepCharts::drawMetricVsAxis(QCustomPlot* plot, const leptonsim::SweepTable& table,
                                               const MetricVsAxisChart& chart) {
  SweepChartResult result;
  plot->clearPlottables();
  plot->clearItems();
  const std::string& metric = chart.metric;
  const std::string& axis = chart.axis;
  const std::string lineAxis = chart.line_axis == axis ? std::string() : chart.line_axis;
  const std::vector<std::string> xValues = axisValues(table, axis);
  const bool numeric = isNumeric(xValues);
  const std::vector<std::string> lineValues =
      lineAxis.empty() ? std::vector<std::string>{std::string()} : axisValues(table, lineAxis);
  auto keyOf = [&](const std::string& value) {
    if (numeric) return QString::fromStdString(value).toDouble();
    return static_cast<double>(std::find(xValues.begin(), xValues.end(), value) - xValues.begin());
  };

  bool anyBand = false;
  const auto& palette = linePalette();
  for (std::size_t line = 0; line < lineValues.size(); ++line) {
    QVector<double> keys, means, lowers, uppers;
    std::vector<std::size_t> indices;
    for (std::size_t i = 0; i < table.points.size(); ++i) {
      const auto& point = table.points[i];
      if (!point.axes.count(axis)) continue;
      if (!lineAxis.empty()) {
        auto lineValue = point.axes.find(lineAxis);
        if (lineValue == point.axes.end() || lineValue->second != lineValues[line]) continue;
      }
      bool matches = true;
      for (const auto& [fixedAxis, value] : chart.fixed) {
        auto found = point.axes.find(fixedAxis);
        if (found != point.axes.end() && found->second != value) matches = false;
      }
      auto stats = point.metrics.find(metric);
      if (!matches || stats == point.metrics.end() || !isFinite(stats->second.mean)) continue;
      indices.push_back(i);
    }
    std::stable_sort(indices.begin(), indices.end(), [&](std::size_t a, std::size_t b) {
      return leptonsim::parameter_value_less(table.points[a].axes.at(axis), table.points[b].axes.at(axis));
    });
    if (indices.empty()) continue;
    for (std::size_t i : indices) {
      const auto& stats = table.points[i].metrics.at(metric);
      const bool hasInterval = isFinite(stats.ci_lower) && isFinite(stats.ci_upper);
      anyBand = anyBand || hasInterval;
      keys << keyOf(table.points[i].axes.at(axis));
      means << stats.mean;
      lowers << (hasInterval ? stats.ci_lower : stats.mean);
      uppers << (hasInterval ? stats.ci_upper : stats.mean);
      result.points.push_back({keys.back(), stats.mean, i});
    }
    const QColor colour = palette[line % palette.size()];
    const QString name = lineAxis.empty() ? metricTitle(table, metric)
                                          : QStringLiteral("%1 = %2").arg(toQ(lineAxis), toQ(lineValues[line]));
    QCPGraph* lower = plot->addGraph();
    lower->setName(name + QObject::tr(" (CI lower)"));
    lower->setPen(Qt::NoPen);
    lower->setData(keys, lowers, true);
    lower->removeFromLegend();
    QCPGraph* upper = plot->addGraph();
    upper->setName(name + QObject::tr(" (CI upper)"));
    upper->setPen(Qt::NoPen);
    QColor fill = colour;
    fill.setAlpha(60);
    upper->setBrush(fill);
    upper->setChannelFillGraph(lower);
    upper->setData(keys, uppers, true);
    upper->removeFromLegend();
    QCPGraph* mean = plot->addGraph();
    mean->setName(name);
    mean->setPen(QPen(colour, 2));
    mean->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, 7));
    mean->setData(keys, means, true);
  }
  if (result.points.empty()) {
    result.message = QObject::tr("No run has a value of %1 at these settings.").arg(toQ(metric));
    return result;
  }

  if (numeric) {
    plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  } else {
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (std::size_t i = 0; i < xValues.size(); ++i) ticker->addTick(static_cast<double>(i), toQ(xValues[i]));
    plot->xAxis->setTicker(ticker);
  }
  plot->xAxis->setTickLabelRotation(!numeric && xValues.size() > 8 ? 45 : 0);
  plot->xAxis->setLabel(toQ(axis));
  plot->yAxis->setLabel(metricTitle(table, metric));
  plot->rescaleAxes();
  padRange(plot->xAxis, 0.05, 0.5);
  padRange(plot->yAxis, 0.08, 0.0);
  plot->legend->setVisible(!lineAxis.empty());

  QString caption = QObject::tr("Line: mean over seeds. Band: %1 confidence interval of the mean (Student t)")
                        .arg(confidenceText(table));
  if (!anyBand) caption += QObject::tr(" — not drawn: every point has fewer than two seeds");
  QStringList fixedText;
  for (const auto& [fixedAxis, value] : chart.fixed)
    fixedText << QStringLiteral("%1 = %2").arg(toQ(fixedAxis), toQ(value));
  if (!fixedText.isEmpty()) caption += QObject::tr(". Fixed: %1").arg(fixedText.join(QStringLiteral(", ")));
  result.caption = caption + QLatin1Char('.');
  return result;
}

SweepChartResult SweepCharts::drawParetoFront(QCustomPlot* plot, const leptonsim::SweepTable& table,
                                              const ParetoChart& chart) {
  SweepChartResult result;
  plot->clearPlottables();
  plot->clearItems();
  std::vector<double> xs, ys;
  std::vector<std::size_t> indices;
  QVector<double> keys, values, xMinus, xPlus, yMinus, yPlus;
  auto errors = [](const leptonsim::MetricStatistics& stats, QVector<double>& minus, QVector<double>& plus) {
    const bool hasInterval = isFinite(stats.ci_lower) && isFinite(stats.ci_upper);
    minus << (hasInterval ? stats.mean - stats.ci_lower : 0.0);
    plus << (hasInterval ? stats.ci_upper - stats.mean : 0.0);
  };
  for (std::size_t i = 0; i < table.points.size(); ++i) {
    const auto& metrics = table.points[i].metrics;
    auto x = metrics.find(chart.x_metric);
    auto y = metrics.find(chart.y_metric);
    if (x == metrics.end() || y == metrics.end() || !isFinite(x->second.mean) || !isFinite(y->second.mean)) continue;
    xs.push_back(x->second.mean);
    ys.push_back(y->second.mean);
    indices.push_back(i);
    keys << x->second.mean;
    values << y->second.mean;
    errors(x->second, xMinus, xPlus);
    errors(y->second, yMinus, yPlus);
    result.points.push_back({x->second.mean, y->second.mean, i});
  }
  if (indices.size() < 2) {
    result.points.clear();
    result.message = QObject::tr("This chart needs at least two points with values of both %1 and %2 (found %3).")
                         .arg(toQ(chart.x_metric), toQ(chart.y_metric))
                         .arg(indices.size());
    return result;
  }

  // Not sorted, so the error bars stay aligned with the data points.
  QCPGraph* points = plot->addGraph();
  points->setName(QObject::tr("sweep points (mean, %1 CI bars)").arg(confidenceText(table)));
  points->setLineStyle(QCPGraph::lsNone);
  points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kPointColour, QColor(160, 160, 160, 70), 8));
  points->setData(keys, values, true);
  const QColor barColour(150, 150, 150, 150);
  auto* keyErrors = new QCPErrorBars(plot->xAxis, plot->yAxis);
  keyErrors->removeFromLegend();
  keyErrors->setErrorType(QCPErrorBars::etKeyError);
  keyErrors->setDataPlottable(points);
  keyErrors->setData(xMinus, xPlus);
  keyErrors->setPen(QPen(barColour));
  auto* valueErrors = new QCPErrorBars(plot->xAxis, plot->yAxis);
  valueErrors->removeFromLegend();
  valueErrors->setErrorType(QCPErrorBars::etValueError);
  valueErrors->setDataPlottable(points);
  valueErrors->setData(yMinus, yPlus);
  valueErrors->setPen(QPen(barColour));

  QVector<double> frontKeys, frontValues;
  for (std::size_t f : leptonsim::pareto_front_min_min(xs, ys)) {
    result.front.push_back(indices[f]);
    frontKeys << xs[f];
    frontValues << ys[f];
  }
  QCPGraph* front = plot->addGraph();
  front->setName(QObject::tr("Pareto front (%1 of %2 points; lower is better on both axes)")
                     .arg(result.front.size())
                     .arg(indices.size()));
  front->setLineStyle(QCPGraph::lsStepLeft);
  front->setPen(QPen(kFrontColour, 2));
  front->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, kFrontColour, kFrontColour, 10));
  front->setData(frontKeys, frontValues, true);

  plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  plot->xAxis->setTickLabelRotation(0);
  plot->xAxis->setLabel(metricTitle(table, chart.x_metric));
  plot->yAxis->setLabel(metricTitle(table, chart.y_metric));
  plot->rescaleAxes();
  padRange(plot->xAxis, 0.08, 0.0);
  padRange(plot->yAxis, 0.08, 0.0);
  plot->legend->setVisible(true);

  if (chart.label_front) {
    // Labels sit up-right of their marker, or up-left in the right half so
    // they stay inside the axis rect.
    const double middle = plot->xAxis->range().center();
    QFont font = plot->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    for (std::size_t k = 0; k < result.front.size(); ++k) {
      auto* label = new QCPItemText(plot);
      label->position->setCoords(frontKeys[static_cast<int>(k)], frontValues[static_cast<int>(k)]);
      const bool left = frontKeys[static_cast<int>(k)] > middle;
      // Alternate above and below so labels of neighbouring front points with
      // nearly equal values do not overlap.
      const bool below = k % 2 == 1;
      label->setPositionAlignment((left ? Qt::AlignRight : Qt::AlignLeft) | (below ? Qt::AlignTop : Qt::AlignBottom));
      label->setPadding(QMargins(left ? 0 : 8, below ? 6 : 0, left ? 8 : 0, below ? 0 : 6));
      label->setFont(font);
      label->setColor(kFrontColour.darker(140));
      label->setText(shortPointLabel(table, result.front[k]));
      label->setClipToAxisRect(true);
    }
  }

  result.caption = QObject::tr("Each grey marker is one sweep point (mean over its seeds) with %1 confidence intervals "
                               "on both metrics. The orange step line joins the points no other point beats on both.")
                       .arg(confidenceText(table));
  return result;
}

}  // namespace leptonsim::gui
