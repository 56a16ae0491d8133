// PlotCommand (leptonsim-plot): the files a sweep report gives, that the PNGs
// are images of the requested size with visible charts in them (many colours,
// a good share of drawn pixels, the chart's own line colours), that the PDFs
// are PDFs, and that bad choices stop with exit code 2 before writing anything.
//
// The sweep: services[0].replicas in {2, 4, 8} x services[0].load_balancer.policy
// in {round_robin, least_outstanding}, seeds 1..3 = 18 runs, each with a few
// time series.
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>

#include <cmath>
#include <set>

#include "SqliteReport.hpp"
#include "plot/PlotCommand.hpp"

using leptonsim::gui::PlotCommand;

namespace {

const std::string kReplicas = "services[0].replicas";
const std::string kPolicy = "services[0].load_balancer.policy";

leptonsim::TimeSeries makeSeries(const std::string& series, const std::string& entity, int points,
                                 double (*value)(int, int), int variant) {
  leptonsim::TimeSeries s;
  s.series = series;
  s.entity = entity;
  for (int i = 0; i < points; ++i) {
    s.t.push_back(i * 30.0);
    s.value.push_back(value(i, variant));
  }
  return s;
}

leptonsim::RunResult makeRun(int replicas, const std::string& policy, std::uint64_t seed, bool withSeries) {
  leptonsim::RunResult run;
  run.run.scenario_name = "plot-test";
  run.run.scenario_hash = "h";
  run.run.scenario_text = "name: plot-test\n";
  run.run.seed = seed;
  run.run.version = "test";
  run.run.simulated_seconds = 3600;
  run.parameters = {{"seed", std::to_string(seed)}, {kReplicas, std::to_string(replicas)}, {kPolicy, policy}};
  const double offset = static_cast<double>(seed) - 2.0;  // -1, 0, +1
  const double policyFactor = policy == "least_outstanding" ? 0.8 : 1.0;
  // least_outstanding costs 3 USD more, except at 8 replicas where it is 1 USD
  // cheaper and so dominates round_robin (a point off the Pareto front).
  const double policyCost = policy == "least_outstanding" ? (replicas == 8 ? -1.0 : 3.0) : 0.0;
  run.summary.push_back({"cost.total", replicas * 12.0 + policyCost + offset, "USD"});
  run.summary.push_back({"service.chat.latency_p99", 8.0 / replicas * policyFactor + 0.05 * offset, "s"});
  run.summary.push_back({"service.chat.slo_attainment", std::min(1.0, 0.6 + replicas * 0.05 + 0.01 * offset), "1"});
  run.summary.push_back({"service.chat.throughput", 10.0 * replicas, "req/s"});
  if (withSeries) {
    const int variant = replicas;
    run.timeseries.push_back(makeSeries("service.latency_p99", "chat", 120,
                                        [](int i, int v) { return 4.0 / v + 0.5 * std::sin(i / 8.0) + 0.6; }, variant));
    run.timeseries.push_back(makeSeries("service.arrival_rate", "chat", 120,
                                        [](int i, int) { return 40.0 + 15.0 * std::sin(i / 20.0); }, variant));
    run.timeseries.push_back(
        makeSeries("cluster.gpus_allocated", "", 120, [](int i, int v) { return v + (i > 60 ? 2.0 : 0.0); }, variant));
    run.events.push_back({900.0, "scale_decision", "chat", "{\"from\": 2, \"to\": 4}"});
  }
  return run;
}

void writeSweep(const QString& path, bool withSeries = true) {
  std::vector<leptonsim::RunResult> runs;
  for (const std::string policy : {"round_robin", "least_outstanding"})
    for (int replicas : {2, 4, 8})
      for (std::uint64_t seed : {1, 2, 3}) runs.push_back(makeRun(replicas, policy, seed, withSeries));
  leptonsim::write_report(path.toStdString(), runs, leptonsim::ReportInfo{"leptonsim sweep", {}});
}

struct Outcome {
  int code = -1;
  QString out;
  QString err;
};

Outcome runPlot(const QStringList& arguments) {
  Outcome outcome;
  QTextStream out(&outcome.out);
  QTextStream err(&outcome.err);
  outcome.code = PlotCommand::main(arguments, out, err);
  out.flush();
  err.flush();
  return outcome;
}

QSet<QString> filesIn(const QString& dir) {
  const QStringList names = QDir(dir).entryList(QDir::Files);
  return QSet<QString>(names.begin(), names.end());
}

struct ImageStats {
  int distinctColours = 0;
  double inkShare = 0.0;  // share of pixels that are not (near) white
};

ImageStats imageStats(const QImage& image) {
  std::set<QRgb> colours;
  long ink = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) {
      const QRgb pixel = image.pixel(x, y);
      colours.insert(pixel);
      if (qRed(pixel) < 240 || qGreen(pixel) < 240 || qBlue(pixel) < 240) ++ink;
    }
  return {static_cast<int>(colours.size()), static_cast<double>(ink) / (image.width() * image.height())};
}

// Pixels within `tolerance` (per channel) of `colour`: the chart's own colours show that data were drawn.
int pixelsNear(const QImage& image, QColor colour, int tolerance = 24) {
  int count = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) {
      const QColor pixel = image.pixelColor(x, y);
      if (std::abs(pixel.red() - colour.red()) <= tolerance && std::abs(pixel.green() - colour.green()) <= tolerance &&
          std::abs(pixel.blue() - colour.blue()) <= tolerance)
        ++count;
    }
  return count;
}

void verifyPdf(const QString& path) {
  QFile file(path);
  QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
  const QByteArray bytes = file.readAll();
  QVERIFY2(bytes.startsWith("%PDF"), qPrintable(path));
  QVERIFY2(bytes.size() > 1024, qPrintable(QStringLiteral("%1: %2 bytes").arg(path).arg(bytes.size())));
}

}  // namespace

class TestPlotCommand : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString sweepPath_;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    sweepPath_ = dir_.filePath(QStringLiteral("sweep.db"));
    writeSweep(sweepPath_);
    // A copy to look at by hand: leptonsim-plot /tmp/leptonsim-plot-sweep.db -o DIR
    const QString copy = QDir::temp().filePath(QStringLiteral("leptonsim-plot-sweep.db"));
    QFile::remove(copy);
    QFile::copy(sweepPath_, copy);
  }

  void sanitizesFileNames() {
    QCOMPARE(PlotCommand::sanitizeFileName(QStringLiteral("metric-cost.total-vs-services[0].replicas")),
             QStringLiteral("metric-cost.total-vs-services_0.replicas"));
    QCOMPARE(PlotCommand::sanitizeFileName(QStringLiteral("a b/c*d:e")), QStringLiteral("a_b_c_d_e"));
    QCOMPARE(PlotCommand::sanitizeFileName(QStringLiteral("x[*]")), QStringLiteral("x_"));
  }

  void parsesTheCommandLine() {
    QString error;
    auto options = PlotCommand::parseArguments(
        {QStringLiteral("r.db"), QStringLiteral("-o"), QStringLiteral("out"), QStringLiteral("--run"), QStringLiteral("3"),
         QStringLiteral("--run"), QStringLiteral("5"), QStringLiteral("--metric"), QStringLiteral("cost.total"),
         QStringLiteral("--format"), QStringLiteral("pdf"), QStringLiteral("--size"), QStringLiteral("800x600")},
        &error);
    QVERIFY2(options, qPrintable(error));
    QCOMPARE(options->report_path, QStringLiteral("r.db"));
    QCOMPARE(options->output_dir, QStringLiteral("out"));
    QCOMPARE(options->run_ids, (QList<qint64>{3, 5}));
    QCOMPARE(options->metrics, QStringList{QStringLiteral("cost.total")});
    QVERIFY(options->pdf && !options->png);
    QCOMPARE(options->size, QSize(800, 600));
    QVERIFY(!PlotCommand::parseArguments({QStringLiteral("r.db")}, &error));  // no -o
    QVERIFY(error.contains(QStringLiteral("-o")));
    QVERIFY(!PlotCommand::parseArguments({QStringLiteral("r.db"), QStringLiteral("-o"), QStringLiteral("d"),
                                          QStringLiteral("--size"), QStringLiteral("big")},
                                         &error));
    QVERIFY(!PlotCommand::parseArguments({QStringLiteral("r.db"), QStringLiteral("-o"), QStringLiteral("d"),
                                          QStringLiteral("--format"), QStringLiteral("svg")},
                                         &error));
    QCOMPARE(runPlot({QStringLiteral("r.db")}).code, PlotCommand::kExitUsage);
  }

  void sweepGivesEveryStandardChart() {
    const QString out = dir_.filePath(QStringLiteral("plots"));
    const Outcome outcome = runPlot({sweepPath_, QStringLiteral("-o"), out});
    QVERIFY2(outcome.code == 0, qPrintable(outcome.err));

    // 18 runs > 4: the first run's dashboard. Axes sort as policy, replicas;
    // the heatmap puts the axis with more values (replicas) on x.
    QStringList bases{QStringLiteral("run-1-dashboard")};
    for (const QString& metric : {QStringLiteral("cost.total"), QStringLiteral("service.chat.latency_p99"),
                                 QStringLiteral("service.chat.slo_attainment")}) {
      bases << QStringLiteral("metric-%1-vs-services_0.load_balancer.policy").arg(metric)
            << QStringLiteral("metric-%1-vs-services_0.replicas").arg(metric)
            << QStringLiteral("heatmap-%1-services_0.replicas-services_0.load_balancer.policy").arg(metric);
    }
    bases << QStringLiteral("pareto-cost.total-vs-service.chat.latency_p99");
    QSet<QString> expected;
    for (const QString& base : bases) expected << base + QStringLiteral(".png") << base + QStringLiteral(".pdf");
    QCOMPARE(filesIn(out), expected);
    // Each written file is printed on its own line.
    const QStringList printed = outcome.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(printed.size(), expected.size());
    for (const QString& line : printed) QVERIFY2(QFileInfo::exists(line), qPrintable(line));

    for (const QString& base : bases) {
      const QString png = QDir(out).filePath(base + QStringLiteral(".png"));
      const QImage image(png);
      QVERIFY2(!image.isNull(), qPrintable(png));
      QCOMPARE(image.width(), 1600);
      if (base.startsWith(QStringLiteral("run-")))
        QVERIFY(image.height() > 1000);  // the header and one chart per panel
      else
        QCOMPARE(image.height(), 1000);
      const ImageStats stats = imageStats(image);
      QVERIFY2(stats.distinctColours > 50 && stats.inkShare > 0.03 && stats.inkShare < 0.97,
               qPrintable(QStringLiteral("%1: %2 colours, %3 ink").arg(base).arg(stats.distinctColours).arg(stats.inkShare)));
      verifyPdf(QDir(out).filePath(base + QStringLiteral(".pdf")));
    }

    // The data themselves are drawn: the first line colour of the metric
    // charts, the orange of the Pareto front, the colour scale of the heatmap.
    const QImage band(QDir(out).filePath(QStringLiteral("metric-service.chat.latency_p99-vs-services_0.replicas.png")));
    QVERIFY(pixelsNear(band, QColor(31, 119, 180)) > 500);   // first line and its legend
    QVERIFY(pixelsNear(band, QColor(255, 127, 14)) > 500);   // second line
    const QImage pareto(QDir(out).filePath(QStringLiteral("pareto-cost.total-vs-service.chat.latency_p99.png")));
    QVERIFY(pixelsNear(pareto, QColor(230, 85, 13)) > 500);  // the front
    QVERIFY(pixelsNear(pareto, QColor(140, 140, 140), 12) > 30);  // the dominated point (8, round_robin)
    const QImage heatmap(QDir(out).filePath(
        QStringLiteral("heatmap-cost.total-services_0.replicas-services_0.load_balancer.policy.png")));
    QVERIFY(pixelsNear(heatmap, QColor(68, 1, 84), 30) > 5000);      // lowest cost cells
    QVERIFY(pixelsNear(heatmap, QColor(253, 231, 37), 30) > 5000);   // highest cost cells
  }

  void choicesNarrowTheCharts() {
    const QString out = dir_.filePath(QStringLiteral("narrow"));
    const Outcome outcome = runPlot({sweepPath_, QStringLiteral("-o"), out, QStringLiteral("--run"), QStringLiteral("5"),
                                     QStringLiteral("--metric"), QStringLiteral("service.chat.latency_p99"),
                                     QStringLiteral("--x"), QString::fromStdString(kReplicas), QStringLiteral("--y"),
                                     QString::fromStdString(kPolicy), QStringLiteral("--format"), QStringLiteral("png"),
                                     QStringLiteral("--size"), QStringLiteral("800x600")});
    QVERIFY2(outcome.code == 0, qPrintable(outcome.err));
    const QSet<QString> expected{
        QStringLiteral("run-5-dashboard.png"), QStringLiteral("metric-service.chat.latency_p99-vs-services_0.replicas.png"),
        QStringLiteral("heatmap-service.chat.latency_p99-services_0.replicas-services_0.load_balancer.policy.png"),
        QStringLiteral("pareto-cost.total-vs-service.chat.latency_p99.png")};
    QCOMPARE(filesIn(out), expected);
    const QImage image(QDir(out).filePath(QStringLiteral("metric-service.chat.latency_p99-vs-services_0.replicas.png")));
    QCOMPARE(image.size(), QSize(800, 600));
    QVERIFY(imageStats(image).distinctColours > 50);
  }

  void badChoicesExitWithTwoAndWriteNothing() {
    const QString out = dir_.filePath(QStringLiteral("bad"));
    const QString garbage = dir_.filePath(QStringLiteral("garbage.db"));
    {
      QFile file(garbage);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("this is not a SQLite report\n");
    }
    const QList<std::pair<QStringList, QString>> cases{
        {{sweepPath_, QStringLiteral("-o"), out, QStringLiteral("--metric"), QStringLiteral("service.chat.nonsense")},
         QStringLiteral("unknown metric service.chat.nonsense")},
        {{sweepPath_, QStringLiteral("-o"), out, QStringLiteral("--x"), QStringLiteral("services[0].nope")},
         QStringLiteral("unknown axis services[0].nope")},
        {{sweepPath_, QStringLiteral("-o"), out, QStringLiteral("--run"), QStringLiteral("99")},
         QStringLiteral("unknown run 99")},
        {{dir_.filePath(QStringLiteral("missing.db")), QStringLiteral("-o"), out}, QStringLiteral("does not exist")},
        {{garbage, QStringLiteral("-o"), out}, QStringLiteral("cannot read report")},
    };
    for (const auto& [arguments, message] : cases) {
      const Outcome outcome = runPlot(arguments);
      QCOMPARE(outcome.code, PlotCommand::kExitUsage);
      QVERIFY2(outcome.err.contains(message), qPrintable(outcome.err));
      QVERIFY(outcome.out.isEmpty());
    }
    QVERIFY(!QDir(out).exists());
  }

  void smallReportGivesADashboardPerRun() {
    // One configuration, two seeds: no sweep charts, both runs' dashboards.
    const QString path = dir_.filePath(QStringLiteral("two.db"));
    leptonsim::write_report(path.toStdString(),
                            {makeRun(4, "round_robin", 1, true), makeRun(4, "round_robin", 2, true)});
    const QString out = dir_.filePath(QStringLiteral("two"));
    const Outcome outcome = runPlot({path, QStringLiteral("-o"), out, QStringLiteral("--format"), QStringLiteral("both")});
    QVERIFY2(outcome.code == 0, qPrintable(outcome.err));
    QCOMPARE(filesIn(out), (QSet<QString>{QStringLiteral("run-1-dashboard.png"), QStringLiteral("run-1-dashboard.pdf"),
                                          QStringLiteral("run-2-dashboard.png"), QStringLiteral("run-2-dashboard.pdf")}));
    const QImage image(QDir(out).filePath(QStringLiteral("run-2-dashboard.png")));
    QCOMPARE(image.width(), 1600);
    const ImageStats stats = imageStats(image);
    QVERIFY2(stats.distinctColours > 50 && stats.inkShare > 0.03, qPrintable(QString::number(stats.inkShare)));
    verifyPdf(QDir(out).filePath(QStringLiteral("run-2-dashboard.pdf")));
  }

  void storageReportDashboardHasTheDataPanel() {
    // A run of the data layer only: chunks under-replicated after a disk failure, a rebuild,
    // and a loss. Its dashboard draws the Data panels' curves and the loss markers.
    leptonsim::RunResult run;
    run.run.scenario_name = "storage-test";
    run.run.scenario_hash = "h";
    run.run.scenario_text = "name: storage-test\n";
    run.run.seed = 1;
    run.run.version = "test";
    run.run.simulated_seconds = 3600;
    run.parameters = {{"seed", "1"}};
    run.timeseries.push_back(makeSeries("data.under_replicated_chunks", "", 120,
                                        [](int i, int) { return i >= 20 && i < 80 ? 400.0 - 5 * (i - 20) : 0.0; }, 0));
    run.timeseries.push_back(makeSeries("data.repair_queue", "", 120,
                                        [](int i, int) { return i >= 20 && i < 80 ? 380.0 - 6 * (i - 20) : 0.0; }, 0));
    run.timeseries.push_back(makeSeries("data.repair_throughput", "", 120,
                                        [](int i, int) { return i >= 20 && i < 80 ? 3.5e9 : 0.0; }, 0));
    run.timeseries.push_back(makeSeries("data.bytes_lost", "", 120, [](int i, int) { return i >= 50 ? 2e9 : 0.0; }, 0));
    run.events = {{600, "failure", "dc/sr0/s1/disk3", R"({"failure":1,"cause":"disk"})"},
                  {600, "rebuild_started", "dc/sr0/s1/disk3", R"({"failure":1,"pieces":400})"},
                  {1500, "data_loss", "dc/sr0/s1/disk3", R"({"chunks":2,"bytes":2e9})"},
                  {2400, "redundancy_restored", "dc/sr0/s1/disk3", R"({"failure":1,"seconds":1800,"pieces":400})"}};
    run.summary = {{"data.chunks", 1000.0, "1"}, {"data.loss_events", 1.0, "1"}, {"data.bytes_lost", 2e9, "B"},
                   {"data.mttdl", 1.0, "h"},     {"data.mttdl_ci_low", 0.2, "h"}, {"data.mttdl_ci_high", 5.6, "h"},
                   {"cost.storage", 12.5, "USD"}, {"cost.total", 12.5, "USD"}};
    const QString path = dir_.filePath(QStringLiteral("storage.db"));
    leptonsim::write_report(path.toStdString(), {run});
    const QString out = dir_.filePath(QStringLiteral("storage"));
    const Outcome outcome = runPlot({path, QStringLiteral("-o"), out, QStringLiteral("--format"), QStringLiteral("png")});
    QVERIFY2(outcome.code == 0, qPrintable(outcome.err));
    const QImage image(QDir(out).filePath(QStringLiteral("run-1-dashboard.png")));
    QCOMPARE(image.width(), 1600);
    // The under-replicated chunks (orange), the repair throughput (green), the bytes lost (red)
    // and the loss markers (magenta): only the Data panels draw these here.
    for (const QColor& colour : {QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40), QColor(204, 0, 102)})
      QVERIFY2(pixelsNear(image, colour) > 100, qPrintable(colour.name()));
  }

  void fixedClusterParetoUsesTheServiceCost() {
    // A fixed cluster costs the same at every point: the front is drawn against
    // the service's own cost, which is what the sweep trades for latency.
    std::vector<leptonsim::RunResult> runs;
    for (int replicas : {2, 4, 8})
      for (std::uint64_t seed : {1, 2}) {
        leptonsim::RunResult run = makeRun(replicas, "round_robin", seed, false);
        for (auto& metric : run.summary)
          if (metric.metric == "cost.total") metric.value = 500.0;
        run.summary.push_back({"service.chat.cost", replicas * 12.0, "USD"});
        runs.push_back(run);
      }
    const QString path = dir_.filePath(QStringLiteral("fixed.db"));
    leptonsim::write_report(path.toStdString(), runs);
    const QString out = dir_.filePath(QStringLiteral("fixed"));
    const Outcome outcome = runPlot({path, QStringLiteral("-o"), out, QStringLiteral("--format"), QStringLiteral("png"),
                                     QStringLiteral("--metric"), QStringLiteral("service.chat.latency_p99")});
    QVERIFY2(outcome.code == 0, qPrintable(outcome.err));
    const QSet<QString> files = filesIn(out);
    QVERIFY2(files.contains(QStringLiteral("pareto-service.chat.cost-vs-service.chat.latency_p99.png")),
             qPrintable(QStringList(files.begin(), files.end()).join(QLatin1Char(' '))));
    QVERIFY(!files.contains(QStringLiteral("pareto-cost.total-vs-service.chat.latency_p99.png")));
  }

  void programRunsWithoutADisplay() {
    // The installed program next to leptonsim (not a build dependency of this test).
    const QString program = QFileInfo(QStringLiteral(LEPTONSIM_BINARY)).dir().filePath(QStringLiteral("leptonsim-plot"));
    if (!QFileInfo(program).isExecutable()) QSKIP("leptonsim-plot is not built");
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    process.setProcessEnvironment(environment);
    const QString out = dir_.filePath(QStringLiteral("program"));
    process.start(program, {sweepPath_, QStringLiteral("-o"), out, QStringLiteral("--metric"), QStringLiteral("cost.total"),
                            QStringLiteral("--format"), QStringLiteral("png")});
    QVERIFY(process.waitForFinished(120000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    QVERIFY(QImage(QDir(out).filePath(QStringLiteral("pareto-cost.total-vs-service.chat.latency_p99.png"))).width() == 1600);

    process.start(program, {sweepPath_, QStringLiteral("-o"), out, QStringLiteral("--metric"), QStringLiteral("nope")});
    QVERIFY(process.waitForFinished(120000));
    QCOMPARE(process.exitCode(), 2);
  }
};

QTEST_MAIN(TestPlotCommand)
#include "test_PlotCommand.moc"
