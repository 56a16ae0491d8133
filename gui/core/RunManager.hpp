// RunManager: runs scenarios as `leptonsim run` child processes (one simulation
// per process, see DESIGN.md), at most maxParallel() at a time, the rest queued.
// Progress comes from the JSON lines the simulator writes on stderr. Everything
// is driven by QProcess signals on the event loop: nothing here blocks the UI
// thread except the destructor, which kills and reaps the children.
#pragma once

#include "core/RunJob.hpp"
#include "core/RunRequest.hpp"

#include <QList>
#include <QObject>
#include <QString>
#include <map>
#include <memory>
#include <set>

class QProcess;
class QTimer;

namespace leptonsim::gui {

class RunManager : public QObject {
  Q_OBJECT

 public:
  using RunRequest = leptonsim::gui::RunRequest;
  using RunJob = leptonsim::gui::RunJob;

  explicit RunManager(QString simulatorPath, QObject* parent = nullptr);
  ~RunManager() override;

  /// `leptonsim` next to the running executable, else $LEPTONSIM_BINARY, else
  /// `leptonsim` found on PATH (or the bare name when nothing is found).
  static QString defaultSimulatorPath();

  QString simulatorPath() const { return simulatorPath_; }

  /// Folder for reports and scenario copies. The default is a per-session
  /// folder under the application data location (or the temp folder), created
  /// when the first run starts.
  void setRunsDirectory(QString directory);
  QString runsDirectory() const { return runsDirectory_; }

  /// Runs started at the same time; more wait queued. At least 1.
  int maxParallel() const { return maxParallel_; }
  void setMaxParallel(int count);

  /// Queues a run and starts it when a slot is free. Returns its id (1, 2, ...).
  /// Problems (unwritable scenario copy, simulator not found) end the run as
  /// failed with the reason in stderrTail; the id is always valid.
  int startRun(const RunRequest& request);

  /// Queued: cancelled at once. Running: terminate, kill after 2 s, then
  /// cancelled; a report path that did not exist before the run is removed.
  void cancel(int id);
  void cancelAll();

  /// nullptr for an unknown id. The pointer stays valid while the manager lives.
  const RunJob* job(int id) const;
  /// Every run in the order it was started.
  QList<int> jobIds() const;
  int runningCount() const;
  int queuedCount() const;

 Q_SIGNALS:
  void runAdded(int id);
  /// Status, progress or output changed (progress is coalesced to ~10 per second).
  void runChanged(int id);
  /// The run ended: finished (ok), failed or cancelled (not ok).
  void runFinished(int id, bool ok);
  /// maxParallel() changed.
  void maxParallelChanged(int count);

 private:
  struct Run;

  void startQueuedRuns();
  void launch(Run& run);
  void readStandardError(Run& run, bool flushPartialLine);
  void handleLine(Run& run, const QByteArray& line);
  void onProcessFinished(int id, int exitCode, bool crashed);
  void onProcessFailedToStart(int id);
  void endRun(Run& run, RunJob::Status status);
  void removeLeftovers(const Run& run, bool removeReport) const;
  void removeScenarioCopy(Run& run) const;
  void appendTail(Run& run, const QString& line);
  void notifyChangedNow(int id);
  void notifyChangedSoon(int id);
  void flushChangeNotifications();
  bool ensureRunsDirectory(QString* error);
  QString uniqueReportPath(const QString& stem, int id) const;
  Run* findRun(int id);

  QString simulatorPath_;
  QString runsDirectory_;
  int maxParallel_ = 1;
  int nextId_ = 1;
  std::map<int, std::unique_ptr<Run>> runs_;
  QList<int> order_;
  QList<int> queue_;
  std::set<int> pendingChanges_;
  QTimer* changeTimer_ = nullptr;
};

}  // namespace leptonsim::gui
