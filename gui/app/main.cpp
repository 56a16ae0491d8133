// leptonsim-gui: open scenarios and reports, run, compare.
//
//   leptonsim-gui [FILE ...]                      scenarios (.yaml) and reports (.db)
//   leptonsim-gui scenarios/quickstart.yaml --run --screenshot out/dash.png --tab dashboard
//
// --screenshot waits until every run and load asked for has finished, saves the
// window as PNG and exits: the README's screenshots and the open-report
// benchmark use it.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QImage>
#include <QMap>
#include <QTimer>

#include <cstdio>

#include "app/MainWindow.hpp"
#include "topology/TopologyView.hpp"

using leptonsim::gui::MainWindow;

namespace {

struct ScreenshotJob {
  QString path;
  MainWindow::Tab tab = MainWindow::Tab::dashboard;
  int compareRuns = 0;
  double topologyTime = -1.0;  // simulated seconds; < 0 = leave as loaded
  int timeoutSeconds = 600;
};

// Polls until the window has nothing in flight, then saves it and quits.
void scheduleScreenshot(MainWindow& window, const ScreenshotJob& job, const QElapsedTimer& clock) {
  auto* timer = new QTimer(&window);
  timer->setInterval(25);
  QObject::connect(timer, &QTimer::timeout, &window, [&window, job, &clock, timer] {
    if (clock.elapsed() > job.timeoutSeconds * 1000LL) {
      std::fprintf(stderr, "leptonsim-gui: gave up waiting after %d s\n", job.timeoutSeconds);
      QApplication::exit(1);
      return;
    }
    if (window.pendingWork() > 0) return;
    timer->stop();
    if (job.compareRuns > 0) window.compareFirstRuns(job.compareRuns);
    if (job.topologyTime >= 0) window.topologyView()->setTime(job.topologyTime);
    window.showTab(job.tab);
    // Let queued replots and layouts run before grabbing.
    QTimer::singleShot(100, &window, [&window, job, &clock] {
      const qint64 shownMs = clock.elapsed();
      const QImage image = window.grab().toImage();
      const bool ok = !image.isNull() && image.save(job.path);
      std::printf("screenshot: %s (%dx%d), everything loaded and drawn %lld ms after start\n",
                  qPrintable(job.path), image.width(), image.height(), static_cast<long long>(shownMs));
      std::fflush(stdout);
      QApplication::exit(ok ? 0 : 1);
    });
  });
  timer->start();
}

}  // namespace

int main(int argc, char** argv) {
  QElapsedTimer clock;
  clock.start();
  QApplication app(argc, argv);
  QApplication::setApplicationName("leptonsim-gui");
  QApplication::setOrganizationName("leptonsim");
  QApplication::setApplicationVersion(LEPTONSIM_VERSION);

  QCommandLineParser parser;
  parser.setApplicationDescription("leptonsim desktop GUI: edit scenarios, run them, and explore reports and sweeps.");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("files", "Scenario files (.yaml) and reports or sweep databases (.db) to open.",
                               "[FILE...]");
  const QCommandLineOption simulatorOption("simulator", "The leptonsim program runs use.", "path");
  const QCommandLineOption runOption("run", "Run the opened scenario at start-up.");
  const QCommandLineOption seedsOption("seeds", "With --run: number of seeds to run.", "n", "1");
  const QCommandLineOption screenshotOption(
      "screenshot", "When every run and load has finished, save the window to this PNG and exit.", "png");
  const QCommandLineOption tabOption("tab", "Tab to show: scenario, runs, dashboard, compare, sweep, topology.",
                                     "tab", "dashboard");
  const QCommandLineOption compareOption("compare", "Tick the first N loaded runs in the compare view.", "n", "0");
  const QCommandLineOption timeOption("time", "Topology view: show the cluster at this simulated time (seconds).",
                                      "seconds");
  const QCommandLineOption sizeOption("size", "Window size, e.g. 1600x1000.", "WxH", "1500x950");
  parser.addOptions({simulatorOption, runOption, seedsOption, screenshotOption, tabOption, compareOption, timeOption,
                     sizeOption});
  parser.process(app);

  const QMap<QString, MainWindow::Tab> tabs{{"scenario", MainWindow::Tab::scenario},   {"runs", MainWindow::Tab::runs},
                                           {"dashboard", MainWindow::Tab::dashboard}, {"compare", MainWindow::Tab::compare},
                                           {"sweep", MainWindow::Tab::sweep},         {"topology", MainWindow::Tab::topology}};
  if (!tabs.contains(parser.value(tabOption))) {
    std::fprintf(stderr, "leptonsim-gui: unknown --tab '%s' (scenario, runs, dashboard, compare, sweep, topology)\n",
                 qPrintable(parser.value(tabOption)));
    return 2;
  }
  const QStringList size = parser.value(sizeOption).split('x');
  if (size.size() != 2 || size[0].toInt() < 200 || size[1].toInt() < 200) {
    std::fprintf(stderr, "leptonsim-gui: --size must look like 1600x1000\n");
    return 2;
  }
  for (const QString& file : parser.positionalArguments())
    if (!QFileInfo(file).isFile()) {
      std::fprintf(stderr, "leptonsim-gui: %s: no such file\n", qPrintable(file));
      return 2;
    }

  MainWindow window(parser.value(simulatorOption));
  window.resize(size[0].toInt(), size[1].toInt());
  window.show();
  for (const QString& file : parser.positionalArguments()) window.openPath(file);
  if (parser.isSet(runOption)) {
    // The editor validates off the UI thread; run once it has a verdict.
    QTimer::singleShot(0, &window, [&window, &parser, &seedsOption] {
      window.runScenario(qMax(1, parser.value(seedsOption).toInt()));
    });
  }
  if (parser.isSet(screenshotOption)) {
    ScreenshotJob job;
    job.path = parser.value(screenshotOption);
    job.tab = tabs.value(parser.value(tabOption));
    job.compareRuns = parser.value(compareOption).toInt();
    if (parser.isSet(timeOption)) job.topologyTime = parser.value(timeOption).toDouble();
    if (!QFileInfo(job.path).absoluteDir().exists()) QDir().mkpath(QFileInfo(job.path).absolutePath());
    // Give --run a moment to register its runs before the first poll.
    QTimer::singleShot(parser.isSet(runOption) ? 500 : 0, &window, [&window, job, &clock] {
      scheduleScreenshot(window, job, clock);
    });
  } else if (parser.value(compareOption).toInt() > 0) {
    window.compareFirstRuns(parser.value(compareOption).toInt());
  }
  return app.exec();
}
