// RunManager: real `leptonsim run` child processes (LEPTONSIM_BINARY) driven
// from the event loop. Timeouts are generous: CI is a slow 2-core machine.
#include "core/RunManager.hpp"

#include "SqliteReport.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <cerrno>
#include <sys/types.h>

using leptonsim::gui::RunJob;
using leptonsim::gui::RunManager;
using leptonsim::gui::RunRequest;

namespace {

constexpr int kTimeoutMs = 60000;

QString quickstartPath() { return QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/quickstart.yaml"); }

RunRequest shortQuickstart(const QString& duration = QStringLiteral("10min")) {
  RunRequest request;
  request.scenarioPath = quickstartPath();
  request.overrides = {QStringLiteral("duration=") + duration, QStringLiteral("warmup=0s")};
  return request;
}

bool processIsGone(qint64 pid) { return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

}  // namespace

class TestRunManager : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() {
    runsDirectory_ = std::make_unique<QTemporaryDir>();
    QVERIFY(runsDirectory_->isValid());
  }

  void runFinishesWithReport() {
    RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
    manager.setRunsDirectory(runsDirectory_->path());
    QSignalSpy added(&manager, &RunManager::runAdded);
    QSignalSpy finished(&manager, &RunManager::runFinished);
    QSignalSpy changed(&manager, &RunManager::runChanged);

    RunRequest request = shortQuickstart();
    request.seed = 7;
    const int id = manager.startRun(request);
    QCOMPARE(added.count(), 1);
    QCOMPARE(added.first().first().toInt(), id);
    QVERIFY(manager.job(id));
    QCOMPARE(manager.job(id)->status, RunJob::running);
    QCOMPARE(manager.job(id)->label, QStringLiteral("quickstart"));
    QCOMPARE(manager.job(id)->seed, quint64(7));

    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(finished.first().at(0).toInt(), id);
    QCOMPARE(finished.first().at(1).toBool(), true);
    const RunJob* job = manager.job(id);
    QCOMPARE(job->status, RunJob::finished);
    QCOMPARE(job->exitCode, 0);
    QCOMPARE(job->fraction, 1.0);
    QCOMPARE(job->simTime, 600.0);
    QVERIFY(job->wallSeconds > 0.0);
    QCOMPARE(job->processId, qint64(0));
    QVERIFY(job->issues.isEmpty());
    // Progress JSON is not kept. (A sanitizer build of the simulator warns about
    // SimGrid's context switches on stderr: those lines are not the simulator's.)
    QString ownLines;
    for (const QString& line : job->stderrTail.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
      if (!line.startsWith(QStringLiteral("==")) && !line.contains(QStringLiteral("False positive error reports")) &&
          !line.contains(QStringLiteral("google/sanitizers")))
        ownLines += line;
    QVERIFY2(ownLines.isEmpty(), qPrintable(job->stderrTail));
    QVERIFY(job->reportPath.startsWith(runsDirectory_->path()));
    QVERIFY(job->reportPath.endsWith(QStringLiteral("quickstart-%1.db").arg(id)));
    QVERIFY(changed.count() >= 2);  // at least running and finished

    const leptonsim::ReportReader reader(job->reportPath.toStdString());
    const auto ids = reader.run_ids();
    QCOMPARE(ids.size(), std::size_t(1));
    QCOMPARE(reader.run(ids.front()).seed, std::uint64_t(7));
    QCOMPARE(reader.run(ids.front()).simulated_seconds, 600.0);
    // No temporary report left behind.
    QCOMPARE(QDir(runsDirectory_->path()).entryList({QStringLiteral("*.tmp-*")}, QDir::Files).size(), 0);
  }

  void seedIsReadFromScenarioAndOverrides() {
    RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
    manager.setRunsDirectory(runsDirectory_->path());
    manager.setMaxParallel(1);
    const int fromFile = manager.startRun(shortQuickstart());
    RunRequest overridden = shortQuickstart();
    overridden.overrides << QStringLiteral("seed=99");
    const int fromSet = manager.startRun(overridden);
    QCOMPARE(manager.job(fromFile)->seed, quint64(42));  // quickstart.yaml says seed: 42
    QCOMPARE(manager.job(fromSet)->seed, quint64(99));
    QSignalSpy finished(&manager, &RunManager::runFinished);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
    const leptonsim::ReportReader reader(manager.job(fromSet)->reportPath.toStdString());
    QCOMPARE(reader.run(reader.run_ids().front()).seed, std::uint64_t(99));
  }

  void queueRespectsMaxParallel() {
    RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
    manager.setRunsDirectory(runsDirectory_->path());
    manager.setMaxParallel(1);
    QCOMPARE(manager.maxParallel(), 1);

    int mostRunning = 0;
    auto record = [&] { mostRunning = qMax(mostRunning, manager.runningCount()); };
    connect(&manager, &RunManager::runChanged, this, record);
    QSignalSpy finished(&manager, &RunManager::runFinished);

    QList<int> ids;
    for (int k = 0; k < 3; ++k) {
      RunRequest request = shortQuickstart(QStringLiteral("5min"));
      request.label = QStringLiteral("queued %1").arg(k);
      ids << manager.startRun(request);
      record();
    }
    QCOMPARE(manager.runningCount(), 1);
    QCOMPARE(manager.queuedCount(), 2);
    QCOMPARE(manager.job(ids[0])->status, RunJob::running);
    QCOMPARE(manager.job(ids[1])->status, RunJob::queued);
    QCOMPARE(manager.job(ids[2])->status, RunJob::queued);
    QCOMPARE(manager.jobIds(), ids);

    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 3 * kTimeoutMs);
    QCOMPARE(mostRunning, 1);
    for (int id : ids) {
      QCOMPARE(manager.job(id)->status, RunJob::finished);
      QVERIFY(QFileInfo::exists(manager.job(id)->reportPath));
    }
    // Runs finish in the order they were queued.
    for (int k = 0; k < 3; ++k) QCOMPARE(finished.at(k).at(0).toInt(), ids[k]);
    // The label names the report file (unsafe characters replaced).
    QVERIFY(manager.job(ids[1])->reportPath.endsWith(QStringLiteral("queued_1-%1.db").arg(ids[1])));
  }

  void cancelLongRun() {
    RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
    manager.setRunsDirectory(runsDirectory_->path());
    manager.setMaxParallel(1);
    QSignalSpy finished(&manager, &RunManager::runFinished);
    const int id = manager.startRun(shortQuickstart(QStringLiteral("200h")));
    const int waiting = manager.startRun(shortQuickstart(QStringLiteral("200h")));
    const RunJob* job = manager.job(id);
    QTRY_VERIFY_WITH_TIMEOUT(job->processId > 0 && job->fraction > 0.0, kTimeoutMs);
    const qint64 pid = job->processId;
    const QString report = job->reportPath;

    manager.cancel(waiting);  // queued: cancelled at once, never started
    QCOMPARE(manager.job(waiting)->status, RunJob::cancelled);
    QCOMPARE(finished.count(), 1);

    manager.cancel(id);
    QVERIFY(job->cancelRequested);
    QTRY_COMPARE_WITH_TIMEOUT(job->status, RunJob::cancelled, kTimeoutMs);
    QCOMPARE(finished.count(), 2);
    QCOMPARE(finished.last().at(1).toBool(), false);
    QVERIFY(processIsGone(pid));
    QVERIFY(!QFileInfo::exists(report));
    QCOMPARE(QDir(runsDirectory_->path()).entryList({QStringLiteral("*.db*")}, QDir::Files), QStringList());
    QCOMPARE(manager.runningCount(), 0);
    QCOMPARE(manager.queuedCount(), 0);
  }

  void cancelAllAndDestructorKill() {
    qint64 pid = 0;
    {
      RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
      manager.setRunsDirectory(runsDirectory_->path());
      manager.setMaxParallel(2);
      QList<int> ids;
      for (int k = 0; k < 3; ++k) ids << manager.startRun(shortQuickstart(QStringLiteral("200h")));
      QTRY_VERIFY_WITH_TIMEOUT(manager.job(ids[0])->processId > 0, kTimeoutMs);
      manager.cancelAll();
      QCOMPARE(manager.job(ids[2])->status, RunJob::cancelled);  // the queued one never starts
      QTRY_COMPARE_WITH_TIMEOUT(manager.runningCount(), 0, kTimeoutMs);
      for (int id : ids) QCOMPARE(manager.job(id)->status, RunJob::cancelled);

      // A run still going when the manager is destroyed is killed with it.
      const int last = manager.startRun(shortQuickstart(QStringLiteral("200h")));
      QTRY_VERIFY_WITH_TIMEOUT(manager.job(last)->processId > 0, kTimeoutMs);
      pid = manager.job(last)->processId;
    }
    QVERIFY(processIsGone(pid));
    QCOMPARE(QDir(runsDirectory_->path()).entryList({QStringLiteral("*.db*")}, QDir::Files), QStringList());
  }

  void invalidScenarioFailsWithIssues() {
    const QString scenario = QDir(runsDirectory_->path()).filePath(QStringLiteral("typo.yaml"));
    {
      QFile file(scenario);
      QVERIFY(file.open(QIODevice::WriteOnly));
      QFile original(quickstartPath());
      QVERIFY(original.open(QIODevice::ReadOnly));
      QByteArray text = original.readAll();
      text.replace("duration: 1h", "duraton: 1h");
      file.write(text);
    }
    RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
    manager.setRunsDirectory(runsDirectory_->path());
    QSignalSpy finished(&manager, &RunManager::runFinished);
    RunRequest request;
    request.scenarioPath = scenario;
    const int id = manager.startRun(request);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    const RunJob* job = manager.job(id);
    QCOMPARE(job->status, RunJob::failed);
    QCOMPARE(finished.first().at(1).toBool(), false);
    QCOMPARE(job->exitCode, 2);
    QCOMPARE(job->issues.size(), 1);
    QVERIFY2(job->issues.first().contains(QStringLiteral("duraton")), qPrintable(job->issues.first()));
    QVERIFY(job->issues.first().contains(QStringLiteral("did you mean `duration`")));
    QVERIFY(job->issues.first().startsWith(scenario + QStringLiteral(":")));
    QVERIFY(job->stderrTail.contains(QStringLiteral("nothing was run")));
    QVERIFY(!QFileInfo::exists(job->reportPath));
  }

  void badOverrideFailsWithIssue() {
    RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
    manager.setRunsDirectory(runsDirectory_->path());
    QSignalSpy finished(&manager, &RunManager::runFinished);
    RunRequest request = shortQuickstart();
    request.overrides << QStringLiteral("services[0].replicas=many");
    const int id = manager.startRun(request);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(manager.job(id)->exitCode, 2);
    QVERIFY(!manager.job(id)->issues.isEmpty());
    QVERIFY2(manager.job(id)->issues.join(u'\n').contains(QStringLiteral("replicas")),
             qPrintable(manager.job(id)->issues.join(u'\n')));
  }

  void scenarioTextRun() {
    QFile original(quickstartPath());
    QVERIFY(original.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(original.readAll());
    text.replace(QStringLiteral("name: quickstart"), QStringLiteral("name: edited-quickstart"));
    text.replace(QStringLiteral("seed: 42"), QStringLiteral("seed: 5"));
    text.replace(QStringLiteral("duration: 1h"), QStringLiteral("duration: 10min"));

    RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
    manager.setRunsDirectory(runsDirectory_->path());
    QSignalSpy finished(&manager, &RunManager::runFinished);
    RunRequest request;  // text only: a new scenario never saved
    request.scenarioText = text;
    const int id = manager.startRun(request);
    const RunJob* job = manager.job(id);
    QCOMPARE(job->label, QStringLiteral("edited-quickstart"));
    QCOMPARE(job->seed, quint64(5));
    QVERIFY(job->sourcePath.isEmpty());
    QCOMPARE(job->scenarioPath, QDir(runsDirectory_->path()).filePath(QStringLiteral("edited-quickstart-%1.yaml").arg(id)));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(job->status == RunJob::finished, qPrintable(job->stderrTail));
    QCOMPARE(job->simTime, 600.0);
    const leptonsim::ReportReader reader(job->reportPath.toStdString());
    const leptonsim::RunRecord record = reader.run(reader.run_ids().front());
    QCOMPARE(record.scenario_name, std::string("edited-quickstart"));
    QCOMPARE(record.seed, std::uint64_t(5));
  }

  void scenarioTextKeepsRelativeTracePaths() {
    // An edited scenario whose trace path is relative to its own folder.
    const QDir folder(runsDirectory_->path());
    QVERIFY(folder.mkpath(QStringLiteral("project/traces")));
    QVERIFY(QFile::copy(QStringLiteral(LEPTONSIM_SOURCE_DIR "/tests/fixtures/traces/azure_llm_small.csv"),
                        folder.filePath(QStringLiteral("project/traces/small.csv"))));
    const QString scenarioFile = folder.filePath(QStringLiteral("project/traced.yaml"));
    QFile original(quickstartPath());
    QVERIFY(original.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(original.readAll());
    text.replace(QStringLiteral("arrivals: {process: poisson, rate: 60/s}"),
                 QStringLiteral("arrivals: {process: trace, trace: {format: azure_llm_csv, path: traces/small.csv, loop: true}}"));
    QVERIFY(text.contains(QStringLiteral("traces/small.csv")));
    {
      QFile saved(scenarioFile);  // what is on disk: the unedited quickstart
      QVERIFY(saved.open(QIODevice::WriteOnly));
      saved.write(QByteArray("name: stale\n"));
    }

    RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
    manager.setRunsDirectory(folder.filePath(QStringLiteral("runs")));
    QSignalSpy finished(&manager, &RunManager::runFinished);
    RunRequest request;
    request.scenarioPath = scenarioFile;
    request.scenarioText = text;
    request.overrides = {QStringLiteral("duration=10min")};
    const int good = manager.startRun(request);
    const RunJob* job = manager.job(good);
    QCOMPARE(job->sourcePath, scenarioFile);
    QCOMPARE(QFileInfo(job->scenarioPath).absolutePath(), QFileInfo(scenarioFile).absolutePath());
    QVERIFY(QFileInfo::exists(job->scenarioPath));
    const QString copy = job->scenarioPath;

    // The same text with a typo: messages name the user's file, not the copy.
    request.scenarioText = QString(text).replace(QStringLiteral("sample_interval:"), QStringLiteral("sample_intervall:"));
    const int bad = manager.startRun(request);

    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 2 * kTimeoutMs);
    QVERIFY2(job->status == RunJob::finished, qPrintable(job->stderrTail));
    QVERIFY(!QFileInfo::exists(copy));  // temporary copies are removed when the run ends
    QVERIFY(!QFileInfo::exists(manager.job(bad)->scenarioPath));
    QCOMPARE(manager.job(bad)->exitCode, 2);
    QCOMPARE(manager.job(bad)->issues.size(), 1);
    QVERIFY2(manager.job(bad)->issues.first().startsWith(scenarioFile + QStringLiteral(":")),
             qPrintable(manager.job(bad)->issues.first()));
    QVERIFY(manager.job(bad)->issues.first().contains(QStringLiteral("sample_intervall")));
    QCOMPARE(QDir(QFileInfo(scenarioFile).absolutePath()).entryList(QDir::Files | QDir::Hidden),
             QStringList{QStringLiteral("traced.yaml")});
  }

  void explicitReportPathAndMissingSimulator() {
    const QString report = QDir(runsDirectory_->path()).filePath(QStringLiteral("sub/dir/mine.db"));
    RunManager manager(QStringLiteral(LEPTONSIM_BINARY));
    manager.setRunsDirectory(runsDirectory_->path());
    QSignalSpy finished(&manager, &RunManager::runFinished);
    RunRequest request = shortQuickstart(QStringLiteral("2min"));
    request.reportPath = report;
    const int id = manager.startRun(request);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(manager.job(id)->status, RunJob::finished);
    QCOMPARE(manager.job(id)->reportPath, report);
    QVERIFY(QFileInfo::exists(report));

    RunManager broken(QDir(runsDirectory_->path()).filePath(QStringLiteral("no-such-leptonsim")));
    broken.setRunsDirectory(runsDirectory_->path());
    QSignalSpy brokenFinished(&broken, &RunManager::runFinished);
    const int failed = broken.startRun(shortQuickstart());
    QTRY_COMPARE_WITH_TIMEOUT(brokenFinished.count(), 1, kTimeoutMs);
    QCOMPARE(broken.job(failed)->status, RunJob::failed);
    QVERIFY2(broken.job(failed)->stderrTail.contains(QStringLiteral("no-such-leptonsim")),
             qPrintable(broken.job(failed)->stderrTail));
  }

  void defaultSimulatorPathUsesEnvironment() {
    // The test binary has no `leptonsim` beside it unless both live in bin/.
    const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("leptonsim"));
    qputenv("LEPTONSIM_BINARY", "/opt/somewhere/leptonsim");
    const QString path = RunManager::defaultSimulatorPath();
    qunsetenv("LEPTONSIM_BINARY");
    if (QFileInfo(beside).isExecutable())
      QCOMPARE(path, beside);
    else
      QCOMPARE(path, QStringLiteral("/opt/somewhere/leptonsim"));
  }

 private:
  std::unique_ptr<QTemporaryDir> runsDirectory_;
};

QTEST_GUILESS_MAIN(TestRunManager)
#include "test_RunManager.moc"
