// DashboardView, TimeSeriesChart, ChartGroup and DashboardPanels: panels chosen
// by data, overlays, linked zoom, tooltips, SLO lines, event markers, export,
// headless rendering and full-resolution reload of downsampled curves.
#include <QFile>
#include <QPdfWriter>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <limits>

#include "ReportDataset.hpp"
#include "SqliteReport.hpp"
#include "charts/ChartGroup.hpp"
#include "charts/DashboardHeadline.hpp"
#include "charts/DashboardPanels.hpp"
#include "charts/DashboardView.hpp"
#include "charts/TimeSeriesChart.hpp"

using namespace leptonsim;
using namespace leptonsim::gui;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TimeSeries makeSeries(const std::string& name, const std::string& entity, int points, double interval,
                      const std::function<double(int)>& value) {
  TimeSeries series;
  series.series = name;
  series.entity = entity;
  for (int i = 1; i <= points; ++i) {
    series.t.push_back(i * interval);
    series.value.push_back(value(i));
  }
  return series;
}

/// A run built in memory: the series are sorted like load_run_dataset sorts them.
std::shared_ptr<RunDataset> makeRun(std::int64_t runId, std::uint64_t seed, std::vector<TimeSeries> series,
                                    std::vector<Event> events = {}, std::map<std::string, double> summary = {}) {
  auto run = std::make_shared<RunDataset>();
  run->overview.run_id = runId;
  run->overview.run.scenario_name = "test";
  run->overview.run.seed = seed;
  run->overview.run.simulated_seconds = 3600;
  run->overview.parameters["seed"] = std::to_string(seed);
  run->overview.summary = summary;
  for (const auto& [metric, value] : summary) run->overview.units[metric] = metric.find("latency") != std::string::npos ? "s" : "1";
  std::sort(series.begin(), series.end(), [](const TimeSeries& a, const TimeSeries& b) {
    return std::tie(a.series, a.entity) < std::tie(b.series, b.entity);
  });
  for (const TimeSeries& s : series) {
    SeriesInfo info;
    info.series = s.series;
    info.entity = s.entity;
    info.points = static_cast<std::int64_t>(s.t.size());
    info.t_min = s.t.empty() ? 0 : s.t.front();
    info.t_max = s.t.empty() ? 0 : s.t.back();
    run->series_info.push_back(info);
  }
  run->series = std::move(series);
  run->events = std::move(events);
  return run;
}

std::vector<TimeSeries> serviceSeries(const std::string& service, double scale = 1.0) {
  std::vector<TimeSeries> all;
  for (const char* name : {"service.latency_mean", "service.latency_p50", "service.latency_p95", "service.latency_p99"})
    all.push_back(makeSeries(name, service, 60, 60, [scale](int i) { return scale * (1.0 + 0.01 * i); }));
  for (const char* name : {"service.replicas_desired", "service.replicas_ready", "service.replicas_starting",
                           "service.replicas_unplaced"})
    all.push_back(makeSeries(name, service, 60, 60, [](int i) { return i < 30 ? 2.0 : 4.0; }));
  all.push_back(makeSeries("service.arrival_rate", service, 60, 60, [scale](int i) { return scale * (10.0 + i % 5); }));
  return all;
}

Event makeEvent(double t, const std::string& kind, const std::string& entity, const std::string& detail = "{}") {
  return Event{t, kind, entity, detail};
}

/// Pixels in `rect` of `image` that differ clearly from white.
int inkPixels(const QImage& image, const QRect& rect) {
  int count = 0;
  for (int y = std::max(rect.top(), 0); y <= std::min(rect.bottom(), image.height() - 1); ++y)
    for (int x = std::max(rect.left(), 0); x <= std::min(rect.right(), image.width() - 1); ++x) {
      const QColor c = image.pixelColor(x, y);
      if (c.red() + c.green() + c.blue() < 3 * 235) ++count;
    }
  return count;
}

/// Pixels of roughly `color` in `rect`.
int pixelsOfColor(const QImage& image, const QRect& rect, const QColor& color) {
  int count = 0;
  for (int y = std::max(rect.top(), 0); y <= std::min(rect.bottom(), image.height() - 1); ++y)
    for (int x = std::max(rect.left(), 0); x <= std::min(rect.right(), image.width() - 1); ++x) {
      const QColor c = image.pixelColor(x, y);
      if (std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) + std::abs(c.blue() - color.blue()) < 60)
        ++count;
    }
  return count;
}

QString runCli(const QString& outputPath, const QString& scenario, const QStringList& extra) {
  QProcess process;
  QStringList arguments{QStringLiteral("run"), QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/") + scenario,
                        QStringLiteral("-o"), outputPath, QStringLiteral("-q")};
  arguments << extra;
  process.start(QStringLiteral(LEPTONSIM_BINARY), arguments);
  if (!process.waitForFinished(120000)) return QStringLiteral("timed out");
  if (process.exitCode() != 0) return QString::fromUtf8(process.readAllStandardError());
  return {};
}

}  // namespace

class DashboardViewTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void panelsAreShownOnlyWithData();
  void uncoveredSeriesCanBeAddedAsPanel();
  void countsAreStepsAndRatesAreLines();
  void overlayOfTwoRunsDrawsTwoCurvesPerSeries();
  void chartGroupLinksTimeAxesWithoutFeedback();
  void zoomingOneChartMovesAllCharts();
  void nearestPointIndexPicksClosestSample();
  void tooltipShowsEachCurveValueAtTime();
  void missingSamplesBreakTheLine();
  void sloLineIsAtTheSummaryValue();
  void eventMarkersAreCountedPerPanel();
  void eventsPanelShowsWithoutSeries();
  void chartReallyDrawsItsCurve();
  void exportsPngAndPdf();
  void chartExportsPngPdfAndCsv();
  void clickSelectsTime();
  void rendersRealReportsWithoutBeingShown();
  void reloadsZoomedRangeAtFullResolution();
  void marginsAreMeasuredWithoutDrawing();
  void headlineShowsTheSummaryNumbers();
  void headlineJudgesTheSloWithoutVerdict();
  void missingPanelsLineIsQuietAndKnowsSummaryOnlyTokenLatency();
  void gpuPanelCountsBusyGpusOnTheLeftAxis();
  void jobsReportShowsJobPanelsAndHeadline();
  void dataPanelShowsRedundancyRepairAndLoss();
  void dataPanelLeavesOutAbsentCurves();
  void dataHeadlineShowsLossMttdlAndStorageCost();
  void storageReportShowsDataPanelAndHeadline();
};

void DashboardViewTest::panelsAreShownOnlyWithData() {
  auto run = makeRun(1, 42, serviceSeries("chat"));
  const DashboardPlan plan = DashboardPanels::plan({run});
  QStringList titles;
  for (const PanelInstance& panel : plan.panels) titles << panel.title;
  QVERIFY2(titles.contains(QStringLiteral("Latency — chat")), qPrintable(titles.join(", ")));
  QVERIFY(titles.contains(QStringLiteral("Replicas — chat")));
  QVERIFY(titles.contains(QStringLiteral("Request rates — chat")));
  QVERIFY(!titles.contains(QStringLiteral("Cost")));
  QVERIFY(plan.missing_titles.contains(QStringLiteral("Cost")));
  QVERIFY(plan.missing_titles.contains(QStringLiteral("Jobs")));
  QVERIFY(plan.missing_titles.contains(QStringLiteral("Energy")));
  QVERIFY(plan.missing_titles.contains(QStringLiteral("GPU allocation and utilisation")));

  DashboardView view;
  view.setRuns({run});
  QCOMPARE(view.visiblePanelCount(), plan.panels.size());
  QCOMPARE(view.charts().size(), plan.panels.size());
  QVERIFY(view.chart(QStringLiteral("Latency — chat")));
  QVERIFY(!view.chart(QStringLiteral("Cost")));
  QVERIFY(view.missingPanelTitles().contains(QStringLiteral("Cost")));

  // A second service gets its own per-service panels; a cost series shows the cost panel.
  std::vector<TimeSeries> series = serviceSeries("chat");
  for (TimeSeries& s : serviceSeries("embed")) series.push_back(s);
  series.push_back(makeSeries("cost.cumulative", "", 60, 60, [](int i) { return 2.0 * i; }));
  view.setRuns({makeRun(1, 42, series)});
  QVERIFY(view.chart(QStringLiteral("Latency — embed")));
  QVERIFY(view.chart(QStringLiteral("Cost")));
  QVERIFY(!view.missingPanelTitles().contains(QStringLiteral("Cost")));
  QCOMPARE(view.chart(QStringLiteral("Cost"))->curveCount(), 1);
  QCOMPARE(view.chart(QStringLiteral("Latency — embed"))->curveCount(), 4);

  view.setRuns({});
  QCOMPARE(view.visiblePanelCount(), 0);
}

void DashboardViewTest::uncoveredSeriesCanBeAddedAsPanel() {
  std::vector<TimeSeries> series = serviceSeries("chat");
  series.push_back(makeSeries("network.link_utilization", "spine0", 30, 60, [](int) { return 0.5; }));
  series.push_back(makeSeries("network.link_utilization", "spine1", 30, 60, [](int) { return 0.7; }));
  auto run = makeRun(1, 1, series);
  DashboardView view;
  view.setRuns({run});
  QCOMPARE(view.otherSeries(), QStringList{QStringLiteral("network.link_utilization")});
  QVERIFY(!view.chart(QStringLiteral("network.link_utilization")));
  const int before = view.visiblePanelCount();
  TimeSeriesChart* chart = view.addSeriesPanel(QStringLiteral("network.link_utilization"));
  QVERIFY(chart);
  QCOMPARE(view.visiblePanelCount(), before + 1);
  QCOMPARE(chart->curveCount(), 2);  // one per entity
  QVERIFY(view.chartGroup()->charts().contains(chart));
  QCOMPARE(view.addSeriesPanel(QStringLiteral("network.link_utilization")), chart);  // not twice
  QVERIFY(!view.addSeriesPanel(QStringLiteral("no.such_series")));
  // Still there after the runs are set again.
  view.setRuns({run});
  QVERIFY(view.chart(QStringLiteral("network.link_utilization")));
  QCOMPARE(view.visiblePanelCount(), before + 1);
}

void DashboardViewTest::countsAreStepsAndRatesAreLines() {
  DashboardView view;
  view.setRuns({makeRun(1, 1, serviceSeries("chat"))});
  TimeSeriesChart* replicas = view.chart(QStringLiteral("Replicas — chat"));
  QVERIFY(replicas);
  QCOMPARE(replicas->curveCount(), 4);
  for (int i = 0; i < replicas->curveCount(); ++i) QCOMPARE(replicas->curveGraph(i)->lineStyle(), QCPGraph::lsStepLeft);
  TimeSeriesChart* rates = view.chart(QStringLiteral("Request rates — chat"));
  QVERIFY(rates);
  QCOMPARE(rates->curveGraph(0)->lineStyle(), QCPGraph::lsLine);
  QVERIFY(rates->valueAxisLabel().contains(QStringLiteral("requests/s")));
  QVERIFY(rates->xAxis->label().contains(QStringLiteral("simulated time")));
}

void DashboardViewTest::overlayOfTwoRunsDrawsTwoCurvesPerSeries() {
  auto first = makeRun(1, 1, serviceSeries("chat", 1.0));
  auto second = makeRun(2, 2, serviceSeries("chat", 2.0));
  DashboardView view;
  view.setRuns({first, second});
  TimeSeriesChart* latency = view.chart(QStringLiteral("Latency — chat"));
  QVERIFY(latency);
  QCOMPARE(latency->curveCount(), 8);  // 4 series x 2 runs
  QSet<QString> colorsOfP99;
  int withRunLabel = 0;
  for (int i = 0; i < latency->curveCount(); ++i) {
    const CurveOptions& options = latency->curveOptions(i);
    if (options.series == QLatin1String("service.latency_p99")) colorsOfP99.insert(options.color.name());
    if (options.label.contains(QStringLiteral("seed 1")) || options.label.contains(QStringLiteral("seed 2"))) ++withRunLabel;
  }
  QCOMPARE(colorsOfP99.size(), 2);  // one colour per run
  QCOMPARE(withRunLabel, 8);        // the run is named in the legend
  // The curves hold each run's own data.
  QCOMPARE(latency->curveGraph(0)->data()->at(0)->value * 2.0, latency->curveGraph(4)->data()->at(0)->value);
}

void DashboardViewTest::chartGroupLinksTimeAxesWithoutFeedback() {
  TimeSeriesChart a, b, c;
  for (TimeSeriesChart* chart : {&a, &b, &c}) {
    chart->addCurve(makeSeries("x", "", 100, 10, [](int i) { return i; }), CurveOptions{});
    chart->finishSetup();
  }
  ChartGroup group;
  group.addChart(&a);
  group.addChart(&b);
  group.addChart(&c);
  QSignalSpy groupSpy(&group, &ChartGroup::timeRangeChanged);
  QSignalSpy bSpy(b.xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged));
  a.xAxis->setRange(100, 300);
  QCOMPARE(b.timeRange(), QCPRange(100, 300));
  QCOMPARE(c.timeRange(), QCPRange(100, 300));
  QCOMPARE(groupSpy.count(), 1);  // no echo from b and c
  QCOMPARE(bSpy.count(), 1);
  group.setTimeRange(QCPRange(0, 50));
  QCOMPARE(a.timeRange(), QCPRange(0, 50));
  QCOMPARE(c.timeRange(), QCPRange(0, 50));
  group.removeChart(&c);
  a.xAxis->setRange(10, 20);
  QCOMPARE(b.timeRange(), QCPRange(10, 20));
  QCOMPARE(c.timeRange(), QCPRange(0, 50));
}

void DashboardViewTest::zoomingOneChartMovesAllCharts() {
  DashboardView view;
  view.setRuns({makeRun(1, 1, serviceSeries("chat"))});
  const QList<TimeSeriesChart*> charts = view.charts();
  QVERIFY(charts.size() >= 3);
  for (TimeSeriesChart* chart : charts) QCOMPARE(chart->timeRange(), QCPRange(0, 3600));
  // A wheel step over the first chart zooms every chart's time axis, not the value axis.
  view.resize(1000, 1400);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  TimeSeriesChart* first = charts.front();
  first->replot();
  const QCPRange valueBefore = first->yAxis->range();
  const QPointF center = first->axisRect()->rect().center();
  QWheelEvent wheel(center, first->mapToGlobal(center), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                    Qt::NoScrollPhase, false);
  QApplication::sendEvent(first, &wheel);
  const QCPRange zoomed = first->timeRange();
  QVERIFY2(zoomed.size() < 3600 * 0.95, qPrintable(QString::number(zoomed.size())));
  for (TimeSeriesChart* chart : charts) QCOMPARE(chart->timeRange(), zoomed);
  // The value axis follows the visible data, it is not zoomed by the wheel.
  QVERIFY(first->yAxis->range().lower <= 0.0 || first->yAxis->range() == valueBefore);
  // Double-click returns to the whole run everywhere.
  QTest::mouseDClick(first, Qt::LeftButton, Qt::NoModifier, center.toPoint());
  for (TimeSeriesChart* chart : charts) QCOMPARE(chart->timeRange(), QCPRange(0, 3600));
}

void DashboardViewTest::nearestPointIndexPicksClosestSample() {
  QCPGraphDataContainer data;
  QCOMPARE(TimeSeriesChart::nearestPointIndex(data, 5.0), -1);
  data.add(QVector<QCPGraphData>{{10, 1}, {20, 2}, {40, 3}}, true);
  QCOMPARE(TimeSeriesChart::nearestPointIndex(data, -100), 0);
  QCOMPARE(TimeSeriesChart::nearestPointIndex(data, 10), 0);
  QCOMPARE(TimeSeriesChart::nearestPointIndex(data, 14.9), 0);
  QCOMPARE(TimeSeriesChart::nearestPointIndex(data, 15), 0);  // a tie goes to the earlier sample
  QCOMPARE(TimeSeriesChart::nearestPointIndex(data, 15.1), 1);
  QCOMPARE(TimeSeriesChart::nearestPointIndex(data, 29.9), 1);
  QCOMPARE(TimeSeriesChart::nearestPointIndex(data, 31), 2);
  QCOMPARE(TimeSeriesChart::nearestPointIndex(data, 1e9), 2);
  QCOMPARE(TimeSeriesChart::formatSimulatedTime(0), QStringLiteral("0:00:00"));
  QCOMPARE(TimeSeriesChart::formatSimulatedTime(3725), QStringLiteral("1:02:05"));
  QCOMPARE(TimeSeriesChart::formatSimulatedTime(2 * 86400 + 3600 + 1.5), QStringLiteral("2 d 01:00:01.5"));
}

void DashboardViewTest::tooltipShowsEachCurveValueAtTime() {
  TimeSeriesChart chart;
  CurveOptions rate;
  rate.label = QStringLiteral("arrivals");
  rate.unit = QStringLiteral("req/s");
  TimeSeries arrivals = makeSeries("service.arrival_rate", "chat", 5, 60, [](int i) { return 10.0 * i; });
  arrivals.value[2] = kNaN;  // a gap at t = 180
  chart.addCurve(arrivals, rate);
  CurveOptions busy;
  busy.label = QStringLiteral("busy");
  busy.unit = QStringLiteral("%");
  busy.value_scale = 100.0;
  busy.use_right_axis = true;
  chart.addCurve(makeSeries("service.utilization", "chat", 3, 100, [](int i) { return 0.25 * i; }), busy);
  chart.finishSetup();

  QVector<CurveValue> values = chart.valuesAt(130);
  QCOMPARE(values.size(), 2);
  QCOMPARE(values[0].t, 120.0);
  QCOMPARE(values[0].value, 20.0);
  QCOMPARE(values[1].t, 100.0);
  QCOMPARE(values[1].value, 25.0);  // fraction shown as percent
  values = chart.valuesAt(185);
  QVERIFY(std::isnan(values[0].value));  // the gap stays a gap
  QCOMPARE(values[1].value, 50.0);

  const QString text = chart.tooltipTextAt(245);
  QVERIFY2(text.contains(QStringLiteral("0:04:05")), qPrintable(text));
  QVERIFY(text.contains(QStringLiteral("arrivals")));
  QVERIFY(text.contains(QStringLiteral("40 req/s")));
  QVERIFY(text.contains(QStringLiteral("50 %")));
  QVERIFY(chart.tooltipTextAt(180).contains(QStringLiteral("no data")));
}

void DashboardViewTest::missingSamplesBreakTheLine() {
  QCOMPARE(TimeSeriesChart::typicalStep({0, 60, 120, 180, 1800, 1860, 1920, 1925}), 60.0);
  QVERIFY(std::isinf(TimeSeriesChart::typicalStep({5})));
  // Latency has no point in intervals without completions: 0:02..0:30 is missing.
  TimeSeries latency;
  latency.series = "service.latency_p99";
  latency.entity = "chat";
  for (double t : {60.0, 120.0, 1800.0, 1860.0, 1920.0, 1980.0}) {
    latency.t.push_back(t);
    latency.value.push_back(t / 1000.0);
  }
  TimeSeriesChart chart;
  CurveOptions options;
  options.label = QStringLiteral("p99");
  chart.addCurve(latency, options);
  chart.finishSetup();
  QCOMPARE(chart.curvePointCount(0), 7);  // 6 samples and one gap
  const auto& data = *chart.curveGraph(0)->data();
  QVERIFY(std::isnan(data.at(2)->value));
  QVERIFY(data.at(2)->key > 120.0 && data.at(2)->key < 1800.0);
  QVERIFY(std::isnan(chart.valuesAt(960).front().value));
  QCOMPARE(chart.valuesAt(1790).front().value, 1.8);
  // The gap is not data: the CSV holds the six samples.
  QTemporaryDir dir;
  QVERIFY(chart.exportCsv(dir.filePath(QStringLiteral("gap.csv"))));
  QFile file(dir.filePath(QStringLiteral("gap.csv")));
  QVERIFY(file.open(QIODevice::ReadOnly));
  QCOMPARE(QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts).size(), 7);
  // Regular samples have no gap.
  TimeSeriesChart regular;
  regular.addCurve(makeSeries("service.arrival_rate", "chat", 30, 60, [](int i) { return i; }), options);
  QCOMPARE(regular.curvePointCount(0), 30);
}

void DashboardViewTest::sloLineIsAtTheSummaryValue() {
  auto run = makeRun(1, 1, serviceSeries("chat"), {}, {{"service.chat.slo_latency_p99_target", 4.0}});
  DashboardView view;
  view.setRuns({run});
  TimeSeriesChart* latency = view.chart(QStringLiteral("Latency — chat"));
  QVERIFY(latency);
  QCOMPARE(latency->referenceLineCount(), 1);
  QCOMPARE(latency->referenceLineValue(0), 4.0);
  QVERIFY2(latency->referenceLineLabel(0).contains(QStringLiteral("SLO")), qPrintable(latency->referenceLineLabel(0)));
  QVERIFY(latency->referenceLineLabel(0).contains(QStringLiteral("4 s")));
  // The value axis includes the SLO even though the curves stay below 2 s.
  QVERIFY(latency->yAxis->range().contains(4.0));
  // Other panels have no SLO line.
  QCOMPARE(view.chart(QStringLiteral("Replicas — chat"))->referenceLineCount(), 0);
  // No SLO in the summary: no line.
  view.setRuns({makeRun(1, 1, serviceSeries("chat"))});
  QCOMPARE(view.chart(QStringLiteral("Latency — chat"))->referenceLineCount(), 0);
}

void DashboardViewTest::eventMarkersAreCountedPerPanel() {
  std::vector<TimeSeries> series = serviceSeries("chat");
  for (TimeSeries& s : serviceSeries("embed")) series.push_back(s);
  std::vector<Event> events = {
      makeEvent(0, "run_start", ""),
      makeEvent(600, "scale_decision", "chat", R"({"from":2,"to":4,"reason":"utilisation 0.9 > target 0.7"})"),
      makeEvent(900, "replica_ready", "chat", R"({"replica":2,"cold_start_seconds":300})"),
      makeEvent(950, "replica_ready", "chat", R"({"replica":3})"),
      makeEvent(1200, "scale_decision", "embed", R"({"from":1,"to":2})"),
      makeEvent(1800, "gpu_failure", "us-east/r0/n1/gpu3"),
      makeEvent(3600, "run_end", ""),
  };
  DashboardView view;
  view.setRuns({makeRun(1, 1, series, events)});
  TimeSeriesChart* chat = view.chart(QStringLiteral("Replicas — chat"));
  QVERIFY(chat);
  QCOMPARE(chat->eventMarkerCount(), 3);
  QCOMPARE(chat->eventMarkerCount(QStringLiteral("scale_decision")), 1);
  QCOMPARE(chat->eventMarkerCount(QStringLiteral("replica_ready")), 2);
  QCOMPARE(view.chart(QStringLiteral("Replicas — embed"))->eventMarkerCount(), 1);
  QCOMPARE(view.chart(QStringLiteral("Latency — chat"))->eventMarkerCount(), 0);
  TimeSeriesChart* all = view.chart(QStringLiteral("Failures, repairs and scaling events"));
  QVERIFY(all);
  QCOMPARE(all->eventMarkerCount(), 5);  // run_start and run_end are not markers
  QCOMPARE(all->eventMarkerCount(QStringLiteral("gpu_failure")), 1);
  // The tooltip near a marker carries the event detail.
  const QString text = chat->tooltipTextAt(600);
  QVERIFY2(text.contains(QStringLiteral("scale decision")), qPrintable(text));
  QVERIFY(text.contains(QStringLiteral("from: 2")));
  QVERIFY(text.contains(QStringLiteral("utilisation 0.9")));
  QVERIFY(!chat->tooltipTextAt(2400).contains(QStringLiteral("scale decision")));
  // Markers get legend entries, curves stay curves.
  QCOMPARE(chat->curveCount(), 4);
  QVERIFY(chat->legend->itemCount() >= 6);
  QCOMPARE(QColor(TimeSeriesChart::eventKindColor(QStringLiteral("gpu_failure"))),
           TimeSeriesChart::eventKindColor(QStringLiteral("gpu_failure")));
  QVERIFY(TimeSeriesChart::eventKindColor(QStringLiteral("gpu_failure")) !=
          TimeSeriesChart::eventKindColor(QStringLiteral("replica_ready")));
}

void DashboardViewTest::eventsPanelShowsWithoutSeries() {
  // Only bookkeeping events: no events panel.
  DashboardView view;
  view.setRuns({makeRun(1, 1, serviceSeries("chat"), {makeEvent(0, "run_start", ""), makeEvent(300, "measurement_start", "")})});
  QVERIFY(!view.chart(QStringLiteral("Failures, repairs and scaling events")));
  QVERIFY(view.missingPanelTitles().contains(QStringLiteral("Failures, repairs and scaling events")));
  // The warm-up is shaded on every chart.
  QCOMPARE(view.charts().front()->warmupEnd(), 300.0);
  // A failure event brings the panel even though no failures.gpus_down series exists.
  view.setRuns({makeRun(1, 1, serviceSeries("chat"), {makeEvent(1000, "node_failure", "n1")})});
  TimeSeriesChart* events = view.chart(QStringLiteral("Failures, repairs and scaling events"));
  QVERIFY(events);
  QCOMPARE(events->curveCount(), 0);
  QCOMPARE(events->eventMarkerCount(), 1);
  QCOMPARE(events->timeRange(), QCPRange(0, 3600));  // linked to the others
}

void DashboardViewTest::chartReallyDrawsItsCurve() {
  TimeSeriesChart chart;
  CurveOptions options;
  options.color = QColor(214, 39, 40);
  options.label = QStringLiteral("p99");
  chart.addCurve(makeSeries("service.latency_p99", "chat", 100, 36, [](int i) { return std::sin(i / 10.0) + 2; }), options);
  chart.finishSetup();
  const QPixmap pixmap = chart.toPixmap(800, 300);
  const QImage image = pixmap.toImage();
  const QRect plotArea = chart.axisRect()->rect();
  QVERIFY(plotArea.width() > 400);
  QVERIFY2(pixelsOfColor(image, plotArea, options.color) > 300,
           qPrintable(QString::number(pixelsOfColor(image, plotArea, options.color))));
  // An empty chart draws no curve colour.
  TimeSeriesChart empty;
  empty.finishSetup();
  const QImage emptyImage = empty.toPixmap(800, 300).toImage();
  QCOMPARE(pixelsOfColor(emptyImage, empty.axisRect()->rect(), options.color), 0);
}

void DashboardViewTest::exportsPngAndPdf() {
  QTemporaryDir dir;
  DashboardView view;  // never shown
  view.setRuns({makeRun(1, 1, serviceSeries("chat"), {makeEvent(600, "scale_decision", "chat")},
                        {{"service.chat.slo_latency_p99_target", 4.0}})});
  const QString png = dir.filePath(QStringLiteral("dashboard.png"));
  QVERIFY(view.exportPng(png, 1000));
  QImage image(png);
  QVERIFY(!image.isNull());
  QCOMPARE(image.width(), 1000);
  // Charts are 300 px high; the markers-only events chart is lower.
  QVERIFY(image.height() >= (view.visiblePanelCount() - 1) * 300 + 150);
  // The first and the last chart's bands of the image hold drawn pixels (curves, axes, text).
  const QRect firstBand(0, 60, 1000, 300);
  const QRect lastBand(0, image.height() - 170, 1000, 170);
  QVERIFY2(inkPixels(image, firstBand) > 2000, qPrintable(QString::number(inkPixels(image, firstBand))));
  QVERIFY2(inkPixels(image, lastBand) > 1000, qPrintable(QString::number(inkPixels(image, lastBand))));

  const QString pdf = dir.filePath(QStringLiteral("dashboard.pdf"));
  QVERIFY(view.exportPdf(pdf));
  QFile file(pdf);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QByteArray bytes = file.readAll();
  QVERIFY(bytes.startsWith("%PDF"));
  QVERIFY(bytes.size() > 5000);
  // Two charts per page.
  QCOMPARE(bytes.count("/Type /Page") - bytes.count("/Type /Pages"), (view.visiblePanelCount() + 1) / 2);
  // One chart per page.
  const QString onePerPage = dir.filePath(QStringLiteral("one-per-page.pdf"));
  QVERIFY(view.exportPdf(onePerPage, 1));
  QFile pages(onePerPage);
  QVERIFY(pages.open(QIODevice::ReadOnly));
  const QByteArray pageBytes = pages.readAll();
  QCOMPARE(pageBytes.count("/Type /Page") - pageBytes.count("/Type /Pages"), view.visiblePanelCount());
}

void DashboardViewTest::chartExportsPngPdfAndCsv() {
  QTemporaryDir dir;
  TimeSeriesChart chart;
  CurveOptions options;
  options.label = QStringLiteral("arrivals, all");
  options.series = QStringLiteral("service.arrival_rate");
  options.entity = QStringLiteral("chat");
  options.unit = QStringLiteral("req/s");
  options.run_label = QStringLiteral("test (seed 1, run 1)");
  TimeSeries series = makeSeries("service.arrival_rate", "chat", 3, 60, [](int i) { return i * 1.5; });
  series.value[1] = kNaN;
  chart.addCurve(series, options);
  chart.finishSetup();
  QVERIFY(chart.exportPng(dir.filePath(QStringLiteral("c.png"))));
  QVERIFY(!QImage(dir.filePath(QStringLiteral("c.png"))).isNull());
  QVERIFY(chart.exportPdf(dir.filePath(QStringLiteral("c.pdf"))));
  QVERIFY(QFileInfo(dir.filePath(QStringLiteral("c.pdf"))).size() > 1000);
  QVERIFY(chart.exportCsv(dir.filePath(QStringLiteral("c.csv"))));
  QFile file(dir.filePath(QStringLiteral("c.csv")));
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QStringList lines = QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
  QCOMPARE(lines.size(), 4);
  QCOMPARE(lines[0], QStringLiteral("run,series,entity,curve,unit,time_s,value"));
  QCOMPARE(lines[1], QStringLiteral("\"test (seed 1, run 1)\",service.arrival_rate,chat,\"arrivals, all\",req/s,60,1.5"));
  QCOMPARE(lines[2], QStringLiteral("\"test (seed 1, run 1)\",service.arrival_rate,chat,\"arrivals, all\",req/s,120,"));
}

void DashboardViewTest::clickSelectsTime() {
  DashboardView view;
  view.setRuns({makeRun(1, 1, serviceSeries("chat"))});
  view.resize(1000, 800);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  TimeSeriesChart* chart = view.charts().front();
  chart->replot();
  QSignalSpy spy(&view, &DashboardView::timeSelected);
  const QRect area = chart->axisRect()->rect();
  const QPoint point(area.left() + area.width() / 2, area.center().y());
  QTest::mouseClick(chart, Qt::LeftButton, Qt::NoModifier, point);
  QCOMPARE(spy.count(), 1);
  const double t = spy.at(0).at(0).toDouble();
  QVERIFY2(std::abs(t - 1800.0) < 3600.0 / area.width() * 2, qPrintable(QString::number(t)));
  // Every chart shows the selected time.
  for (TimeSeriesChart* other : view.charts()) QCOMPARE(other->timeCursor(), t);
}

void DashboardViewTest::rendersRealReportsWithoutBeingShown() {
  QTemporaryDir dir;
  const QString quickstart = dir.filePath(QStringLiteral("quickstart.db"));
  const QString error = runCli(quickstart, QStringLiteral("quickstart.yaml"), {QStringLiteral("--set"), QStringLiteral("duration=10min")});
  QVERIFY2(error.isEmpty(), qPrintable(error));
  auto run = std::make_shared<const RunDataset>(load_run_dataset(quickstart.toStdString(), 1));
  DashboardView view;
  view.setRuns({run});
  QVERIFY(view.visiblePanelCount() >= 5);
  TimeSeriesChart* latency = nullptr;
  for (TimeSeriesChart* chart : view.charts())
    if (chart->title().startsWith(QStringLiteral("Latency"))) latency = chart;
  QVERIFY(latency);
  QCOMPARE(latency->curveCount(), 4);
  if (const auto slo = run->summary_value(std::string("service.") +
                                          latency->title().section(QStringLiteral(" — "), 1).toStdString() +
                                          ".slo_latency_p99_target"))
    QCOMPARE(latency->referenceLineValue(0), *slo);
  QVERIFY(view.missingPanelTitles().contains(QStringLiteral("Jobs")));
  // A serving-only run has no data layer: no Data panels, no data headline.
  QVERIFY(!view.chart(QStringLiteral("Data redundancy and repair")));
  QVERIFY(!view.chart(QStringLiteral("Data lost")));
  QVERIFY(view.missingPanelTitles().contains(QStringLiteral("Data redundancy and repair")));
  QVERIFY(!view.headline()->html().contains(QStringLiteral("MTTDL")));
  QVERIFY(!view.headline()->number(QStringLiteral("data.loss_events")));
  const QImage image = view.renderImage(1200, 300);
  QVERIFY(inkPixels(image, image.rect()) > 20000);
  // Kept for looking at (the build's own tmp dir would vanish with the test).
  image.save(QDir::temp().filePath(QStringLiteral("leptonsim-dashboard-quickstart.png")));

  // Two runs of different seeds overlaid.
  const QString second = dir.filePath(QStringLiteral("quickstart-seed7.db"));
  QVERIFY(runCli(second, QStringLiteral("quickstart.yaml"),
                 {QStringLiteral("--set"), QStringLiteral("duration=10min"), QStringLiteral("--set"), QStringLiteral("seed=7")})
              .isEmpty());
  auto other = std::make_shared<const RunDataset>(load_run_dataset(second.toStdString(), 1));
  const QString latencyTitle = latency->title();
  view.setRuns({run, other});
  QVERIFY(view.chart(latencyTitle));
  QCOMPARE(view.chart(latencyTitle)->curveCount(), 8);
  view.renderImage(1200, 300).save(QDir::temp().filePath(QStringLiteral("leptonsim-dashboard-overlay.png")));
}

void DashboardViewTest::reloadsZoomedRangeAtFullResolution() {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("long.db"));
  RunResult result;
  result.run.scenario_name = "long";
  result.run.seed = 3;
  result.run.simulated_seconds = 20000;
  result.parameters["seed"] = "3";
  TimeSeries queue = makeSeries("service.queue_length", "chat", 20000, 1.0, [](int i) { return (i % 7) * 1.0; });
  result.timeseries.push_back(queue);
  write_report(path.toStdString(), {result});
  auto run = std::make_shared<const RunDataset>(load_run_dataset(path.toStdString(), 1, 200));
  QCOMPARE(run->series.front().t.size() <= 200, true);

  DashboardView view;
  view.setRuns({run});
  TimeSeriesChart* chart = view.chart(QStringLiteral("Requests waiting and in service — chat"));
  QVERIFY(chart);
  QVERIFY(chart->curveOptions(0).source.has_value());
  const int loaded = chart->curvePointCount(0);
  QVERIFY(loaded <= 200);
  QSignalSpy spy(chart, &TimeSeriesChart::fullResolutionLoaded);
  chart->setTimeRange(QCPRange(10000, 10150));  // 151 rows in the file, about 2 loaded
  QVERIFY(spy.wait(10000));
  const auto* data = chart->curveGraph(0)->data().data();
  const int inView = static_cast<int>(data->findEnd(10150, false) - data->findBegin(10000, false));
  QVERIFY2(inView >= 150, qPrintable(QString::number(inView)));
  // Every original row of the range is there, in order, with its value.
  int exact = 0;
  for (auto it = data->findBegin(10000, false); it != data->findEnd(10150, false); ++it)
    if (it->key >= 10000 && it->key <= 10150) {
      QCOMPARE(it->value, (static_cast<int>(it->key) % 7) * 1.0);
      ++exact;
    }
  QCOMPARE(exact, 151);
  // Outside the range the downsampled curve is kept.
  QVERIFY(chart->curvePointCount(0) < loaded + 160);
  // Quick successive zooms are coalesced: only the last range is read.
  chart->setTimeRange(QCPRange(2000, 2150));
  chart->setTimeRange(QCPRange(15000, 15150));
  QVERIFY(spy.wait(10000));
  QTest::qWait(300);
  const int nearEnd = static_cast<int>(data->findEnd(15150, false) - data->findBegin(15000, false));
  const int nearStart = static_cast<int>(data->findEnd(2150, false) - data->findBegin(2000, false));
  QVERIFY(nearEnd >= 150);
  QVERIFY(nearStart < 20);
  // Only one range is detailed at a time.
  QVERIFY(static_cast<int>(data->findEnd(10150, false) - data->findBegin(10000, false)) < 20);
  // Back to the whole run: the downsampled curve again.
  chart->resetTimeRange();
  QTRY_COMPARE_WITH_TIMEOUT(chart->curvePointCount(0), loaded, 5000);
}

void DashboardViewTest::marginsAreMeasuredWithoutDrawing() {
  // Measuring axis margins used to draw every curve (seconds on big reports): layout only now.
  TimeSeriesChart chart;
  chart.setValueAxisLabel(QStringLiteral("requests/s"));
  chart.addCurve(makeSeries("service.arrival_rate", "chat", 5000, 1.0, [](int i) { return 1000.0 + i % 13; }), {});
  chart.finishSetup();
  QSignalSpy replots(&chart, &QCustomPlot::afterReplot);
  const QMargins margins = chart.automaticPlotAreaMargins();
  QCOMPARE(replots.count(), 0);
  QVERIFY2(margins.left() > 30, qPrintable(QString::number(margins.left())));  // "1000" and the axis label
  QVERIFY(margins.bottom() > 20);
  // Curves with thousands of points are drawn without antialiasing (most of the drawing time).
  QVERIFY(!chart.curveGraph(0)->antialiased());
  // Resizes do not draw synchronously either: one queued replot.
  chart.resize(800, 300);
  chart.resize(820, 310);
  QCOMPARE(replots.count(), 0);
  QTRY_VERIFY(replots.count() >= 1);
}

void DashboardViewTest::headlineShowsTheSummaryNumbers() {
  const std::map<std::string, double> summary{
      {"service.chat.latency_p99", 0.41234},        {"service.chat.slo_latency_p99_target", 0.5},
      {"service.chat.slo_met", 1.0},                {"service.chat.slo_attainment", 0.9996},
      {"service.chat.throughput", 12.345},          {"service.chat.drop_fraction", 0.0004},
      {"service.chat.ttft_p99", 0.25},              {"service.chat.tpot_p99", 0.031},
      {"service.embed.latency_p99", 2.5},           {"service.embed.slo_latency_p99_target", 1.0},
      {"service.embed.slo_met", 0.0},               {"cost.total", 1234.5},
      {"cluster.gpu_utilization_mean", 0.4321},     {"service.chat.requests_completed", 100.0}};
  auto run = makeRun(1, 42, serviceSeries("chat"), {}, summary);
  DashboardView view;
  view.setRuns({run});
  const DashboardHeadline* headline = view.headline();
  QVERIFY(!headline->html().isEmpty());
  // Every number is the summary's own value, and says so in its text.
  struct Expected {
    const char* metric;
    const char* text;
  };
  const Expected expected[] = {{"service.chat.latency_p99", "412 ms"},
                               {"service.chat.slo_latency_p99_target", "500 ms"},
                               {"service.chat.slo_met", "met"},
                               {"service.chat.slo_attainment", "99.96 %"},
                               {"service.chat.throughput", "12.3 req/s"},
                               {"service.chat.drop_fraction", "0.04 %"},
                               {"service.chat.ttft_p99", "250 ms"},
                               {"service.chat.tpot_p99", "31 ms"},
                               {"service.embed.latency_p99", "2.5 s"},
                               {"service.embed.slo_latency_p99_target", "1 s"},
                               {"service.embed.slo_met", "not met"},
                               {"cost.total", "$1,234.50"},
                               {"cluster.gpu_utilization_mean", "43.2 %"}};
  for (const Expected& e : expected) {
    const HeadlineNumber* number = headline->number(QString::fromLatin1(e.metric));
    QVERIFY2(number, e.metric);
    QCOMPARE(number->value, summary.at(e.metric));
    QCOMPARE(number->text, QString::fromUtf8(e.text));
    QVERIFY2(headline->html().contains(QString(number->text).toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;"))),
             e.metric);
  }
  QCOMPARE(headline->number(QStringLiteral("service.chat.slo_met"))->scope, QStringLiteral("chat"));
  // Metrics that are not headlines stay in the table of the Compare tab.
  QVERIFY(!headline->number(QStringLiteral("service.chat.requests_completed")));
  QVERIFY(headline->toolTip().contains(QStringLiteral("service.chat.latency_p99 = 0.41234 s")));
  // Drawn into dashboard images too.
  QVERIFY(inkPixels(view.renderImage(1200, 300), QRect(0, 0, 1200, 60)) > 200);

  DashboardView empty;
  empty.setRuns({makeRun(1, 42, serviceSeries("chat"))});
  QVERIFY(empty.headline()->numbers().isEmpty());
  QVERIFY(empty.headline()->isHidden());
}

void DashboardViewTest::headlineJudgesTheSloWithoutVerdict() {
  auto run = makeRun(1, 1, serviceSeries("chat"), {},
                     {{"service.chat.latency_p99", 0.7}, {"service.chat.slo_latency_p99_target", 0.5}});
  DashboardHeadline headline;
  headline.setRuns({run}, {QStringLiteral("run")}, {Qt::blue});
  QCOMPARE(headline.numbers().size(), 3);
  QCOMPARE(headline.numbers().at(2).text, QStringLiteral("not met"));
  QCOMPARE(DashboardHeadline::formatPercent(1.0), QStringLiteral("100.0 %"));
  QCOMPARE(DashboardHeadline::formatPercent(0.0), QStringLiteral("0.0 %"));
  QCOMPARE(DashboardHeadline::formatValue(0.0123, QStringLiteral("s")), QStringLiteral("12.3 ms"));
  QCOMPARE(DashboardHeadline::formatValue(kNaN, QStringLiteral("s")), QStringLiteral("–"));
}

void DashboardViewTest::missingPanelsLineIsQuietAndKnowsSummaryOnlyTokenLatency() {
  const QString llm = DashboardPanels::llmPanelTitle();
  DashboardView view;
  view.setRuns({makeRun(1, 42, serviceSeries("chat"))});
  QVERIFY(view.missingPanelTitles().contains(llm));
  const int count = static_cast<int>(view.missingPanelTitles().size());
  QCOMPARE(view.missingPanelsText(), QStringLiteral("%1 more panels appear when a run has their data").arg(count));
  QVERIFY(!view.missingPanelsText().contains(QStringLiteral("Jobs")));
  QVERIFY(view.missingPanelsToolTip().contains(QStringLiteral("Jobs")));
  QVERIFY(view.missingPanelsToolTip().contains(llm));

  // An LLM run with TTFT/TPOT in its summary but no such series: the panel is not "missing".
  view.setRuns({makeRun(1, 42, serviceSeries("chat"), {},
                        {{"service.chat.ttft_p99", 0.2}, {"service.chat.tpot_p99", 0.03}})});
  QVERIFY(!view.missingPanelTitles().contains(llm));
  QCOMPARE(view.missingPanelTitles().size(), count - 1);
  QVERIFY(!view.missingPanelsToolTip().contains(llm));
  QVERIFY(view.missingPanelsToolTip().contains(QStringLiteral("summary-only")));
  QVERIFY(!view.chart(llm + QStringLiteral(" — chat")));
}

void DashboardViewTest::gpuPanelCountsBusyGpusOnTheLeftAxis() {
  std::vector<TimeSeries> series = serviceSeries("chat");
  series.push_back(makeSeries("cluster.gpus_allocated", "", 60, 60, [](int) { return 80.0; }));
  series.push_back(makeSeries("cluster.gpu_utilization", "", 60, 60, [](int) { return 0.25; }));
  series.push_back(makeSeries("service.utilization", "chat", 60, 60, [](int i) { return i < 30 ? 0.2 : 0.3; }));
  DashboardView view;
  view.setRuns({makeRun(1, 42, series, {}, {{"cluster.gpus_total", 128.0}})});
  TimeSeriesChart* chart = view.chart(QStringLiteral("GPU allocation and utilisation"));
  QVERIFY(chart);
  int busy = -1;
  int replicas = -1;
  for (int i = 0; i < chart->curveCount(); ++i) {
    if (chart->curveOptions(i).series == QLatin1String("cluster.gpu_utilization")) busy = i;
    if (chart->curveOptions(i).series == QLatin1String("service.utilization")) replicas = i;
  }
  QVERIFY(busy >= 0 && replicas >= 0);
  // Busy GPUs: a count on the GPU axis (0.25 x 128 GPUs = 32), next to the GPUs held.
  QCOMPARE(chart->curveGraph(busy)->valueAxis(), chart->yAxis);
  QCOMPARE(chart->curveOptions(busy).unit, QStringLiteral("GPUs"));
  QCOMPARE(chart->curveGraph(busy)->data()->constBegin()->value, 32.0);
  // The right axis is only the replicas' busy %, pinned to 0-100 % whatever the data or the zoom.
  QCOMPARE(chart->curveGraph(replicas)->valueAxis(), chart->yAxis2);
  QCOMPARE(chart->yAxis2->range().lower, 0.0);
  QVERIFY(chart->yAxis2->range().upper >= 100.0 && chart->yAxis2->range().upper <= 105.0);
  chart->setTimeRange(QCPRange(100, 200));
  QCOMPARE(chart->yAxis2->range().lower, 0.0);
  QVERIFY(chart->yAxis2->range().upper >= 100.0);
  QVERIFY(chart->yAxis->range().upper >= 128.0);  // the "GPUs in the cluster" line stays in view

  // Without cluster.gpus_total the fraction can only be a percentage (right axis).
  view.setRuns({makeRun(1, 42, series)});
  chart = view.chart(QStringLiteral("GPU allocation and utilisation"));
  for (int i = 0; i < chart->curveCount(); ++i)
    if (chart->curveOptions(i).series == QLatin1String("cluster.gpu_utilization")) {
      QCOMPARE(chart->curveGraph(i)->valueAxis(), chart->yAxis2);
      QCOMPARE(chart->curveGraph(i)->data()->constBegin()->value, 25.0);
    }
}


void DashboardViewTest::jobsReportShowsJobPanelsAndHeadline() {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("mixed.db"));
  const QString error = runCli(path, QStringLiteral("mixed-serving-training.yaml"), {QStringLiteral("--set"), QStringLiteral("duration=3h")});
  QVERIFY2(error.isEmpty(), qPrintable(error));
  auto run = std::make_shared<const RunDataset>(load_run_dataset(path.toStdString(), 1));
  DashboardView view;
  view.setRuns({run});
  QVERIFY(!view.missingPanelTitles().contains(QStringLiteral("Jobs")));
  TimeSeriesChart* jobs = view.chart(QStringLiteral("Jobs"));
  QVERIFY(jobs);
  QCOMPARE(jobs->curveCount(), 3);
  TimeSeriesChart* gpus = view.chart(QStringLiteral("Jobs' GPUs: held, computing, fragmented"));
  QVERIFY(gpus);
  QCOMPARE(gpus->curveCount(), 3);
  // The headline's job numbers are the summary's.
  const QString html = view.headline()->html();
  QVERIFY2(html.contains(QStringLiteral("mean&nbsp;JCT")), qPrintable(html));
  QVERIFY(html.contains(QStringLiteral("lost&nbsp;work")));
  const QImage image = view.renderImage(1200, 300);
  QVERIFY(inkPixels(image, image.rect()) > 20000);
  image.save(QDir::temp().filePath(QStringLiteral("leptonsim-dashboard-jobs.png")));
}

namespace {

/// The data layer's series: a disk fails at 10 min (100 chunks, 100 pieces), a rebuild at 2 GB/s
/// until 30 min; `lostBytes` are lost at 20 min.
std::vector<TimeSeries> dataSeries(double lostBytes) {
  std::vector<TimeSeries> all;
  auto during = [](int i) { return i >= 10 && i < 30; };
  all.push_back(makeSeries("data.under_replicated_chunks", "", 60, 60, [during](int i) { return during(i) ? 100.0 - 4 * (i - 10) : 0.0; }));
  all.push_back(makeSeries("data.repair_queue", "", 60, 60, [during](int i) { return during(i) ? 100.0 - 5 * (i - 10) : 0.0; }));
  all.push_back(makeSeries("data.repair_throughput", "", 60, 60, [during](int i) { return during(i) ? 2e9 : 0.0; }));
  all.push_back(makeSeries("data.bytes_lost", "", 60, 60, [lostBytes](int i) { return i >= 20 ? lostBytes : 0.0; }));
  return all;
}

std::vector<Event> dataEvents(bool withLoss) {
  std::vector<Event> events = {
      makeEvent(600, "failure", "dc/sr0/s1/disk3", R"({"failure":1,"cause":"disk"})"),
      makeEvent(600, "rebuild_started", "dc/sr0/s1/disk3", R"({"failure":1,"pieces":100})"),
      makeEvent(1800, "redundancy_restored", "dc/sr0/s1/disk3", R"({"failure":1,"seconds":1200,"pieces":100})"),
  };
  if (withLoss) events.push_back(makeEvent(1200, "data_loss", "dc/sr1/s0/disk1", R"({"chunks":2,"bytes":2e9})"));
  return events;
}

}  // namespace

void DashboardViewTest::dataPanelShowsRedundancyRepairAndLoss() {
  const QString title = QStringLiteral("Data redundancy and repair");
  DashboardView view;
  view.setRuns({makeRun(1, 42, dataSeries(0.0), dataEvents(false))});
  TimeSeriesChart* chart = view.chart(title);
  QVERIFY(chart);
  QCOMPARE(chart->curveCount(), 3);
  QMap<QString, int> index;
  for (int i = 0; i < chart->curveCount(); ++i) index[chart->curveOptions(i).series] = i;
  // Chunks and pieces are counts (steps) on the left axis; the throughput GB/s on the right.
  for (const char* counts : {"data.under_replicated_chunks", "data.repair_queue"}) {
    const int i = index.value(QString::fromLatin1(counts), -1);
    QVERIFY2(i >= 0, counts);
    QCOMPARE(chart->curveGraph(i)->valueAxis(), chart->yAxis);
    QCOMPARE(chart->curveGraph(i)->lineStyle(), QCPGraph::lsStepLeft);
  }
  const int throughput = index.value(QStringLiteral("data.repair_throughput"), -1);
  QVERIFY(throughput >= 0);
  QCOMPARE(chart->curveGraph(throughput)->valueAxis(), chart->yAxis2);
  QCOMPARE(chart->curveOptions(throughput).unit, QStringLiteral("GB/s"));
  QCOMPARE(chart->curveGraph(throughput)->data()->at(15)->value, 2.0);
  QCOMPARE(chart->secondValueAxisLabel(), QStringLiteral("repair throughput (GB/s)"));
  QCOMPARE(chart->curveGraph(index.value(QStringLiteral("data.under_replicated_chunks")))->data()->at(9)->value, 100.0);
  // Rebuilds and restored redundancy are markers; failures stay on the failures panel.
  QCOMPARE(chart->eventMarkerCount(QStringLiteral("rebuild_started")), 1);
  QCOMPARE(chart->eventMarkerCount(QStringLiteral("redundancy_restored")), 1);
  QCOMPARE(chart->eventMarkerCount(QStringLiteral("failure")), 0);
  QVERIFY(chart->tooltipTextAt(1800).contains(QStringLiteral("redundancy restored")));
  // Nothing lost: bytes lost stays 0, and a panel of zeros is neither drawn nor "missing".
  QVERIFY(!view.chart(QStringLiteral("Data lost")));
  QVERIFY(!view.missingPanelTitles().contains(QStringLiteral("Data lost")));
  QVERIFY(!view.missingPanelTitles().contains(title));

  // A loss: the "Data lost" panel in GB, and loss markers in a strong colour on both panels.
  view.setRuns({makeRun(1, 42, dataSeries(2.5e9), dataEvents(true))});
  TimeSeriesChart* lost = view.chart(QStringLiteral("Data lost"));
  QVERIFY(lost);
  QCOMPARE(lost->curveCount(), 1);
  QCOMPARE(lost->curveOptions(0).unit, QStringLiteral("GB"));
  QCOMPARE(lost->curveGraph(0)->data()->at(lost->curveGraph(0)->data()->size() - 1)->value, 2.5);
  QCOMPARE(lost->eventMarkerCount(QStringLiteral("data_loss")), 1);
  QCOMPARE(view.chart(title)->eventMarkerCount(QStringLiteral("data_loss")), 1);
  const QColor loss = TimeSeriesChart::eventKindColor(QStringLiteral("data_loss"));
  for (const char* other : {"failure", "repair", "rebuild_started", "redundancy_restored", "job_failed"})
    QVERIFY2(loss != TimeSeriesChart::eventKindColor(QString::fromLatin1(other)), other);
  QVERIFY(loss.saturation() > 200 && loss.value() > 150);  // strong, not grey or black
  QVERIFY(TimeSeriesChart::eventKindColor(QStringLiteral("rebuild_started")) !=
          TimeSeriesChart::eventKindColor(QStringLiteral("redundancy_restored")));
  // Drawn: the loss marker's colour is in the image.
  const QImage image = view.renderImage(1200, 300);
  QVERIFY(pixelsOfColor(image, image.rect(), loss) > 100);
}

void DashboardViewTest::dataPanelLeavesOutAbsentCurves() {
  // Only the under-replicated chunks (e.g. an older report): one curve, no right axis.
  std::vector<TimeSeries> series = serviceSeries("chat");
  series.push_back(makeSeries("data.under_replicated_chunks", "", 60, 60, [](int i) { return i % 7; }));
  DashboardView view;
  view.setRuns({makeRun(1, 1, series)});
  TimeSeriesChart* chart = view.chart(QStringLiteral("Data redundancy and repair"));
  QVERIFY(chart);
  QCOMPARE(chart->curveCount(), 1);
  QCOMPARE(chart->secondValueAxisLabel(), QString());
  QVERIFY(!view.chart(QStringLiteral("Data lost")));
  // Series of the data layer that no panel lists yet are offered as other series.
  series.push_back(makeSeries("cache.hit_ratio", "dc/r0/n0", 60, 60, [](int) { return 0.9; }));
  view.setRuns({makeRun(1, 1, series)});
  QVERIFY(view.otherSeries().contains(QStringLiteral("cache.hit_ratio")));
  // Every curve of the Data panels is a series of the report schema's data layer.
  for (const PanelDefinition& panel : DashboardPanels::standardPanels())
    if (panel.id.startsWith(QStringLiteral("data")))
      for (const PanelCurve& curve : panel.curves) QVERIFY(curve.series.startsWith(QStringLiteral("data.")));
}

void DashboardViewTest::dataHeadlineShowsLossMttdlAndStorageCost() {
  std::map<std::string, double> summary{{"data.chunks", 1000.0},
                                        {"data.loss_events", 2.0},
                                        {"data.bytes_lost", 3.2e9},
                                        {"data.time_to_full_redundancy_mean", 5400.0},
                                        {"data.mttdl", 360.0},
                                        {"data.mttdl_ci_low", 90.0},
                                        {"data.mttdl_ci_high", 2000.0},
                                        {"cost.storage", 812.345},
                                        {"cost.total", 1000.0}};
  auto run = makeRun(1, 42, dataSeries(3.2e9), {}, summary);
  run->overview.units["data.bytes_lost"] = "B";
  run->overview.units["data.mttdl"] = "h";
  run->overview.units["cost.storage"] = "USD";
  DashboardView view;
  view.setRuns({run});
  const DashboardHeadline* headline = view.headline();
  struct Expected {
    const char* metric;
    const char* text;
  };
  const Expected expected[] = {{"data.loss_events", "2"},
                               {"data.bytes_lost", "3.2 GB"},
                               {"data.time_to_full_redundancy_mean", "90 min"},
                               {"data.mttdl", "15 days"},
                               {"data.mttdl_ci_low", "3.75 days"},
                               {"data.mttdl_ci_high", "83.3 days"},
                               {"cost.storage", "$812.35"}};
  for (const Expected& e : expected) {
    const HeadlineNumber* number = headline->number(QString::fromLatin1(e.metric));
    QVERIFY2(number, e.metric);
    QCOMPARE(number->value, summary.at(e.metric));
    QCOMPARE(number->text, QString::fromUtf8(e.text));
    QCOMPARE(number->scope, QStringLiteral("data"));
  }
  const QString html = headline->html();
  QVERIFY2(html.contains(QStringLiteral("MTTDL&nbsp;<b>15&nbsp;days</b>")), qPrintable(html));
  QVERIFY(html.contains(QStringLiteral("95&nbsp;%&nbsp;CI&nbsp;3.75&nbsp;days&nbsp;–&nbsp;83.3&nbsp;days")));
  QVERIFY(html.contains(QStringLiteral("#c62828")));  // losses in red
  QVERIFY(headline->toolTip().contains(QStringLiteral("data.mttdl = 360 h")));

  // No loss: the MTTDL is NULL and only its lower bound is known; nothing in red.
  summary["data.loss_events"] = 0.0;
  summary["data.bytes_lost"] = 0.0;
  summary["data.mttdl"] = kNaN;
  summary["data.mttdl_ci_high"] = kNaN;
  summary["data.mttdl_ci_low"] = 26298.0;
  view.setRuns({makeRun(1, 42, dataSeries(0.0), {}, summary)});
  QCOMPARE(view.headline()->number(QStringLiteral("data.mttdl"))->text, QStringLiteral("> 3 years"));
  QCOMPARE(view.headline()->number(QStringLiteral("data.bytes_lost"))->text, QStringLiteral("0 B"));
  QVERIFY(view.headline()->html().contains(QStringLiteral("no&nbsp;loss&nbsp;seen")));
  QVERIFY(!view.headline()->html().contains(QStringLiteral("#c62828")));

  QCOMPARE(DashboardHeadline::formatValue(1.5e12, QStringLiteral("B")), QStringLiteral("1.5 TB"));
  QCOMPARE(DashboardHeadline::formatValue(999.0, QStringLiteral("B")), QStringLiteral("999 B"));
  QCOMPARE(DashboardHeadline::formatValue(4e9, QStringLiteral("B/s")), QStringLiteral("4 GB/s"));
  QCOMPARE(DashboardHeadline::formatValue(12.0, QStringLiteral("h")), QStringLiteral("12 h"));
  QCOMPARE(DashboardHeadline::formatValue(24.0 * 365.25 * 40, QStringLiteral("h")), QStringLiteral("40 years"));
  QCOMPARE(DashboardHeadline::formatValue(45.0, QStringLiteral("duration")), QStringLiteral("45 s"));
  QCOMPARE(DashboardHeadline::formatValue(3.0 * 86400, QStringLiteral("duration")), QStringLiteral("3 days"));
  QCOMPARE(DashboardHeadline::formatValue(10.0 * 3600, QStringLiteral("duration")), QStringLiteral("10 h"));
}

void DashboardViewTest::storageReportShowsDataPanelAndHeadline() {
  // The storage example: 30 days of disk and node failures, rebuilt rack-aware with 3 replicas.
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("storage.db"));
  const QString error = runCli(path, QStringLiteral("storage-replication-repair.yaml"), {});
  QVERIFY2(error.isEmpty(), qPrintable(error));
  auto run = std::make_shared<const RunDataset>(load_run_dataset(path.toStdString(), 1));
  DashboardView view;
  view.setRuns({run});
  TimeSeriesChart* chart = view.chart(QStringLiteral("Data redundancy and repair"));
  QVERIFY(chart);
  QStringList series;
  for (int i = 0; i < chart->curveCount(); ++i) series << chart->curveOptions(i).series;
  QCOMPARE(series, (QStringList{QStringLiteral("data.repair_throughput"), QStringLiteral("data.under_replicated_chunks"),
                                QStringLiteral("data.repair_queue")}));
  // A month of failures: rebuilds start and finish, and chunks were under-replicated at some point.
  QVERIFY(chart->eventMarkerCount(QStringLiteral("rebuild_started")) > 0);
  QVERIFY(chart->eventMarkerCount(QStringLiteral("redundancy_restored")) > 0);
  bool degraded = false;
  for (const auto& point : *chart->curveGraph(1)->data()) degraded = degraded || point.value > 0;
  QVERIFY(degraded);
  // The repair throughput in GB/s, about the scenario's 4 GB/s budget at most (a piece's bytes
  // count in the interval it completes in, so a sample may exceed the budget by a little).
  double fastest = 0.0;
  for (const auto& point : *chart->curveGraph(0)->data()) fastest = std::max(fastest, point.value);
  QVERIFY2(fastest > 0.1 && fastest <= 4.0 * 1.01, qPrintable(QString::number(fastest)));
  // Losses (if any) have their panel; no jobs in this run.
  const double lost = run->summary_value("data.bytes_lost").value_or(0.0);
  QCOMPARE(view.chart(QStringLiteral("Data lost")) != nullptr, lost > 0.0);
  QVERIFY(!view.chart(QStringLiteral("Jobs")));
  QVERIFY(view.chart(QStringLiteral("Failures, repairs and scaling events")));
  // The headline's data numbers are the summary's.
  const DashboardHeadline* headline = view.headline();
  for (const char* metric : {"data.loss_events", "data.bytes_lost", "cost.storage", "data.mttdl_ci_low"}) {
    const HeadlineNumber* number = headline->number(QString::fromLatin1(metric));
    QVERIFY2(number, metric);
    const double value = run->summary_value(metric).value();
    QVERIFY2(number->value == value || (std::isnan(number->value) && std::isnan(value)), metric);
  }
  QVERIFY2(headline->html().contains(QStringLiteral("MTTDL")), qPrintable(headline->html()));
  const QImage image = view.renderImage(1400, 300);
  QVERIFY(inkPixels(image, image.rect()) > 20000);
  image.save(QDir::temp().filePath(QStringLiteral("leptonsim-dashboard-storage.png")));
}

QTEST_MAIN(DashboardViewTest)
#include "test_DashboardView.moc"
