// SweepCharts: the charts of a sweep drawn into a QCustomPlot from a
// SweepTable: a metric against one parameter (mean over seeds with its
// confidence band), a heatmap of a metric over two parameters, and the Pareto
// front of two minimised metrics. The GUI's SweepView and the headless
// `leptonsim plot` both draw through these functions, so a saved chart looks
// like the one on screen. Nothing here depends on a widget being shown.
#pragma once

#include <QString>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "SweepTable.hpp"

class QCPColorMap;
class QCustomPlot;

namespace leptonsim::gui {

/// A marker drawn on a band or Pareto chart, in plot coordinates.
struct SweepChartPoint {
  double key = 0.0;
  double value = 0.0;
  std::size_t point = 0;  // index into SweepTable::points
};

/// What a draw call produced.
struct SweepChartResult {
  QString message;  // why nothing was drawn; empty when the chart was drawn
  QString caption;  // what the chart shows, in one or two sentences
  std::vector<SweepChartPoint> points;  // band and Pareto: every marker drawn
  std::vector<std::size_t> front;       // Pareto: indices into table.points, by ascending x
  leptonsim::HeatmapGrid grid;          // heatmap: the grid drawn (empty with a message)

  bool drawn() const { return message.isEmpty(); }
};

struct MetricVsAxisChart {
  std::string metric;
  std::string axis;       // x
  std::string line_axis;  // one line per value of this axis; empty for a single line
  // Other axes fixed to a value (points with another value are left out).
  std::map<std::string, std::string> fixed;
};

struct HeatmapChart {
  std::string metric;
  std::string axis_x;
  std::string axis_y;
  // Other axes fixed to a value; axes not listed are averaged over.
  std::map<std::string, std::string> fixed;
};

struct ParetoChart {
  std::string x_metric;
  std::string y_metric;
  bool label_front = false;  // write each front point's parameter values beside it
};

class SweepCharts {
 public:
  /// Adds the colour map and its colour scale a heatmap is drawn into; returns the map.
  static QCPColorMap* setUpHeatmap(QCustomPlot* plot);
  /// Moves the legend into a row under the axis rect so long names never cover data.
  static void placeLegendBelow(QCustomPlot* plot, int columns);

  /// Each draw call first removes what an earlier one drew. They do not replot.
  static SweepChartResult drawMetricVsAxis(QCustomPlot* plot, const leptonsim::SweepTable& table,
                                           const MetricVsAxisChart& chart);
  /// Sets up the plot for a heatmap on first use (setUpHeatmap).
  static SweepChartResult drawHeatmap(QCustomPlot* plot, const leptonsim::SweepTable& table,
                                      const HeatmapChart& chart);
  static SweepChartResult drawParetoFront(QCustomPlot* plot, const leptonsim::SweepTable& table,
                                          const ParetoChart& chart);

  /// "cost.total (USD)"; the bare name when the metric has no unit.
  static QString metricTitle(const leptonsim::SweepTable& table, const std::string& metric);
  /// "45 USD", "n/a" for NaN.
  static QString formatValue(const leptonsim::SweepTable& table, double value, const std::string& metric);
  /// Four significant digits, large numbers without exponent, "n/a" for NaN.
  static QString compactNumber(double value);
  /// "95 %".
  static QString confidenceText(const leptonsim::SweepTable& table);
  /// The values an axis takes over the points, ordered like the table.
  static std::vector<std::string> axisValues(const leptonsim::SweepTable& table, const std::string& axis);
  /// "replicas=4, policy=round_robin": values with the last part of each key, for labels in a chart.
  static QString shortPointLabel(const leptonsim::SweepTable& table, std::size_t pointIndex);
};

}  // namespace leptonsim::gui
