// ComparisonTableModel and CompareView: the better/worse rule, highlighting,
// formatting and filtering of the table, seeds grouped into one column with a
// confidence interval, CSV export.
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QTimer>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "ReportDataset.hpp"
#include "RunComparison.hpp"
#include "SqliteReport.hpp"
#include "charts/CompareView.hpp"
#include "charts/ComparisonTableModel.hpp"
#include "charts/DashboardView.hpp"
#include "charts/TimeSeriesChart.hpp"

using namespace leptonsim;
using namespace leptonsim::gui;

namespace {

ComparisonCell cell(double mean, std::size_t n, double halfWidth, double relativeChange, bool differs) {
  ComparisonCell c;
  c.is_present = true;
  c.statistics.n = n;
  c.statistics.mean = mean;
  c.statistics.ci_lower = n >= 2 ? mean - halfWidth : std::nan("");
  c.statistics.ci_upper = n >= 2 ? mean + halfWidth : std::nan("");
  c.statistics.min = mean - halfWidth;
  c.statistics.max = mean + halfWidth;
  c.relative_change = relativeChange;
  c.differs = differs;
  return c;
}

ComparisonTable sampleTable() {
  ComparisonTable table;
  table.columns = {"baseline", "more replicas"};
  table.metrics = {"cost.total", "service.chat.arrival_rate", "service.chat.latency_p99", "service.chat.throughput"};
  table.units = {"USD", "req/s", "s", "req/s"};
  table.cells = {
      {cell(100, 1, 0, 0, false), cell(150, 1, 0, 0.5, true)},          // cost up: worse
      {cell(40, 1, 0, 0, false), cell(44, 1, 0, 0.1, true)},            // arrivals: neutral
      {cell(2.0, 3, 0.2, 0, false), cell(1.2, 3, 0.1, -0.4, true)},     // latency down: better
      {cell(39, 3, 1, 0, false), cell(39.2, 3, 1, 0.005, false)},       // same throughput
  };
  return table;
}

RunResult makeResult(std::uint64_t seed, int replicas, double latency) {
  RunResult result;
  result.run.scenario_name = "cmp";
  result.run.seed = seed;
  result.run.simulated_seconds = 600;
  result.parameters["seed"] = std::to_string(seed);
  result.parameters["services.chat.replicas"] = std::to_string(replicas);
  result.summary = {{"service.chat.latency_p99", latency, "s"}, {"cost.total", 10.0 * replicas, "USD"}};
  TimeSeries series;
  series.series = "service.latency_p99";
  series.entity = "chat";
  for (int i = 1; i <= 10; ++i) {
    series.t.push_back(60.0 * i);
    series.value.push_back(latency);
  }
  result.timeseries.push_back(series);
  return result;
}

}  // namespace

class CompareViewTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void betterWorseRule();
  void numbersAreFormattedReadably();
  void modelShowsMeansCiAndHighlights();
  void filterSelectsMetricsByWords();
  void seedsOfOnePointFormOneColumnWithCi();
  void seedsFromDifferentFilesShareAColumn();
  void singleRunsOfDifferentParametersStaySeparate();
  void failedExportsShowAWarning();
  void exportsTheTableAsCsv();
};

void CompareViewTest::betterWorseRule() {
  using D = MetricDirection;
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.latency_p99")), D::LowerIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.wait_mean")), D::LowerIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.ttft_p99")), D::LowerIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.requests_dropped")), D::LowerIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.drop_fraction")), D::LowerIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.cost_per_million_output_tokens")),
           D::LowerIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("cost.total")), D::LowerIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("energy.total")), D::LowerIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("failures.gpu.count")), D::LowerIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("storage.data_loss_bytes")), D::LowerIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.throughput")), D::HigherIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.slo_attainment")), D::HigherIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.requests_completed")), D::HigherIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("cluster.gpu_utilization_mean")), D::HigherIsBetter);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.replicas_mean")), D::Neutral);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.arrival_rate")), D::Neutral);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.latency_samples")), D::Neutral);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("service.chat.slo_latency_p99_target")), D::Neutral);
  QCOMPARE(ComparisonTableModel::metricDirection(QStringLiteral("cluster.gpus_total")), D::Neutral);

  using Q = ChangeQuality;
  QCOMPARE(ComparisonTableModel::changeQuality(QStringLiteral("service.chat.latency_p99"), -0.2), Q::Better);
  QCOMPARE(ComparisonTableModel::changeQuality(QStringLiteral("service.chat.latency_p99"), 0.2), Q::Worse);
  QCOMPARE(ComparisonTableModel::changeQuality(QStringLiteral("service.chat.throughput"), 0.2), Q::Better);
  QCOMPARE(ComparisonTableModel::changeQuality(QStringLiteral("service.chat.throughput"), -0.2), Q::Worse);
  QCOMPARE(ComparisonTableModel::changeQuality(QStringLiteral("service.chat.replicas_mean"), 0.5), Q::Neutral);
  QCOMPARE(ComparisonTableModel::changeQuality(QStringLiteral("cost.total"), std::nan("")), Q::Neutral);
  QCOMPARE(ComparisonTableModel::changeQuality(QStringLiteral("cost.total"), 0.0), Q::Neutral);
}

void CompareViewTest::numbersAreFormattedReadably() {
  QCOMPARE(ComparisonTableModel::formatNumber(3146.24), QStringLiteral("3146"));
  QCOMPARE(ComparisonTableModel::formatNumber(12.5), QStringLiteral("12.5"));
  QCOMPARE(ComparisonTableModel::formatNumber(0.99610481), QStringLiteral("0.9961"));
  QCOMPARE(ComparisonTableModel::formatNumber(4.0), QStringLiteral("4"));
  QCOMPARE(ComparisonTableModel::formatNumber(0.0), QStringLiteral("0"));
  QCOMPARE(ComparisonTableModel::formatNumber(-2.25), QStringLiteral("-2.25"));
  QCOMPARE(ComparisonTableModel::formatNumber(123456.0), QStringLiteral("123456"));
  QCOMPARE(ComparisonTableModel::formatNumber(2.5e9), QStringLiteral("2.5e+09"));
  QCOMPARE(ComparisonTableModel::formatNumber(std::nan("")), QStringLiteral("undefined"));
  ComparisonCell absent;
  QCOMPARE(ComparisonTableModel::formatCell(absent), QString());
  QCOMPARE(ComparisonTableModel::formatCell(cell(2.0, 1, 0, 0, false)), QStringLiteral("2"));
  QCOMPARE(ComparisonTableModel::formatCell(cell(2.0, 3, 0.25, 0, false)), QStringLiteral("2.00 ± 0.25 (n=3)"));
  QCOMPARE(ComparisonTableModel::formatMeanWithHalfWidth(59.6512, 0.6987), QStringLiteral("59.65 ± 0.70"));
  QCOMPARE(ComparisonTableModel::formatMeanWithHalfWidth(0.18583, 0.003142), QStringLiteral("0.1858 ± 0.0031"));
  QCOMPARE(ComparisonTableModel::formatMeanWithHalfWidth(3146.2, 12.3), QStringLiteral("3146 ± 12"));
  QCOMPARE(ComparisonTableModel::formatMeanWithHalfWidth(20.0, 0.0), QStringLiteral("20 ± 0"));
}

void CompareViewTest::modelShowsMeansCiAndHighlights() {
  ComparisonTableModel model;
  model.setTable(sampleTable());
  QCOMPARE(model.rowCount(), 4);
  QCOMPARE(model.columnCount(), 4);  // metric, unit, 2 columns
  QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("metric"));
  QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("unit"));
  QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("baseline"));
  QCOMPARE(model.headerData(3, Qt::Horizontal).toString(), QStringLiteral("more replicas"));

  const int latency = model.rowOfMetric(QStringLiteral("service.chat.latency_p99"));
  const int cost = model.rowOfMetric(QStringLiteral("cost.total"));
  const int arrivals = model.rowOfMetric(QStringLiteral("service.chat.arrival_rate"));
  const int throughput = model.rowOfMetric(QStringLiteral("service.chat.throughput"));
  QCOMPARE(model.data(model.index(latency, 0)).toString(), QStringLiteral("service.chat.latency_p99"));
  QCOMPARE(model.data(model.index(latency, 1)).toString(), QStringLiteral("s"));
  QCOMPARE(model.data(model.index(latency, 2)).toString(), QStringLiteral("2.00 ± 0.20 (n=3)"));
  QCOMPARE(model.data(model.index(latency, 3)).toString(), QStringLiteral("1.20 ± 0.10 (n=3)"));
  QCOMPARE(model.data(model.index(cost, 3)).toString(), QStringLiteral("150"));

  const QColor better = ComparisonTableModel::qualityColor(ChangeQuality::Better);
  const QColor worse = ComparisonTableModel::qualityColor(ChangeQuality::Worse);
  QCOMPARE(model.data(model.index(latency, 3), Qt::BackgroundRole).value<QColor>(), better);
  QCOMPARE(model.data(model.index(cost, 3), Qt::BackgroundRole).value<QColor>(), worse);
  QCOMPARE(model.data(model.index(arrivals, 3), Qt::BackgroundRole).value<QColor>(),
           ComparisonTableModel::qualityColor(ChangeQuality::Neutral));
  QVERIFY(!model.data(model.index(throughput, 3), Qt::BackgroundRole).isValid());  // not flagged
  QVERIFY(!model.data(model.index(latency, 2), Qt::BackgroundRole).isValid());     // the baseline
  QVERIFY(better != worse);

  const QString tip = model.data(model.index(latency, 3), Qt::ToolTipRole).toString();
  QVERIFY2(tip.contains(QStringLiteral("-40 %")), qPrintable(tip));
  QVERIFY(tip.contains(QStringLiteral("better")));
  QVERIFY(tip.contains(QStringLiteral("[1.1, 1.3]")));
  QVERIFY(model.data(model.index(cost, 3), Qt::ToolTipRole).toString().contains(QStringLiteral("+50 % vs baseline (worse)")));
  QVERIFY(model.data(model.index(latency, 2), Qt::ToolTipRole).toString().contains(QStringLiteral("baseline")));
  QCOMPARE(model.data(model.index(latency, 3), ComparisonTableModel::MeanRole).toDouble(), 1.2);
  QCOMPARE(model.data(model.index(latency, 3), ComparisonTableModel::DiffersRole).toBool(), true);
}

void CompareViewTest::filterSelectsMetricsByWords() {
  ComparisonTableModel model;
  model.setTable(sampleTable());
  model.setFilter(QStringLiteral("CHAT"));
  QCOMPARE(model.rowCount(), 3);
  model.setFilter(QStringLiteral("chat p99"));
  QCOMPARE(model.rowCount(), 1);
  QCOMPARE(model.metricAt(0), QStringLiteral("service.chat.latency_p99"));
  model.setFilter(QStringLiteral("nothing-like-this"));
  QCOMPARE(model.rowCount(), 0);
  QCOMPARE(model.rowOfMetric(QStringLiteral("cost.total")), -1);
  model.setFilter(QString());
  QCOMPARE(model.rowCount(), 4);
}

void CompareViewTest::seedsOfOnePointFormOneColumnWithCi() {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("sweep.db"));
  // Point A (2 replicas) with three seeds, point B (4 replicas) with two.
  write_report(path.toStdString(), {makeResult(1, 2, 2.0), makeResult(2, 2, 2.2), makeResult(3, 2, 2.1),
                                    makeResult(1, 4, 1.0), makeResult(2, 4, 1.1)});
  QList<std::shared_ptr<const RunDataset>> runs;
  for (std::int64_t id = 1; id <= 5; ++id)
    runs << std::make_shared<const RunDataset>(load_run_dataset(path.toStdString(), id));

  const QList<QList<int>> groups = CompareView::groupRunsIntoColumns(runs);
  QCOMPARE(groups, (QList<QList<int>>{{0, 1, 2}, {3, 4}}));
  const QStringList labels = CompareView::columnLabels(runs, groups);
  QVERIFY2(labels[0].contains(QStringLiteral("replicas=2")), qPrintable(labels[0]));
  QCOMPARE(labels[0], QStringLiteral("chat.replicas=2 (3 seeds)"));
  QVERIFY(labels[1].contains(QStringLiteral("replicas=4")));

  CompareView view;
  view.setRuns(runs);
  ComparisonTableModel* model = view.tableModel();
  QCOMPARE(model->columnCount(), ComparisonTableModel::kFirstRunColumn + 2);
  const int latency = model->rowOfMetric(QStringLiteral("service.chat.latency_p99"));
  QVERIFY(latency >= 0);
  const QString baseline = model->data(model->index(latency, 2)).toString();
  // Values 2.0, 2.2, 2.1: mean 2.1, half-width t(0.975, 2) x 0.1 / sqrt(3) = 0.248.
  QVERIFY2(baseline == QStringLiteral("2.10 ± 0.25 (n=3)"),
           qPrintable(baseline));
  QVERIFY(model->data(model->index(latency, 3)).toString().endsWith(QStringLiteral("(n=2)")));
  // 1.05 vs 2.1: the intervals do not overlap, lower latency is better.
  QCOMPARE(model->data(model->index(latency, 3), Qt::BackgroundRole).value<QColor>(),
           ComparisonTableModel::qualityColor(ChangeQuality::Better));
  const int cost = model->rowOfMetric(QStringLiteral("cost.total"));
  QCOMPARE(model->data(model->index(cost, 3), Qt::BackgroundRole).value<QColor>(),
           ComparisonTableModel::qualityColor(ChangeQuality::Worse));
  // The dashboard overlays every run, one colour per column.
  QCOMPARE(view.dashboard()->runs().size(), 5);
  QCOMPARE(view.dashboard()->runColor(0), view.dashboard()->runColor(2));
  QCOMPARE(view.dashboard()->runColor(3), view.dashboard()->runColor(4));
  QVERIFY(view.dashboard()->runColor(0) != view.dashboard()->runColor(3));
  TimeSeriesChart* chart = view.dashboard()->chart(QStringLiteral("Latency — chat"));
  QVERIFY(chart);
  QCOMPARE(chart->curveCount(), 5);
  // The filter box filters the table.
  view.filterEdit()->setText(QStringLiteral("cost"));
  QCOMPARE(model->rowCount(), 1);
  QCOMPARE(view.tableView()->model()->rowCount(), 1);

  view.resize(1200, 900);
  view.grab().save(QDir::temp().filePath(QStringLiteral("leptonsim-compare-view.png")));
}

void CompareViewTest::seedsFromDifferentFilesShareAColumn() {
  // The GUI's "seeds: N" writes one file per seed: same scenario and parameters = one column.
  QTemporaryDir dir;
  const QString first = dir.filePath(QStringLiteral("a.db"));
  const QString second = dir.filePath(QStringLiteral("b.db"));
  write_report(first.toStdString(), {makeResult(1, 2, 2.0)});
  write_report(second.toStdString(), {makeResult(2, 2, 2.2)});
  QList<std::shared_ptr<const RunDataset>> runs = {
      std::make_shared<const RunDataset>(load_run_dataset(first.toStdString(), 1)),
      std::make_shared<const RunDataset>(load_run_dataset(second.toStdString(), 1))};
  QCOMPARE(CompareView::groupRunsIntoColumns(runs), (QList<QList<int>>{{0, 1}}));
  QCOMPARE(CompareView::columnLabels(runs, {{0, 1}}), QStringList{QStringLiteral("a (2 seeds)")});
  CompareView view;
  view.setRuns(runs);
  QCOMPARE(view.tableModel()->columnCount(), ComparisonTableModel::kFirstRunColumn + 1);
  const int latency = view.tableModel()->rowOfMetric(QStringLiteral("service.chat.latency_p99"));
  QVERIFY(view.tableModel()->data(view.tableModel()->index(latency, 2)).toString().endsWith(QStringLiteral("(n=2)")));
  // The header tooltip names both files and both seeds.
  const QString tip = view.tableModel()->headerData(2, Qt::Horizontal, Qt::ToolTipRole).toString();
  QVERIFY2(tip.contains(first) && tip.contains(second) && tip.contains(QStringLiteral("2 seeds: 1, 2")), qPrintable(tip));

  // Another scenario name with the same parameters is another column.
  RunResult other = makeResult(3, 2, 2.4);
  other.run.scenario_name = "other";
  const QString third = dir.filePath(QStringLiteral("c.db"));
  write_report(third.toStdString(), {other});
  runs << std::make_shared<const RunDataset>(load_run_dataset(third.toStdString(), 1));
  QCOMPARE(CompareView::groupRunsIntoColumns(runs), (QList<QList<int>>{{0, 1}, {2}}));
}

void CompareViewTest::singleRunsOfDifferentParametersStaySeparate() {
  QTemporaryDir dir;
  const QString first = dir.filePath(QStringLiteral("a.db"));
  const QString second = dir.filePath(QStringLiteral("b.db"));
  write_report(first.toStdString(), {makeResult(1, 2, 2.0)});
  write_report(second.toStdString(), {makeResult(2, 4, 2.2)});
  QList<std::shared_ptr<const RunDataset>> runs = {
      std::make_shared<const RunDataset>(load_run_dataset(first.toStdString(), 1)),
      std::make_shared<const RunDataset>(load_run_dataset(second.toStdString(), 1))};
  const QList<QList<int>> groups = CompareView::groupRunsIntoColumns(runs);
  QCOMPARE(groups.size(), 2);
  QCOMPARE(CompareView::columnLabels(runs, groups),
           (QStringList{QStringLiteral("chat.replicas=2 (seed 1)"), QStringLiteral("chat.replicas=4 (seed 2)")}));
  CompareView view;
  view.setRuns(runs);
  ComparisonTableModel* model = view.tableModel();
  const int latency = model->rowOfMetric(QStringLiteral("service.chat.latency_p99"));
  QCOMPARE(model->data(model->index(latency, 3)).toString(), QStringLiteral("2.2"));
  // Single runs: +10 % is beyond the 1 % threshold, and worse for latency; the tooltip says why.
  QCOMPARE(model->data(model->index(latency, 3), Qt::BackgroundRole).value<QColor>(),
           ComparisonTableModel::qualityColor(ChangeQuality::Worse));
  const QString tip = model->data(model->index(latency, 3), Qt::ToolTipRole).toString();
  QVERIFY2(tip.contains(QStringLiteral("single runs: no confidence interval; flagged because the values differ by more than 1 %")),
           qPrintable(tip));
  // Header tooltips: the label, the full parameter key and the file.
  const QString header = model->headerData(3, Qt::Horizontal, Qt::ToolTipRole).toString();
  QVERIFY2(header.contains(QStringLiteral("services.chat.replicas = 4")) && header.contains(second), qPrintable(header));
  QVERIFY(model->headerData(2, Qt::Horizontal, Qt::ToolTipRole).toString().startsWith(QStringLiteral("baseline")));
  // The legend uses the short labels.
  QCOMPARE(view.dashboard()->chart(QStringLiteral("Latency — chat"))->curveCount(), 2);
  view.setRuns({});
  QCOMPARE(view.tableModel()->rowCount(), 0);
}

void CompareViewTest::failedExportsShowAWarning() {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("cmp.db"));
  write_report(path.toStdString(), {makeResult(1, 2, 2.0), makeResult(1, 4, 1.0)});
  QList<std::shared_ptr<const RunDataset>> runs;
  for (std::int64_t id = 1; id <= 2; ++id)
    runs << std::make_shared<const RunDataset>(load_run_dataset(path.toStdString(), id));
  CompareView view;
  view.setRuns(runs);
  const QString badPath = dir.filePath(QStringLiteral("no-such-folder/table.csv"));
  QString error;
  QVERIFY(!view.exportTableCsv(badPath, &error));
  QVERIFY2(error.contains(badPath), qPrintable(error));

  // The interactive export shows a warning with the path and the cause.
  auto closeWarning = [](QString* text) {
    QTimer::singleShot(50, [text]() {
      if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
        *text = box->text();
        box->accept();
      }
    });
  };
  QString shown;
  closeWarning(&shown);
  QVERIFY(!view.exportTableCsvShowingErrors(badPath));
  QVERIFY2(shown.contains(badPath), qPrintable(shown));

  TimeSeriesChart* chart = view.dashboard()->chart(QStringLiteral("Latency — chat"));
  QVERIFY(chart);
  for (auto format : {TimeSeriesChart::ExportFormat::Png, TimeSeriesChart::ExportFormat::Pdf,
                      TimeSeriesChart::ExportFormat::Csv}) {
    shown.clear();
    closeWarning(&shown);
    QVERIFY(!chart->exportShowingErrors(format, dir.filePath(QStringLiteral("no-such-folder/chart"))));
    QVERIFY2(shown.contains(QStringLiteral("no-such-folder/chart")), qPrintable(shown));
  }
  QVERIFY(shown.contains(QStringLiteral("does not exist")) || shown.contains(QStringLiteral("No such file")));
  // A good path: no warning, a file.
  QVERIFY(chart->exportShowingErrors(TimeSeriesChart::ExportFormat::Png, dir.filePath(QStringLiteral("chart.png"))));
  QVERIFY(QFile::exists(dir.filePath(QStringLiteral("chart.png"))));
}

void CompareViewTest::exportsTheTableAsCsv() {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("cmp.db"));
  write_report(path.toStdString(), {makeResult(1, 2, 2.0), makeResult(2, 2, 2.5), makeResult(1, 4, 1.0)});
  QList<std::shared_ptr<const RunDataset>> runs;
  for (std::int64_t id = 1; id <= 3; ++id)
    runs << std::make_shared<const RunDataset>(load_run_dataset(path.toStdString(), id));
  CompareView view;
  view.setRuns(runs);
  const QString csvPath = dir.filePath(QStringLiteral("table.csv"));
  QVERIFY(view.exportTableCsv(csvPath));
  QFile file(csvPath);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QStringList lines = QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
  QCOMPARE(lines.size(), 1 + view.tableModel()->rowCount());
  QVERIFY2(lines[0].startsWith(QStringLiteral("metric,unit,chat.replicas=2 (2 seeds),chat.replicas=4 (seed 1)")),
           qPrintable(lines[0]));
  bool foundLatency = false;
  for (const QString& line : lines)
    // Values 2.0 and 2.5: mean 2.25, half-width t(0.975, 1) x 0.354 / sqrt(2) = 3.18.
    if (line.startsWith(QStringLiteral("service.chat.latency_p99,s,2.3 ± 3.2 (n=2),1"))) foundLatency = true;
  QVERIFY(foundLatency);
}

QTEST_MAIN(CompareViewTest)
#include "test_CompareView.moc"
