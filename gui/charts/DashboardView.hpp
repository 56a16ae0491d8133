// DashboardView: the run dashboard. A scrollable column of TimeSeriesCharts,
// one per panel of DashboardPanels that the runs have data for, all time axes
// linked. One run draws a dashboard; several runs are overlaid (one colour per
// run, run label in the legends). Series no panel covers can be added from
// the "Other series" box. Renders without being shown, for `leptonsim plot`.
#pragma once

#include <QImage>
#include <QList>
#include <QStringList>
#include <QWidget>
#include <memory>

#include "ReportDataset.hpp"
#include "charts/DashboardPanels.hpp"

class QComboBox;
class QLabel;
class QPushButton;
class QScrollArea;
class QVBoxLayout;

namespace leptonsim::gui {

class ChartGroup;
class DashboardHeadline;
class TimeSeriesChart;

class DashboardView : public QWidget {
  Q_OBJECT
 public:
  explicit DashboardView(QWidget* parent = nullptr);

  /// Replaces what is drawn: one run = dashboard, several = overlay.
  void setRuns(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs);
  /// Overlay with shared colours: runs with equal `colorGroups` entries (0, 1, ...)
  /// are drawn in one colour and named once in legends by `groupLabels[group]`
  /// (e.g. the seeds of one sweep point).
  void setRuns(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs, const QList<int>& colorGroups,
               const QStringList& groupLabels);
  QList<std::shared_ptr<const leptonsim::RunDataset>> runs() const { return m_runs; }

  QList<TimeSeriesChart*> charts() const { return m_charts; }
  int visiblePanelCount() const { return static_cast<int>(m_charts.size()); }
  /// The chart whose title is `title`, or nullptr.
  TimeSeriesChart* chart(const QString& title) const;
  /// Titles of the standard panels without data in any loaded run (the LLM panel is
  /// not missing when the summary has TTFT metrics: they are summary-only then).
  QStringList missingPanelTitles() const;
  /// The quiet "N more panels appear ..." line (its tooltip lists them); empty when none.
  QString missingPanelsText() const;
  QString missingPanelsToolTip() const;
  /// The headline numbers of the run summaries above the charts.
  DashboardHeadline* headline() const { return m_headline; }
  /// Series no panel covers (the choices of the "Other series" box).
  QStringList otherSeries() const { return m_plan.other_series; }
  /// Adds a panel with one curve per entity (and run) of `series`; kept across setRuns.
  /// nullptr when no loaded run has the series.
  TimeSeriesChart* addSeriesPanel(const QString& series);
  ChartGroup* chartGroup() const { return m_group; }

  /// Marks time `t` on every chart (NaN clears).
  void setTimeCursor(double t);

  /// The whole dashboard as one image: header, then every chart `chartHeight` high.
  QImage renderImage(int width = 1200, int chartHeight = 300) const;
  /// On failure false and, if given, `error` naming the file and the cause.
  bool exportPng(const QString& path, int width = 1200, QString* error = nullptr);
  /// Vector PDF, A4 landscape, `chartsPerPage` charts stacked on each page.
  bool exportPdf(const QString& path, int chartsPerPage = 2, QString* error = nullptr);

  /// The colour of the i-th run (or colour group) in overlays, and of the i-th curve of a panel.
  static QColor paletteColor(int index);
  /// The colour the run at `runIndex` is drawn in (overlays).
  QColor runColor(int runIndex) const;

 Q_SIGNALS:
  /// The user clicked a chart at simulated time `t`.
  void timeSelected(double t);

 private:
  void rebuild();
  TimeSeriesChart* buildChart(const PanelInstance& panel);
  void appendChart(TimeSeriesChart* chart);
  void clearCharts();
  void alignPlotAreas();
  void updateHeader();
  QString runLabel(int index) const;
  QList<int> colorGroups() const;  // distinct groups in order of first run
  QString groupLabel(int group) const;
  QString headerHtml() const;
  bool summaryHasTokenLatency() const;

  QList<std::shared_ptr<const leptonsim::RunDataset>> m_runs;
  DashboardPlan m_plan;
  QStringList m_extraSeries;
  QList<int> m_colorGroupOfRun;  // run index -> colour group
  QStringList m_groupLabels;
  QList<TimeSeriesChart*> m_charts;
  ChartGroup* m_group = nullptr;
  double m_timeCursor;

  QLabel* m_runsLabel = nullptr;
  QLabel* m_missingLabel = nullptr;
  DashboardHeadline* m_headline = nullptr;
  QComboBox* m_otherSeriesBox = nullptr;
  QPushButton* m_addSeriesButton = nullptr;
  QScrollArea* m_scrollArea = nullptr;
  QVBoxLayout* m_chartLayout = nullptr;
  QLabel* m_emptyLabel = nullptr;
};

}  // namespace leptonsim::gui
