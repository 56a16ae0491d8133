// SweepView: the charts of a sweep report (many runs, each a point of a
// parameter grid repeated over seeds).
//
//  * Heatmap: one metric over two swept parameters; the other parameters are
//    fixed to a value or averaged over.
//  * Metric vs parameter: the mean across seeds with its confidence band, one
//    line per value of an optional second parameter.
//  * Cost vs latency: every point with error bars on both metrics and the
//    Pareto front (both minimised) as a step line.
//
// A table of the points (parameters, seeds, mean and CI of the chosen metric)
// sits under the charts. Clicking a cell, a point or a table row offers the
// runs of that point; choosing one emits runRequested.
//
// The SweepTable is built off the UI thread; tableReady() fires when it is in.
#pragma once

#include <QPointer>
#include <QString>
#include <QWidget>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ReportDataset.hpp"
#include "SweepTable.hpp"
#include "charts/SweepCharts.hpp"

class QCPColorMap;
class QCustomPlot;
class QComboBox;
class QLabel;
class QMenu;
class QMouseEvent;
class QStackedWidget;
class QStandardItemModel;
class QTabWidget;
class QTimer;
class QTableView;
class QHBoxLayout;
class QVBoxLayout;

namespace leptonsim::gui {

class SweepView : public QWidget {
  Q_OBJECT

 public:
  enum class Mode { heatmap = 0, band = 1, pareto = 2 };

  explicit SweepView(QWidget* parent = nullptr);
  ~SweepView() override;

  /// Shows a report; the sweep table is built on a worker thread (tableReady()).
  /// nullptr clears the view.
  void setReport(std::shared_ptr<const leptonsim::ReportOverview> report);
  std::shared_ptr<const leptonsim::ReportOverview> report() const { return report_; }
  /// The grouped points, or nullptr while none is loaded.
  std::shared_ptr<const leptonsim::SweepTable> table() const { return table_; }

  void setMode(Mode mode);
  Mode mode() const;

  /// Same choices as the combos (metric and axis keys as in the table). An
  /// empty string keeps the current choice.
  void setHeatmapSelection(const QString& metric, const QString& axisX, const QString& axisY);
  /// Fixes another axis of the heatmap to a value; an empty value averages over it.
  void setHeatmapFixedValue(const QString& axis, const QString& value);
  /// lineAxis: one line per value of that axis; empty for a single line.
  void setBandSelection(const QString& metric, const QString& axis, const QString& lineAxis);
  void setBandFixedValue(const QString& axis, const QString& value);
  void setParetoMetrics(const QString& xMetric, const QString& yMetric);

  QCustomPlot* heatmapPlot() const { return heatmap_.plot; }
  QCustomPlot* bandPlot() const { return band_.plot; }
  QCustomPlot* paretoPlot() const { return pareto_.plot; }
  QTableView* pointsTable() const { return pointsTable_; }
  /// The grid drawn by the heatmap (empty when the heatmap shows a message).
  const leptonsim::HeatmapGrid& heatmapGrid() const { return heatmap_.grid; }
  /// Indices into table()->points of the highlighted Pareto-front points, by ascending x.
  const std::vector<std::size_t>& paretoFront() const { return pareto_.front; }
  /// Why a chart is not shown ("" when it is).
  QString message(Mode mode) const;

  /// Pixel position (in the plot widget) of a point of the band or Pareto chart,
  /// or of the centre of a heatmap cell holding that point; (-1, -1) if not drawn.
  QPoint pixelOfPoint(Mode mode, std::size_t pointIndex) const;

 Q_SIGNALS:
  void runRequested(QString reportPath, qint64 runId);
  /// A table finished building (also after a failure: message() then says why).
  void tableReady();

 private:
  struct ChartTab {
    QWidget* page = nullptr;
    QStackedWidget* stack = nullptr;  // the chart or a message
    QLabel* message = nullptr;
    QCustomPlot* plot = nullptr;
    QLabel* caption = nullptr;
    QString messageText;
  };
  struct HeatmapTab : ChartTab {
    QComboBox* metric = nullptr;
    QComboBox* axisX = nullptr;
    QComboBox* axisY = nullptr;
    QHBoxLayout* fixedRow = nullptr;
    std::map<std::string, QComboBox*> fixed;  // other axis -> its value combo
    QCPColorMap* map = nullptr;
    leptonsim::HeatmapGrid grid;
  };
  struct BandTab : ChartTab {
    QComboBox* metric = nullptr;
    QComboBox* axis = nullptr;
    QComboBox* lineAxis = nullptr;
    QHBoxLayout* fixedRow = nullptr;
    std::map<std::string, QComboBox*> fixed;
  };
  struct ParetoTab : ChartTab {
    QComboBox* xMetric = nullptr;
    QComboBox* yMetric = nullptr;
    std::vector<std::size_t> front;
  };
  // A drawn point of the band or Pareto chart, for hit tests.
  using DrawnPoint = SweepChartPoint;

  void buildHeatmapTab();
  void buildBandTab();
  void buildParetoTab();
  void showTable(std::shared_ptr<const leptonsim::SweepTable> table, const QString& error);
  void fillCombos();
  void rebuildFixedCombos(std::map<std::string, QComboBox*>& fixed, QHBoxLayout* row,
                          const std::vector<std::string>& excluded, bool allowAverage);
  void scheduleRefresh();
  void refresh();
  void refreshHeatmap();
  void refreshBand();
  void refreshPareto();
  void refreshPointsTable();
  void setChartMessage(ChartTab& tab, const QString& text);

  QString metricTitle(const std::string& metric) const;
  QString formatValue(double value, const std::string& metric) const;
  QString describePoint(std::size_t pointIndex, const std::string& metric) const;
  std::string tableMetric() const;
  std::map<std::string, std::string> fixedValues(const std::map<std::string, QComboBox*>& fixed) const;

  void layOutTab(QWidget* page, QVBoxLayout* layout, std::initializer_list<std::pair<QString, QComboBox*>> choices,
                 QHBoxLayout* fixedRow, QWidget* chart, QWidget* caption);
  void connectPlotMouse(QCustomPlot* plot, Mode mode);
  void onPlotMouseMove(Mode mode, QMouseEvent* event);
  void onPlotMouseRelease(Mode mode, QMouseEvent* event);
  // Point indices under a pixel of a chart (all points of a heatmap cell).
  std::vector<std::size_t> pointsAt(Mode mode, const QPointF& pixel) const;
  void offerRuns(const std::vector<std::size_t>& points, const QPoint& globalPos);

  std::shared_ptr<const leptonsim::ReportOverview> report_;
  std::shared_ptr<const leptonsim::SweepTable> table_;
  std::uint64_t generation_ = 0;
  QString loadError_;
  bool updatingCombos_ = false;

  QTabWidget* tabs_ = nullptr;
  HeatmapTab heatmap_;
  BandTab band_;
  ParetoTab pareto_;
  std::vector<DrawnPoint> bandPoints_;
  std::vector<DrawnPoint> paretoPoints_;
  QTableView* pointsTable_ = nullptr;
  QStandardItemModel* pointsModel_ = nullptr;
  QLabel* tableTitle_ = nullptr;
  QTimer* refreshTimer_ = nullptr;
  QPointer<QMenu> runMenu_;
  QPoint pressPos_;
};

}  // namespace leptonsim::gui
