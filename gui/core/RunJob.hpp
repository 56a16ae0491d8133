// RunJob: the state of one simulator run started by RunManager, as the run list
// and the main window see it. RunManager owns and updates it; everyone else
// reads it through RunManager::job(id).
#pragma once

#include <QElapsedTimer>
#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace leptonsim::gui {

struct RunJob {
  enum Status { queued, running, finished, failed, cancelled };

  int id = 0;
  QString label;
  QString scenarioPath;   // the file the simulator reads (a temporary copy for scenarioText runs)
  QString sourcePath;     // the scenario file the user works on (RunRequest::scenarioPath), may be empty
  QStringList overrides;  // `--set` values
  quint64 seed = 1;       // the seed the run uses: scenario `seed` (default 1), then --set seed=, then --seed
  Status status = queued;
  bool cancelRequested = false;  // running, but terminate was sent
  double fraction = 0.0;         // 0..1 from the progress lines; 1 once finished
  double simTime = 0.0;          // simulated seconds reached
  double wallSeconds = 0.0;      // wall time of the process; frozen when it ends
  QElapsedTimer clock;           // started with the process, for a live wall time
  QString reportPath;
  int exitCode = -1;       // process exit code; -1 before exit, on a crash or kill
  qint64 processId = 0;    // OS pid while the process runs, else 0
  QString stderrTail;      // last lines of stderr (progress JSON excluded)
  QStringList issues;      // validation messages "file:line:col: key.path: message" (exit code 2)

  bool isActive() const { return status == queued || status == running; }
  bool isDone() const { return !isActive(); }
  /// Wall seconds so far: live while running, final afterwards.
  double currentWallSeconds() const {
    if (status == running && clock.isValid()) return static_cast<double>(clock.elapsed()) / 1000.0;
    return wallSeconds;
  }
  static QString statusName(Status status) {
    switch (status) {
      case queued: return QStringLiteral("queued");
      case running: return QStringLiteral("running");
      case finished: return QStringLiteral("finished");
      case failed: return QStringLiteral("failed");
      case cancelled: return QStringLiteral("cancelled");
    }
    return {};
  }
};

}  // namespace leptonsim::gui
