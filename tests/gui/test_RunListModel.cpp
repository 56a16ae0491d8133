// RunListModel over a RunManager running real simulator processes, and the
// RunsPanel that shows it (buttons, details, double-click, a rendered PNG).
#include "app/RunsPanel.hpp"
#include "core/RunListModel.hpp"
#include "core/RunManager.hpp"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/types.h>

using leptonsim::gui::RunJob;
using leptonsim::gui::RunListModel;
using leptonsim::gui::RunManager;
using leptonsim::gui::RunRequest;
using leptonsim::gui::RunsPanel;

namespace {

constexpr int kTimeoutMs = 60000;

RunRequest quickstart(const QString& duration, const QString& label = {}) {
  RunRequest request;
  request.scenarioPath = QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/quickstart.yaml");
  request.overrides = {QStringLiteral("duration=") + duration, QStringLiteral("warmup=0s")};
  request.label = label;
  return request;
}

QString typoScenario(const QTemporaryDir& directory) {
  const QString path = directory.filePath(QStringLiteral("typo.yaml"));
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return {};
  file.write("name: typo\nduration: 10min\nseeed: 3\nplatform:\n  sites: []\n");
  return path;
}

template <typename T>
T* findButton(QWidget* parent, const QString& text) {
  for (T* button : parent->findChildren<T*>())
    if (button->text() == text) return button;
  return nullptr;
}

}  // namespace

class TestRunListModel : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() {
    directory_ = std::make_unique<QTemporaryDir>();
    QVERIFY(directory_->isValid());
  }

  void rowsColumnsAndValues() {
    RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
    manager.setRunsDirectory(directory_->path());
    manager.setMaxParallel(1);
    RunListModel model(&manager);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), 6);
    const QStringList expectedHeaders{QStringLiteral("Run"),      QStringLiteral("Seed"),
                                      QStringLiteral("Status"),   QStringLiteral("Progress"),
                                      QStringLiteral("Wall time (s)"), QStringLiteral("Report")};
    for (int column = 0; column < model.columnCount(); ++column)
      QCOMPARE(model.headerData(column, Qt::Horizontal).toString(), expectedHeaders[column]);

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy finished(&manager, &RunManager::runFinished);
    RunRequest seeded = quickstart(QStringLiteral("10min"), QStringLiteral("first"));
    seeded.seed = 11;
    const int first = manager.startRun(seeded);
    const int second = manager.startRun(quickstart(QStringLiteral("10min")));
    QCOMPARE(model.runIdAt(1), second);
    RunRequest broken;
    broken.scenarioPath = typoScenario(*directory_);
    const int third = manager.startRun(broken);
    QCOMPARE(inserted.count(), 3);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.runIdAt(0), first);
    QCOMPARE(model.rowOf(third), 2);
    QCOMPARE(model.runIdAt(3), 0);

    // Before anything ran: first running, the others queued at 0 %.
    QCOMPARE(model.index(0, RunListModel::RunColumn).data().toString(), QStringLiteral("first"));
    QCOMPARE(model.index(0, RunListModel::SeedColumn).data().toString(), QStringLiteral("11"));
    QCOMPARE(model.index(1, RunListModel::SeedColumn).data().toString(), QStringLiteral("42"));
    QCOMPARE(model.index(1, RunListModel::RunColumn).data().toString(), QStringLiteral("quickstart"));
    QCOMPARE(model.index(1, RunListModel::StatusColumn).data().toString(), QStringLiteral("queued"));
    QCOMPARE(model.index(1, RunListModel::ProgressColumn).data().toInt(), 0);
    QCOMPARE(model.index(1, RunListModel::ReportColumn).data().toString(), QString());
    QCOMPARE(model.index(2, RunListModel::RunColumn, {}).data(RunListModel::RunIdRole).toInt(), third);

    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 3 * kTimeoutMs);
    QVERIFY(changed.count() >= 3);

    const QModelIndex progress = model.index(0, RunListModel::ProgressColumn);
    QCOMPARE(progress.data().toInt(), 100);
    QCOMPARE(progress.data(RunListModel::RawValueRole).toDouble(), 1.0);
    QCOMPARE(model.index(0, RunListModel::StatusColumn).data().toString(), QStringLiteral("finished"));
    QCOMPARE(model.index(0, RunListModel::StatusColumn).data(RunListModel::RawValueRole).toInt(),
             int(RunJob::finished));
    QCOMPARE(model.index(0, RunListModel::SeedColumn).data(RunListModel::RawValueRole).value<quint64>(), quint64(11));
    const double wall = model.index(0, RunListModel::WallTimeColumn).data(RunListModel::RawValueRole).toDouble();
    QVERIFY(wall > 0.0 && wall < 60.0);
    QCOMPARE(model.index(0, RunListModel::WallTimeColumn).data().toString(), QString::number(wall, 'f', 1));
    QCOMPARE(model.index(0, RunListModel::ReportColumn).data().toString(),
             QFileInfo(manager.job(first)->reportPath).fileName());
    QCOMPARE(model.index(0, RunListModel::ReportColumn).data(RunListModel::RawValueRole).toString(),
             manager.job(first)->reportPath);

    // The invalid scenario: failed, with the validation issues in the tooltip.
    QCOMPARE(model.index(2, RunListModel::StatusColumn).data().toString(), QStringLiteral("failed: invalid scenario"));
    const QString tip = model.index(2, RunListModel::RunColumn).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("seeed")) && tip.contains(QStringLiteral("did you mean `seed`")),
             qPrintable(tip));
    QCOMPARE(model.index(2, RunListModel::StatusColumn).data(Qt::ToolTipRole).toString(), tip);
  }

  void modelCreatedAfterRunsStartedShowsThem() {
    RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
    manager.setRunsDirectory(directory_->path());
    manager.startRun(quickstart(QStringLiteral("2min")));
    manager.startRun(quickstart(QStringLiteral("2min")));
    RunListModel model(&manager);
    QCOMPARE(model.rowCount(), 2);
    QSignalSpy finished(&manager, &RunManager::runFinished);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
  }

  void panelControlsAndRendering() {
    RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
    manager.setRunsDirectory(directory_->path());
    manager.setMaxParallel(1);
    RunsPanel panel(&manager);
    panel.resize(900, 420);
    panel.show();
    QCOMPARE(panel.manager(), &manager);
    auto* maxParallel = panel.findChild<QSpinBox*>();
    QVERIFY(maxParallel);
    QCOMPARE(maxParallel->value(), 1);
    maxParallel->setValue(2);
    QCOMPARE(manager.maxParallel(), 2);
    manager.setMaxParallel(1);
    QCOMPARE(maxParallel->value(), 1);

    QPushButton* cancel = findButton<QPushButton>(&panel, QStringLiteral("Cancel"));
    QPushButton* cancelAll = findButton<QPushButton>(&panel, QStringLiteral("Cancel all"));
    QPushButton* open = findButton<QPushButton>(&panel, QStringLiteral("Open report"));
    QVERIFY(cancel && cancelAll && open);
    QVERIFY(!cancel->isEnabled() && !cancelAll->isEnabled() && !open->isEnabled());

    QSignalSpy finished(&manager, &RunManager::runFinished);
    const int done = manager.startRun(quickstart(QStringLiteral("10min"), QStringLiteral("baseline")));
    RunRequest broken;
    broken.scenarioPath = typoScenario(*directory_);
    const int invalid = manager.startRun(broken);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 2 * kTimeoutMs);
    RunRequest more = quickstart(QStringLiteral("10min"), QStringLiteral("12 replicas"));
    more.overrides << QStringLiteral("services[0].replicas=12");
    const int cancelled = manager.startRun(more);
    manager.cancel(cancelled);
    const int running = manager.startRun(quickstart(QStringLiteral("200h"), QStringLiteral("long run")));
    const int queued = manager.startRun(quickstart(QStringLiteral("200h"), QStringLiteral("waiting")));
    // The first progress line (1 %); sanitizer builds are slow to get there.
    QTRY_VERIFY_WITH_TIMEOUT(manager.job(running)->fraction > 0.0, 3 * kTimeoutMs);
    QVERIFY(cancelAll->isEnabled());

    // A finished run: Open report and double-click ask for its report.
    QSignalSpy openRequests(&panel, &RunsPanel::openReportRequested);
    panel.selectRun(done);
    QCOMPARE(panel.selectedRunId(), done);
    QVERIFY(open->isEnabled());
    QVERIFY(!cancel->isEnabled());
    open->click();
    QCOMPARE(openRequests.count(), 1);
    QCOMPARE(openRequests.first().first().toString(), manager.job(done)->reportPath);
    emit panel.view()->doubleClicked(panel.model()->index(panel.model()->rowOf(done), 0));
    QCOMPARE(openRequests.count(), 2);
    // Double-clicking a run without a report does nothing.
    emit panel.view()->doubleClicked(panel.model()->index(panel.model()->rowOf(invalid), 0));
    QCOMPARE(openRequests.count(), 2);

    // The invalid run shows its issues below the list.
    panel.selectRun(invalid);
    auto* details = panel.findChild<QPlainTextEdit*>();
    QVERIFY(details);
    QVERIFY2(details->toPlainText().contains(QStringLiteral("seeed")), qPrintable(details->toPlainText()));
    QVERIFY(!open->isEnabled());

    // Render with a finished, a failed, a cancelled, a running and a queued run.
    panel.selectRun(invalid);
    QApplication::processEvents();
    const QString screenshot = QDir::temp().filePath(QStringLiteral("leptonsim-gui-RunsPanel.png"));
    QVERIFY(panel.grab().save(screenshot));

    // Cancel from the panel: the selected running run.
    panel.selectRun(running);
    QVERIFY(cancel->isEnabled());
    cancel->click();
    QVERIFY(!cancel->isEnabled());  // already cancelling
    QTRY_COMPARE_WITH_TIMEOUT(manager.job(running)->status, RunJob::cancelled, kTimeoutMs);
    // The queued run started in its place; Cancel all stops it.
    QTRY_COMPARE_WITH_TIMEOUT(manager.job(queued)->status, RunJob::running, kTimeoutMs);
    cancelAll->click();
    QTRY_COMPARE_WITH_TIMEOUT(manager.job(queued)->status, RunJob::cancelled, kTimeoutMs);
    QVERIFY(!cancelAll->isEnabled());
  }

  void panelWithItsOwnManager() {
    qputenv("LEPTONSIM_BINARY", LEPTONSIM_BINARY);
    qint64 pid = 0;
    {
      RunsPanel panel;
      QVERIFY(panel.manager());
      QVERIFY(!panel.manager()->simulatorPath().isEmpty());
      panel.manager()->setRunsDirectory(directory_->path());
      // Whatever simulator was found (beside the test or from the environment) runs.
      const int id = panel.manager()->startRun(quickstart(QStringLiteral("200h")));
      panel.selectRun(id);
      QTRY_VERIFY_WITH_TIMEOUT(panel.manager()->job(id)->processId > 0, kTimeoutMs);
      pid = panel.manager()->job(id)->processId;
    }
    // The panel took its manager and the run with it.
    QVERIFY(::kill(static_cast<pid_t>(pid), 0) != 0);
    qunsetenv("LEPTONSIM_BINARY");
  }

 private:
  std::unique_ptr<QTemporaryDir> directory_;
};

QTEST_MAIN(TestRunListModel)
#include "test_RunListModel.moc"
