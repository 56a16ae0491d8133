// End-to-end: the real window on a real X server (run by ctest under xvfb-run).
// Opens the quickstart scenario, starts runs through the toolbar button, waits
// for the child processes to finish and the reports to load, saves screenshots
// of the dashboard and the compare view, and checks that the plot areas show
// drawn data rather than background.
#include <QAbstractButton>
#include <QDir>
#include <QImage>
#include <QSpinBox>
#include <QToolBar>
#include <QtTest>

#include "app/MainWindow.hpp"
#include "charts/CompareView.hpp"
#include "charts/DashboardView.hpp"
#include "charts/TimeSeriesChart.hpp"
#include "editor/ScenarioEditor.hpp"

using namespace leptonsim::gui;

namespace {

// Pixels of a chart's plot area that are clearly coloured (curves), as opposed
// to the white background, grey grid lines and black axes/text.
int colouredPixelsInPlotArea(QWidget& window, TimeSeriesChart* chart, const QImage& shot) {
  const QRect plot = chart->axisRect()->rect();
  const QPoint origin = chart->mapTo(&window, plot.topLeft());
  const double scale = shot.devicePixelRatio();
  int coloured = 0;
  for (int y = 0; y < plot.height(); ++y)
    for (int x = 0; x < plot.width(); ++x) {
      const QColor c = shot.pixelColor(static_cast<int>((origin.x() + x) * scale), static_cast<int>((origin.y() + y) * scale));
      const int spread = std::max({c.red(), c.green(), c.blue()}) - std::min({c.red(), c.green(), c.blue()});
      if (spread > 60) ++coloured;
    }
  return coloured;
}

QAbstractButton* toolbarButtonFor(MainWindow& window, QAction* action) {
  for (QToolBar* toolbar : window.findChildren<QToolBar*>())
    if (auto* button = qobject_cast<QAbstractButton*>(toolbar->widgetForAction(action))) return button;
  return nullptr;
}

}  // namespace

class MainWindowEndToEnd : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void runFromTheGuiAndSeeTheDashboard() {
    const QString outputDir = QStringLiteral(LEPTONSIM_E2E_OUTPUT_DIR);
    QVERIFY(QDir().mkpath(outputDir));
    MainWindow window(QStringLiteral(LEPTONSIM_BINARY));
    window.resize(1600, 1000);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QVERIFY(window.openScenario(QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/quickstart.yaml")));
    QTRY_VERIFY_WITH_TIMEOUT(window.scenarioEditor()->isValid(), 30000);
    QTRY_VERIFY(window.runAction()->isEnabled());

    // Two seeds, started with the toolbar's Run button as a user would.
    auto* seeds = window.findChild<QSpinBox*>("SeedsSpinBox");
    QVERIFY(seeds != nullptr);
    seeds->setValue(2);
    QAbstractButton* runButton = toolbarButtonFor(window, window.runAction());
    QVERIFY(runButton != nullptr);
    QTest::mouseClick(runButton, Qt::LeftButton);

    QTRY_COMPARE_WITH_TIMEOUT(window.loadedRuns().size(), 2, 240000);
    QTRY_COMPARE_WITH_TIMEOUT(window.pendingWork(), 0, 60000);

    window.showTab(MainWindow::Tab::dashboard);
    QTest::qWait(300);
    const QImage dashboardShot = window.grab().toImage();
    QVERIFY(dashboardShot.save(outputDir + "/dashboard.png"));
    const QList<TimeSeriesChart*> charts = window.dashboard()->charts();
    QVERIFY(!charts.isEmpty());
    QVERIFY2(window.dashboard()->visiblePanelCount() >= 4, "expected the main panels of a serving run");
    const int coloured = colouredPixelsInPlotArea(window, charts.front(), dashboardShot);
    QVERIFY2(coloured > 200, qPrintable(QString("only %1 coloured pixels in the first plot area").arg(coloured)));

    window.compareFirstRuns(2);
    QTest::qWait(300);
    const QImage compareShot = window.grab().toImage();
    QVERIFY(compareShot.save(outputDir + "/compare.png"));
    const QList<TimeSeriesChart*> compareCharts = window.compareView()->dashboard()->charts();
    QVERIFY(!compareCharts.isEmpty());
    QVERIFY(colouredPixelsInPlotArea(window, compareCharts.front(), compareShot) > 200);
  }
};

QTEST_MAIN(MainWindowEndToEnd)
#include "e2e_MainWindow.moc"
