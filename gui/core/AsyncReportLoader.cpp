#include "core/AsyncReportLoader.hpp"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace leptonsim::gui {

namespace {

// What a worker hands back: the data or the reason it has none.
template <typename Result>
struct LoadOutcome {
  std::shared_ptr<const Result> data;
  QString error;
};

}  // namespace

AsyncReportLoader::AsyncReportLoader(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const leptonsim::RunDataset>>();
  qRegisterMetaType<std::shared_ptr<const leptonsim::ReportOverview>>();
}

AsyncReportLoader::~AsyncReportLoader() = default;

template <typename Result, typename Work, typename Deliver>
quint64 AsyncReportLoader::start(const QString& path, Work work, Deliver deliver) {
  const quint64 requestId = nextRequestId_++;
  ++pending_;
  // The task captures values only, so it may outlive the loader; the watcher is
  // a child of the loader and takes the delivery with it when the loader dies.
  auto* watcher = new QFutureWatcher<LoadOutcome<Result>>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, requestId, path, deliver] {
    --pending_;
    const LoadOutcome<Result> outcome = watcher->result();
    watcher->deleteLater();
    if (outcome.data) {
      deliver(requestId, outcome.data);
      return;
    }
    QString message = outcome.error;
    if (!message.contains(path)) message = QStringLiteral("%1: %2").arg(path, message);
    Q_EMIT loadFailed(requestId, path, message);
  });
  watcher->setFuture(QtConcurrent::run([work = std::move(work)]() -> LoadOutcome<Result> {
    LoadOutcome<Result> outcome;
    try {
      outcome.data = std::make_shared<const Result>(work());
    } catch (const std::exception& error) {
      outcome.error = QString::fromStdString(error.what());
    } catch (...) {
      outcome.error = QStringLiteral("unknown error while reading the report");
    }
    if (!outcome.data && outcome.error.isEmpty()) outcome.error = QStringLiteral("no data");
    return outcome;
  }));
  return requestId;
}

quint64 AsyncReportLoader::loadRun(const QString& path, qint64 runId, int maxPointsPerSeries) {
  const std::string file = path.toStdString();
  const std::size_t budget = static_cast<std::size_t>(qMax(0, maxPointsPerSeries));
  return start<leptonsim::RunDataset>(
      path, [file, runId, budget] { return leptonsim::load_run_dataset(file, runId, budget); },
      [this](quint64 requestId, std::shared_ptr<const leptonsim::RunDataset> dataset) {
        Q_EMIT runLoaded(requestId, std::move(dataset));
      });
}

quint64 AsyncReportLoader::loadOverview(const QString& path) {
  const std::string file = path.toStdString();
  return start<leptonsim::ReportOverview>(
      path, [file] { return leptonsim::read_report_overview(file); },
      [this](quint64 requestId, std::shared_ptr<const leptonsim::ReportOverview> overview) {
        Q_EMIT overviewLoaded(requestId, std::move(overview));
      });
}

}  // namespace leptonsim::gui
