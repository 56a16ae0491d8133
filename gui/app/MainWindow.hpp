// MainWindow: the what-if workbench. Tabs for the scenario editor, the runs,
// the dashboard of one run, the comparison of several, a sweep and the
// topology; a list of loaded runs on the side picks what the dashboard and the
// compare view show.
//
// Nothing slow runs on the UI thread: simulations are `leptonsim run` child
// processes (RunManager) and reports load through AsyncReportLoader.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QMap>
#include <QList>
#include <QMainWindow>
#include <QSet>
#include <QString>

#include <memory>

#include "ReportDataset.hpp"

class QAction;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QProgressBar;
class QSpinBox;
class QTabWidget;

namespace leptonsim::gui {

class AsyncReportLoader;
class CompareView;
class DashboardView;
class RunManager;
class RunsPanel;
class ScenarioEditor;
class SweepView;
class TopologyView;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  /// `simulatorPath`: the leptonsim CLI the runs use (RunManager::defaultSimulatorPath() if empty).
  explicit MainWindow(const QString& simulatorPath = QString(), QWidget* parent = nullptr);
  ~MainWindow() override;

  enum class Tab { scenario, runs, dashboard, compare, sweep, topology };

  /// Opens a scenario (.yaml/.yml) in the editor or a report (anything else).
  bool openPath(const QString& path);
  bool openScenario(const QString& path);
  void openReport(const QString& path);
  /// Starts `seeds` runs of the scenario in the editor (seeds from the scenario's seed upwards).
  void runScenario(int seeds = 1);
  void showTab(Tab tab);

  /// Loads and reports still in flight (loads, runs): 0 when the window shows everything asked for.
  int pendingWork() const;
  /// Runs loaded and shown (in the list on the side).
  QList<std::shared_ptr<const RunDataset>> loadedRuns() const;
  /// Ticks the first `count` loaded runs for the compare view and shows it.
  void compareFirstRuns(int count);

  ScenarioEditor* scenarioEditor() const { return editor_; }
  RunsPanel* runsPanel() const { return runsPanel_; }
  DashboardView* dashboard() const { return dashboard_; }
  CompareView* compareView() const { return compare_; }
  SweepView* sweepView() const { return sweep_; }
  TopologyView* topologyView() const { return topology_; }
  RunManager* runManager() const;
  QAction* runAction() const { return runAction_; }

 Q_SIGNALS:
  /// A run's dataset finished loading and is in the list.
  void runLoaded(std::shared_ptr<const RunDataset> run);
  /// A report could not be opened (the message names the file).
  void reportFailed(QString message);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createActions();
  void createTabs();
  void createLoadedRunsDock();
  void addLoadedRun(quint64 requestId, std::shared_ptr<const RunDataset> run);
  QListWidgetItem* itemForRequest(quint64 requestId) const;
  void showRunInDashboard(const std::shared_ptr<const RunDataset>& run);
  void updateCompareSelection();
  void updateStatus();
  void updateTitle();
  bool confirmDiscardScenario();
  void onRunFinished(int runId, bool ok);
  void onOverviewLoaded(quint64 requestId, std::shared_ptr<const ReportOverview> overview);
  void onRunLoaded(quint64 requestId, std::shared_ptr<const RunDataset> run);
  void onLoadFailed(quint64 requestId, const QString& path, const QString& message);
  void openScenarioDialog();
  void openReportDialog();
  void exportCurrentChartsPng();
  void exportCurrentChartsPdf();
  void exportCompareTableCsv();
  void loadRun(const QString& path, qint64 runId, bool showWhenLoaded);

  ScenarioEditor* editor_ = nullptr;
  RunsPanel* runsPanel_ = nullptr;
  DashboardView* dashboard_ = nullptr;
  CompareView* compare_ = nullptr;
  SweepView* sweep_ = nullptr;
  TopologyView* topology_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QListWidget* loadedList_ = nullptr;
  QLabel* statusLabel_ = nullptr;
  QProgressBar* runProgress_ = nullptr;
  QSpinBox* seedsSpin_ = nullptr;
  QAction* runAction_ = nullptr;
  QAction* cancelAllAction_ = nullptr;
  AsyncReportLoader* loader_ = nullptr;

  // Loaded runs keyed by the id of the request that loaded them: the list shows
  // them in the order they were asked for, whatever order the loads finish in.
  QMap<quint64, std::shared_ptr<const RunDataset>> loaded_;
  QHash<quint64, QDateTime> loadedFileTimes_;  // the report's modification time when it was read
  QList<std::shared_ptr<const RunDataset>> compared_;  // what the compare view shows now
  bool topologyPending_ = false;
  int failedRuns_ = 0;
  QSet<quint64> pendingLoads_;          // request ids in flight
  QSet<quint64> showWhenLoaded_;        // request ids whose run goes to the dashboard when it arrives
  QSet<int> guiRuns_;                   // run ids started from this window and not yet loaded
};

}  // namespace leptonsim::gui
