// AsyncReportLoader: reads reports on the thread pool (QtConcurrent) and hands
// the UI immutable results. Each call returns a request id that comes back with
// the result, so callers can drop answers to requests they no longer care about.
// Several loads may be in flight; their answers arrive in completion order.
#pragma once

#include "ReportDataset.hpp"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <memory>

namespace leptonsim::gui {

class AsyncReportLoader : public QObject {
  Q_OBJECT

 public:
  explicit AsyncReportLoader(QObject* parent = nullptr);
  /// Does not wait: loads still running finish on the pool and their results
  /// are dropped (the work holds no pointer to the loader).
  ~AsyncReportLoader() override;

  /// leptonsim::load_run_dataset(path, runId, maxPointsPerSeries) off the UI thread.
  quint64 loadRun(const QString& path, qint64 runId, int maxPointsPerSeries = 4000);
  /// leptonsim::read_report_overview(path) off the UI thread.
  quint64 loadOverview(const QString& path);

  /// Loads started and not yet answered.
  int pendingCount() const { return pending_; }

 Q_SIGNALS:
  void runLoaded(quint64 requestId, std::shared_ptr<const leptonsim::RunDataset> dataset);
  void overviewLoaded(quint64 requestId, std::shared_ptr<const leptonsim::ReportOverview> overview);
  /// `message` names the file and the cause.
  void loadFailed(quint64 requestId, QString path, QString message);

 private:
  template <typename Result, typename Work, typename Deliver>
  quint64 start(const QString& path, Work work, Deliver deliver);

  quint64 nextRequestId_ = 1;
  int pending_ = 0;
};

}  // namespace leptonsim::gui

