// SweepView: heatmap cell values, CI bands, the Pareto front and clicks that
// open runs, on a synthetic sweep whose statistics are computed by hand.
//
// The sweep: services.chat.replicas in {2, 4, 8} x services.chat.autoscaler.policy
// in {a, b}, seeds 1..3. Per point, cost.total = base + {-1, 0, +1} and
// latency_p99 = base + {-0.1, 0, +0.1}, so the means are the bases and the
// sample standard deviations are 1 and 0.1; the 95 % Student-t half width is
// t(0.975, 2) * s / sqrt(3) with t(0.975, 2) = 4.302652729911275 (tables).
#include <QApplication>
#include <QMenu>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableView>
#include <QToolTip>
#include <QTemporaryDir>
#include <QtTest>

#include <qcustomplot.h>

#include <cmath>
#include <map>
#include <tuple>

#include "ReportDataset.hpp"
#include "SqliteReport.hpp"
#include "SweepTable.hpp"
#include "sweep/SweepView.hpp"

using leptonsim::gui::SweepView;

namespace {

const QString kReplicas = QStringLiteral("services.chat.replicas");
const QString kPolicy = QStringLiteral("services.chat.autoscaler.policy");
const QString kCost = QStringLiteral("cost.total");
const QString kLatency = QStringLiteral("service.chat.latency_p99");
constexpr double kT975With2Dof = 4.302652729911275;

double baseCost(int replicas, const std::string& policy) { return replicas * 10.0 + (policy == "b" ? 5.0 : 0.0); }
double baseLatency(int replicas, const std::string& policy) {
  static const std::map<std::pair<int, std::string>, double> latency{
      {{2, "a"}, 5.0}, {{4, "a"}, 2.5}, {{8, "a"}, 1.25}, {{2, "b"}, 4.0}, {{4, "b"}, 2.8}, {{8, "b"}, 1.0}};
  return latency.at({replicas, policy});
}

struct SweepSpec {
  std::vector<int> replicas{2, 4, 8};
  std::vector<std::string> policies{"a", "b"};
  std::vector<std::uint64_t> seeds{1, 2, 3};
  bool policyIsAxis = true;
  // (replicas, policy) pairs left out of the report.
  std::vector<std::pair<int, std::string>> missing;
};

// Writes the report and returns run ids by (replicas, policy, seed).
std::map<std::tuple<int, std::string, std::uint64_t>, std::int64_t> writeSweep(const std::string& path,
                                                                               const SweepSpec& spec) {
  std::vector<leptonsim::RunResult> runs;
  std::map<std::tuple<int, std::string, std::uint64_t>, std::int64_t> ids;
  for (const auto& policy : spec.policies)
    for (int replicas : spec.replicas) {
      if (std::find(spec.missing.begin(), spec.missing.end(), std::make_pair(replicas, policy)) != spec.missing.end())
        continue;
      for (std::size_t s = 0; s < spec.seeds.size(); ++s) {
        leptonsim::RunResult run;
        run.run.scenario_name = "sweep-test";
        run.run.scenario_hash = "h";
        run.run.scenario_text = "name: sweep-test\n";
        run.run.seed = spec.seeds[s];
        run.run.version = "test";
        run.run.simulated_seconds = 3600;
        run.parameters["seed"] = std::to_string(spec.seeds[s]);
        run.parameters[kReplicas.toStdString()] = std::to_string(replicas);
        if (spec.policyIsAxis) run.parameters[kPolicy.toStdString()] = policy;
        const double offset = static_cast<double>(s) - 1.0;  // -1, 0, +1
        run.summary.push_back({kCost.toStdString(), baseCost(replicas, policy) + offset, "USD"});
        run.summary.push_back({kLatency.toStdString(), baseLatency(replicas, policy) + 0.1 * offset, "s"});
        run.summary.push_back({"service.chat.throughput", 10.0 * replicas, "req/s"});
        runs.push_back(std::move(run));
        ids[{replicas, policy, spec.seeds[s]}] = static_cast<std::int64_t>(runs.size());
      }
    }
  leptonsim::write_report(path, runs, leptonsim::ReportInfo{"leptonsim sweep", {}});
  return ids;
}

std::size_t pointIndex(const leptonsim::SweepTable& table, int replicas, const std::string& policy) {
  for (std::size_t i = 0; i < table.points.size(); ++i) {
    const auto& axes = table.points[i].axes;
    auto r = axes.find(kReplicas.toStdString());
    auto p = axes.find(kPolicy.toStdString());
    if (r != axes.end() && r->second == std::to_string(replicas) && (p == axes.end() || p->second == policy)) return i;
  }
  return table.points.size();
}

// Pixels in the axis rect that differ from the plot background.
int drawnPixels(QCustomPlot* plot) {
  plot->replot();
  const QImage image = plot->toPixmap(plot->width(), plot->height()).toImage();
  const QRect rect = plot->axisRect()->rect().adjusted(2, 2, -2, -2);
  int count = 0;
  for (int y = rect.top(); y <= rect.bottom(); ++y)
    for (int x = rect.left(); x <= rect.right(); ++x)
      if (image.pixelColor(x, y) != QColor(Qt::white)) ++count;
  return count;
}

const QCPGraph* graphNamed(QCustomPlot* plot, const QString& name) {
  for (int i = 0; i < plot->graphCount(); ++i)
    if (plot->graph(i)->name() == name) return plot->graph(i);
  return nullptr;
}

// Lays out pending changes (combo sizes, hidden notes) before taking a screenshot.
void saveShot(QWidget* widget, const QString& path) {
  QCoreApplication::processEvents();
  widget->grab().save(path);
}

}  // namespace

class TestSweepView : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string fullPath_;
  std::map<std::tuple<int, std::string, std::uint64_t>, std::int64_t> ids_;

  std::unique_ptr<SweepView> openView(const std::string& path) {
    auto view = std::make_unique<SweepView>();
    view->resize(1100, 800);
    view->show();
    QSignalSpy ready(view.get(), &SweepView::tableReady);
    view->setReport(std::make_shared<const leptonsim::ReportOverview>(leptonsim::read_report_overview(path)));
    if (ready.isEmpty()) ready.wait(10000);
    return view;
  }

  // Clicks a pixel of a plot; if a run menu opens, picks the run with `runId`.
  void clickAndPick(SweepView& view, QCustomPlot* plot, QPoint pixel, std::int64_t runId) {
    QSignalSpy requested(&view, &SweepView::runRequested);
    QTest::mouseClick(plot, Qt::LeftButton, {}, pixel);
    if (requested.isEmpty()) {
      QMenu* menu = nullptr;
      QTRY_VERIFY((menu = view.findChild<QMenu*>(QStringLiteral("sweepRunMenu"))) != nullptr);
      QAction* chosen = nullptr;
      for (QAction* action : menu->actions())
        if (action->data().isValid() && action->data().toLongLong() == runId) chosen = action;
      QVERIFY2(chosen, "the menu offers the run");
      chosen->trigger();
      menu->close();
    }
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.at(0).at(0).toString(), QString::fromStdString(fullPath_));
    QCOMPARE(requested.at(0).at(1).toLongLong(), runId);
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    fullPath_ = dir_.filePath(QStringLiteral("sweep.db")).toStdString();
    ids_ = writeSweep(fullPath_, SweepSpec{});
  }

  void heatmapCellsAreTheMeans() {
    auto view = openView(fullPath_);
    QVERIFY(view->table());
    QCOMPARE(view->table()->points.size(), std::size_t(6));
    view->setMode(SweepView::Mode::heatmap);
    view->setHeatmapSelection(kCost, kReplicas, kPolicy);
    QCOMPARE(view->message(SweepView::Mode::heatmap), QString());
    const auto& grid = view->heatmapGrid();
    QCOMPARE(grid.x_values, (std::vector<std::string>{"2", "4", "8"}));
    QCOMPARE(grid.y_values, (std::vector<std::string>{"a", "b"}));
    auto* map = qobject_cast<QCPColorMap*>(view->heatmapPlot()->plottable(0));
    QVERIFY(map);
    QCOMPARE(map->data()->keySize(), 3);
    QCOMPARE(map->data()->valueSize(), 2);
    const std::vector<int> replicas{2, 4, 8};
    const std::vector<std::string> policies{"a", "b"};
    for (int iy = 0; iy < 2; ++iy)
      for (int ix = 0; ix < 3; ++ix) {
        const double expected = baseCost(replicas[ix], policies[iy]);
        QVERIFY(std::abs(grid.cells[iy * 3 + ix] - expected) < 1e-9);
        QVERIFY(std::abs(map->data()->cell(ix, iy) - expected) < 1e-9);
      }
    // Small grid: every cell carries its value as text.
    QCOMPARE(view->heatmapPlot()->itemCount(), 6);
    QStringList labels;
    for (int i = 0; i < view->heatmapPlot()->itemCount(); ++i)
      labels << qobject_cast<QCPItemText*>(view->heatmapPlot()->item(i))->text();
    QVERIFY(labels.contains(QStringLiteral("45")));
    QVERIFY(labels.contains(QStringLiteral("80")));
    QVERIFY(drawnPixels(view->heatmapPlot()) > 1000);
    saveShot(view.get(), QDir::temp().filePath(QStringLiteral("leptonsim-sweep-heatmap.png")));
  }

  void heatmapEmptyCellIsBlankAndAveragingWorks() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("holes.db")).toStdString();
    SweepSpec spec;
    spec.missing = {{8, "b"}};
    writeSweep(path, spec);
    auto view = openView(path);
    view->setHeatmapSelection(kLatency, kReplicas, kPolicy);
    const auto& grid = view->heatmapGrid();
    QVERIFY(std::isnan(grid.cells[1 * 3 + 2]));
    QVERIFY(grid.cell_points[1 * 3 + 2].empty());
    QCustomPlot* plot = view->heatmapPlot();
    plot->replot();
    const QImage image = plot->toPixmap(plot->width(), plot->height()).toImage();
    // Sample beside the centre (the centre holds the "no runs" label).
    const int emptyX = qRound(plot->xAxis->coordToPixel(2.0 + 0.35));
    const int emptyY = qRound(plot->yAxis->coordToPixel(1.0 + 0.35));
    QCOMPARE(image.pixelColor(emptyX, emptyY), QColor(238, 238, 238));
    const int fullX = qRound(plot->xAxis->coordToPixel(0.0 + 0.35));
    QVERIFY(image.pixelColor(fullX, emptyY) != QColor(238, 238, 238));
    saveShot(view.get(), QDir::temp().filePath(QStringLiteral("leptonsim-sweep-heatmap-hole.png")));
  }

  void heatmapWithThreeAxesFixesOrAverages() {
    // A third axis (throughput setting) with two values: averaged by default, fixable.
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("three.db")).toStdString();
    std::vector<leptonsim::RunResult> runs;
    for (int replicas : {2, 4})
      for (const std::string policy : {"a", "b"})
        for (int batch : {1, 3}) {
          leptonsim::RunResult run;
          run.run.scenario_name = "three";
          run.run.seed = 1;
          run.parameters = {{"seed", "1"},
                            {kReplicas.toStdString(), std::to_string(replicas)},
                            {kPolicy.toStdString(), policy},
                            {"services.chat.max_batch", std::to_string(batch)}};
          run.summary.push_back({kCost.toStdString(), replicas * 10.0 + batch, "USD"});
          runs.push_back(run);
        }
    leptonsim::write_report(path, runs);
    auto view = openView(path);
    view->setHeatmapSelection(kCost, kReplicas, kPolicy);
    QVERIFY(std::abs(view->heatmapGrid().cells[0] - 22.0) < 1e-9);  // (21 + 23) / 2
    view->setHeatmapFixedValue(QStringLiteral("services.chat.max_batch"), QStringLiteral("3"));
    QVERIFY(std::abs(view->heatmapGrid().cells[0] - 23.0) < 1e-9);
  }

  void bandBoundsAreStudentTIntervals() {
    auto view = openView(fullPath_);
    view->setMode(SweepView::Mode::band);
    view->setBandSelection(kLatency, kReplicas, kPolicy);
    QCOMPARE(view->message(SweepView::Mode::band), QString());
    QCustomPlot* plot = view->bandPlot();
    const double halfWidth = kT975With2Dof * 0.1 / std::sqrt(3.0);
    for (const std::string policy : {"a", "b"}) {
      const QString name = kPolicy + QStringLiteral(" = ") + QString::fromStdString(policy);
      const QCPGraph* mean = graphNamed(plot, name);
      const QCPGraph* upper = graphNamed(plot, name + QStringLiteral(" (CI upper)"));
      const QCPGraph* lower = graphNamed(plot, name + QStringLiteral(" (CI lower)"));
      QVERIFY(mean && upper && lower);
      QCOMPARE(upper->channelFillGraph(), lower);
      QCOMPARE(mean->dataCount(), 3);
      const std::vector<int> replicas{2, 4, 8};
      for (int i = 0; i < 3; ++i) {
        // Numeric axis: keys are the parameter values themselves.
        QCOMPARE(mean->data()->at(i)->key, double(replicas[i]));
        const double expected = baseLatency(replicas[i], policy);
        QVERIFY(std::abs(mean->data()->at(i)->value - expected) < 1e-9);
        QVERIFY(std::abs(upper->data()->at(i)->value - (expected + halfWidth)) < 1e-9);
        QVERIFY(std::abs(lower->data()->at(i)->value - (expected - halfWidth)) < 1e-9);
      }
    }
    QVERIFY(plot->legend->visible());
    QVERIFY(drawnPixels(plot) > 500);
    saveShot(view.get(), QDir::temp().filePath(QStringLiteral("leptonsim-sweep-band.png")));

    // Click the mean marker of (replicas 4, policy b) and pick seed 2.
    plot->replot();
    const auto& table = *view->table();
    const std::size_t b4 = pointIndex(table, 4, "b");
    const QPoint pixel(qRound(plot->xAxis->coordToPixel(4.0)), qRound(plot->yAxis->coordToPixel(2.8)));
    QCOMPARE(view->pixelOfPoint(SweepView::Mode::band, b4), pixel);
    clickAndPick(*view, plot, pixel, ids_.at({4, "b", 2}));
  }

  void bandOverCategoricalAxisUsesTextTicks() {
    auto view = openView(fullPath_);
    view->setBandSelection(kCost, kPolicy, QString());
    QCustomPlot* plot = view->bandPlot();
    const QCPGraph* mean = graphNamed(plot, QStringLiteral("cost.total (USD)"));
    QVERIFY(mean);
    auto ticker = plot->xAxis->ticker().dynamicCast<QCPAxisTickerText>();
    QVERIFY(ticker);
    QCOMPARE(ticker->ticks().value(0.0), QStringLiteral("a"));
    QCOMPARE(ticker->ticks().value(1.0), QStringLiteral("b"));
    // The other axis (replicas) is fixed, by default to its first value 2.
    QCOMPARE(mean->dataCount(), 2);
    QVERIFY(std::abs(mean->data()->at(0)->value - 20.0) < 1e-9);
    QVERIFY(std::abs(mean->data()->at(1)->value - 25.0) < 1e-9);
    view->setBandFixedValue(kReplicas, QStringLiteral("8"));
    mean = graphNamed(plot, QStringLiteral("cost.total (USD)"));
    QVERIFY(std::abs(mean->data()->at(1)->value - 85.0) < 1e-9);
    const double halfWidth = kT975With2Dof * 1.0 / std::sqrt(3.0);
    const QCPGraph* upper = graphNamed(plot, QStringLiteral("cost.total (USD) (CI upper)"));
    QVERIFY(std::abs(upper->data()->at(1)->value - (85.0 + halfWidth)) < 1e-9);
  }

  void paretoFrontIsTheHandComputedOne() {
    auto view = openView(fullPath_);
    view->setMode(SweepView::Mode::pareto);
    // Defaults: cost.total against the first *.latency_p99.
    QCOMPARE(view->findChild<QComboBox*>(QStringLiteral("paretoXMetric"))->currentData().toString(), kCost);
    QCOMPARE(view->findChild<QComboBox*>(QStringLiteral("paretoYMetric"))->currentData().toString(), kLatency);
    QCOMPARE(view->message(SweepView::Mode::pareto), QString());
    const auto& table = *view->table();
    // (cost, p99): a2 (20, 5), b2 (25, 4), a4 (40, 2.5), b4 (45, 2.8), a8 (80, 1.25), b8 (85, 1).
    // Only b4 is dominated (by a4). The front by ascending cost:
    const std::vector<std::size_t> expected{pointIndex(table, 2, "a"), pointIndex(table, 2, "b"),
                                            pointIndex(table, 4, "a"), pointIndex(table, 8, "a"),
                                            pointIndex(table, 8, "b")};
    QCOMPARE(view->paretoFront(), expected);
    QCustomPlot* plot = view->paretoPlot();
    const QCPGraph* front = nullptr;
    for (int i = 0; i < plot->graphCount(); ++i)
      if (plot->graph(i)->name().startsWith(QStringLiteral("Pareto front"))) front = plot->graph(i);
    QVERIFY(front);
    QCOMPARE(front->lineStyle(), QCPGraph::lsStepLeft);
    QCOMPARE(front->dataCount(), 5);
    const std::vector<std::pair<double, double>> frontXY{{20, 5}, {25, 4}, {40, 2.5}, {80, 1.25}, {85, 1}};
    for (int i = 0; i < 5; ++i) {
      QVERIFY(std::abs(front->data()->at(i)->key - frontXY[i].first) < 1e-9);
      QVERIFY(std::abs(front->data()->at(i)->value - frontXY[i].second) < 1e-9);
    }
    // Error bars on both metrics.
    int errorBars = 0;
    for (int i = 0; i < plot->plottableCount(); ++i)
      if (qobject_cast<QCPErrorBars*>(plot->plottable(i))) ++errorBars;
    QCOMPARE(errorBars, 2);
    // The table marks the front in bold.
    auto* model = qobject_cast<QStandardItemModel*>(view->pointsTable()->model());
    int bold = 0;
    for (int row = 0; row < model->rowCount(); ++row) bold += model->item(row, 0)->font().bold() ? 1 : 0;
    QCOMPARE(bold, 5);
    QVERIFY(drawnPixels(plot) > 300);
    saveShot(view.get(), QDir::temp().filePath(QStringLiteral("leptonsim-sweep-pareto.png")));

    plot->replot();
    const QPoint pixel(qRound(plot->xAxis->coordToPixel(45.0)), qRound(plot->yAxis->coordToPixel(2.8)));
    clickAndPick(*view, plot, pixel, ids_.at({4, "b", 3}));
  }

  void heatmapClickOpensRun() {
    auto view = openView(fullPath_);
    view->setHeatmapSelection(kCost, kReplicas, kPolicy);
    QCustomPlot* plot = view->heatmapPlot();
    plot->replot();
    // Cell (replicas 8, policy a) is centred at (2, 0); click off-centre, away from the label.
    const QPoint pixel(qRound(plot->xAxis->coordToPixel(2.3)), qRound(plot->yAxis->coordToPixel(0.3)));
    clickAndPick(*view, plot, pixel, ids_.at({8, "a", 1}));
  }

  void hoverShowsLabelAndInterval() {
    auto view = openView(fullPath_);
    view->setHeatmapSelection(kCost, kReplicas, kPolicy);
    QCustomPlot* plot = view->heatmapPlot();
    plot->replot();
    QTest::mouseMove(plot, QPoint(qRound(plot->xAxis->coordToPixel(1.2)), qRound(plot->yAxis->coordToPixel(0.8))));
    // Cell (replicas 4, policy b): mean 45, half width t * 1 / sqrt(3) = 2.484.
    QTRY_VERIFY(QToolTip::isVisible());
    const QString text = QToolTip::text();
    QVERIFY2(text.contains(QStringLiteral("services.chat.replicas=4")) && text.contains(QStringLiteral("45 USD")) &&
                 text.contains(QStringLiteral("± 2.484")) && text.contains(QStringLiteral("[42.52, 47.48]")),
             qPrintable(text));
  }

  void singleSeedPointEmitsDirectly() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("one-seed.db")).toStdString();
    SweepSpec spec;
    spec.seeds = {7};
    auto ids = writeSweep(path, spec);
    auto view = openView(path);
    view->setMode(SweepView::Mode::pareto);
    QCustomPlot* plot = view->paretoPlot();
    plot->replot();
    QSignalSpy requested(view.get(), &SweepView::runRequested);
    QTest::mouseClick(plot, Qt::LeftButton, {},
                      QPoint(qRound(plot->xAxis->coordToPixel(40.0 - 1.0)), qRound(plot->yAxis->coordToPixel(2.5 - 0.1))));
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.at(0).at(1).toLongLong(), ids.at({4, "a", 7}));
    // One seed (offset -1 from the base values): no band, and the caption says why.
    view->setBandSelection(kLatency, kReplicas, kPolicy);
    QCOMPARE(view->message(SweepView::Mode::band), QString());
  }

  void onePointDegradesWithMessages() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("single.db")).toStdString();
    SweepSpec spec;
    spec.replicas = {4};
    spec.policies = {"a"};
    writeSweep(path, spec);
    auto view = openView(path);
    QCOMPARE(view->table()->points.size(), std::size_t(1));
    for (auto mode : {SweepView::Mode::heatmap, SweepView::Mode::band, SweepView::Mode::pareto})
      QVERIFY2(view->message(mode).contains(QStringLiteral("single configuration")),
               qPrintable(view->message(mode)));
    QCOMPARE(view->pointsTable()->model()->rowCount(), 1);
    saveShot(view.get(), QDir::temp().filePath(QStringLiteral("leptonsim-sweep-single.png")));
  }

  void oneAxisDegradesHeatmapOnly() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("one-axis.db")).toStdString();
    SweepSpec spec;
    spec.policies = {"a"};
    spec.policyIsAxis = false;
    writeSweep(path, spec);
    auto view = openView(path);
    QCOMPARE(view->table()->axes.size(), std::size_t(1));
    QVERIFY(view->message(SweepView::Mode::heatmap).contains(QStringLiteral("two swept parameters")));
    QCOMPARE(view->message(SweepView::Mode::band), QString());
    QCOMPARE(view->message(SweepView::Mode::pareto), QString());
    QVERIFY(drawnPixels(view->bandPlot()) > 300);
    view->setMode(SweepView::Mode::heatmap);
    saveShot(view.get(), QDir::temp().filePath(QStringLiteral("leptonsim-sweep-one-axis.png")));
  }

  void realSweepFromTheCli() {
    // racks {1, 2} x replicas {4, 8} x seeds {1, 2}, each a real `leptonsim run`,
    // gathered into one report like a sweep writes it.
    if (!QFileInfo::exists(QStringLiteral(LEPTONSIM_BINARY))) QSKIP("the leptonsim CLI is not built");
    QTemporaryDir dir;
    std::vector<leptonsim::RunResult> runs;
    for (int racks : {1, 2})
      for (int replicas : {4, 8})
        for (int seed : {1, 2}) {
          const QString out = dir.filePath(QStringLiteral("run-%1-%2-%3.db").arg(racks).arg(replicas).arg(seed));
          QProcess cli;
          cli.start(QStringLiteral(LEPTONSIM_BINARY),
                    {QStringLiteral("run"), QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/quickstart.yaml"),
                     QStringLiteral("-o"), out, QStringLiteral("-q"), QStringLiteral("--set"),
                     QStringLiteral("duration=10min"), QStringLiteral("--set"),
                     QStringLiteral("platform.sites[0].racks=%1").arg(racks), QStringLiteral("--set"),
                     QStringLiteral("services[0].replicas=%1").arg(replicas), QStringLiteral("--set"),
                     QStringLiteral("seed=%1").arg(seed)});
          QVERIFY(cli.waitForFinished(60000));
          QCOMPARE(cli.exitCode(), 0);
          runs.push_back(leptonsim::ReportReader(out.toStdString()).load(1));
        }
    const std::string path = dir.filePath(QStringLiteral("sweep.db")).toStdString();
    leptonsim::write_report(path, runs, leptonsim::ReportInfo{"leptonsim sweep", {}});
    auto view = openView(path);
    const auto& table = *view->table();
    QCOMPARE(table.points.size(), std::size_t(4));
    QCOMPARE(table.axes, (std::vector<std::string>{"platform.sites[0].racks", "services[0].replicas"}));
    for (auto mode : {SweepView::Mode::heatmap, SweepView::Mode::band, SweepView::Mode::pareto})
      QVERIFY2(view->message(mode).isEmpty(), qPrintable(view->message(mode)));
    QCOMPARE(view->findChild<QComboBox*>(QStringLiteral("paretoXMetric"))->currentData().toString(), kCost);
    QCOMPARE(view->findChild<QComboBox*>(QStringLiteral("paretoYMetric"))->currentData().toString(), kLatency);
    // Two racks cost twice as much as one, whatever the replicas.
    view->setHeatmapSelection(kCost, QStringLiteral("services[0].replicas"), QStringLiteral("platform.sites[0].racks"));
    const auto& grid = view->heatmapGrid();
    QVERIFY(std::abs(grid.cells[3] - 2 * grid.cells[0]) < 1e-6 * grid.cells[3]);
    QVERIFY(!view->paretoFront().empty());
    view->setMode(SweepView::Mode::heatmap);
    saveShot(view.get(), QDir::temp().filePath(QStringLiteral("leptonsim-sweep-real-heatmap.png")));
    view->setMode(SweepView::Mode::pareto);
    saveShot(view.get(), QDir::temp().filePath(QStringLiteral("leptonsim-sweep-real-pareto.png")));
  }

  void clearingTheReport() {
    auto view = openView(fullPath_);
    view->setReport(nullptr);
    QVERIFY(!view->table());
    QVERIFY(!view->message(SweepView::Mode::heatmap).isEmpty());
    QCOMPARE(view->pointsTable()->model()->rowCount(), 0);
  }
};

QTEST_MAIN(TestSweepView)
#include "test_SweepView.moc"
