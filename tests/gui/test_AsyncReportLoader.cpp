// AsyncReportLoader: reports read on the thread pool, answers by request id.
#include "core/AsyncReportLoader.hpp"

#include "SqliteReport.hpp"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using leptonsim::gui::AsyncReportLoader;

namespace {

constexpr int kTimeoutMs = 60000;

}  // namespace

class TestAsyncReportLoader : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(directory_.isValid());
    reportPath_ = directory_.filePath(QStringLiteral("quickstart.db"));
    QProcess simulator;
    simulator.start(QStringLiteral(LEPTONSIM_BINARY),
                    {QStringLiteral("run"), QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/quickstart.yaml"),
                     QStringLiteral("-o"), reportPath_, QStringLiteral("--set"), QStringLiteral("duration=10min"),
                     QStringLiteral("--progress=none"), QStringLiteral("-q")});
    QVERIFY(simulator.waitForFinished(kTimeoutMs));  // test set-up only; the GUI never blocks like this
    QCOMPARE(simulator.exitCode(), 0);
    QVERIFY(QFile::exists(reportPath_));
  }

  void loadsOverview() {
    AsyncReportLoader loader;
    QSignalSpy loaded(&loader, &AsyncReportLoader::overviewLoaded);
    QSignalSpy failed(&loader, &AsyncReportLoader::loadFailed);
    const quint64 request = loader.loadOverview(reportPath_);
    QCOMPARE(loader.pendingCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kTimeoutMs);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(loader.pendingCount(), 0);
    QCOMPARE(loaded.first().at(0).value<quint64>(), request);
    const auto overview = loaded.first().at(1).value<std::shared_ptr<const leptonsim::ReportOverview>>();
    QVERIFY(overview);
    QCOMPARE(overview->runs.size(), std::size_t(1));
    QCOMPARE(overview->runs.front().run.scenario_name, std::string("quickstart"));
    QCOMPARE(overview->runs.front().run.seed, std::uint64_t(42));
  }

  void loadsRunWithDownsampling() {
    AsyncReportLoader loader;
    QSignalSpy loaded(&loader, &AsyncReportLoader::runLoaded);
    QSignalSpy failed(&loader, &AsyncReportLoader::loadFailed);
    const quint64 request = loader.loadRun(reportPath_, 1, 4);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count() + failed.count(), 1, kTimeoutMs);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(2).toString()));
    QCOMPARE(loaded.first().at(0).value<quint64>(), request);
    const auto dataset = loaded.first().at(1).value<std::shared_ptr<const leptonsim::RunDataset>>();
    QVERIFY(dataset);
    QCOMPARE(dataset->overview.run_id, std::int64_t(1));
    QCOMPARE(dataset->report_path, reportPath_.toStdString());
    QVERIFY(!dataset->series.empty());
    QCOMPARE(dataset->series.size(), dataset->series_info.size());
    QCOMPARE(dataset->max_points_per_series, std::size_t(4));
    // The quickstart samples every 60 s for 10 min, more points than the budget of 4.
    bool someCurveWasReduced = false;
    for (std::size_t k = 0; k < dataset->series.size(); ++k) {
      QVERIFY(dataset->series[k].t.size() <= 4);
      someCurveWasReduced |= dataset->series_info[k].points > 4;
    }
    QVERIFY(someCurveWasReduced);
  }

  void severalLoadsInFlight() {
    AsyncReportLoader loader;
    QSignalSpy runs(&loader, &AsyncReportLoader::runLoaded);
    QSignalSpy overviews(&loader, &AsyncReportLoader::overviewLoaded);
    QSignalSpy failed(&loader, &AsyncReportLoader::loadFailed);
    QSet<quint64> requests;
    for (int k = 0; k < 4; ++k) {
      requests << loader.loadRun(reportPath_, 1);
      requests << loader.loadOverview(reportPath_);
    }
    QCOMPARE(requests.size(), 8);  // every request id is distinct
    QTRY_COMPARE_WITH_TIMEOUT(runs.count() + overviews.count() + failed.count(), 8, kTimeoutMs);
    QCOMPARE(failed.count(), 0);
    QSet<quint64> answered;
    for (const auto& arguments : runs) answered << arguments.at(0).value<quint64>();
    for (const auto& arguments : overviews) answered << arguments.at(0).value<quint64>();
    QCOMPARE(answered, requests);
  }

  void missingFileFailsNamingThePath() {
    AsyncReportLoader loader;
    QSignalSpy failed(&loader, &AsyncReportLoader::loadFailed);
    QSignalSpy loaded(&loader, &AsyncReportLoader::runLoaded);
    const QString missing = directory_.filePath(QStringLiteral("does-not-exist.db"));
    const quint64 runRequest = loader.loadRun(missing, 1);
    const quint64 overviewRequest = loader.loadOverview(missing);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, kTimeoutMs);
    QCOMPARE(loaded.count(), 0);
    QSet<quint64> answered;
    for (const auto& arguments : failed) {
      answered << arguments.at(0).value<quint64>();
      QCOMPARE(arguments.at(1).toString(), missing);
      QVERIFY2(arguments.at(2).toString().contains(missing), qPrintable(arguments.at(2).toString()));
    }
    QCOMPARE(answered, (QSet<quint64>{runRequest, overviewRequest}));
    QVERIFY(!QFile::exists(missing));  // reading never creates the file
  }

  void notAReportFails() {
    const QString junk = directory_.filePath(QStringLiteral("junk.db"));
    QFile file(junk);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("this is not an SQLite database, just text\n");
    file.close();
    AsyncReportLoader loader;
    QSignalSpy failed(&loader, &AsyncReportLoader::loadFailed);
    loader.loadOverview(junk);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
    QVERIFY(failed.first().at(2).toString().contains(junk));
  }

  void unknownRunFails() {
    AsyncReportLoader loader;
    QSignalSpy failed(&loader, &AsyncReportLoader::loadFailed);
    loader.loadRun(reportPath_, 99);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
  }

  void destroyingTheLoaderWhileLoadingIsSafe() {
    auto* loader = new AsyncReportLoader;
    QSignalSpy loaded(loader, &AsyncReportLoader::runLoaded);
    for (int k = 0; k < 6; ++k) loader->loadRun(reportPath_, 1, 0);
    delete loader;
    // The work finishes on the pool and its results are dropped.
    QThreadPool::globalInstance()->waitForDone(kTimeoutMs);
    QCoreApplication::processEvents();
    QCOMPARE(loaded.count(), 0);
  }

 private:
  QTemporaryDir directory_;
  QString reportPath_;
};

QTEST_GUILESS_MAIN(TestAsyncReportLoader)
#include "test_AsyncReportLoader.moc"
