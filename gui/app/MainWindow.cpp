#include "app/MainWindow.hpp"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <yaml-cpp/yaml.h>

#include "app/RunsPanel.hpp"
#include "charts/CompareView.hpp"
#include "charts/DashboardView.hpp"
#include "core/AsyncReportLoader.hpp"
#include "core/RunManager.hpp"
#include "editor/ScenarioEditor.hpp"
#include "sweep/SweepView.hpp"
#include "topology/TopologyView.hpp"

namespace leptonsim::gui {

namespace {

constexpr int kRequestRole = Qt::UserRole + 1;  // key into loaded_ of a list item

bool isScenarioFile(const QString& path) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  return suffix == "yaml" || suffix == "yml";
}

// The scenario's `seed` (default 1, as in the scenario reference).
quint64 scenarioSeed(const QString& yaml) {
  try {
    const YAML::Node seed = YAML::Load(yaml.toStdString())["seed"];
    return seed ? seed.as<quint64>() : 1;
  } catch (const YAML::Exception&) {
    return 1;
  }
}

}  // namespace

MainWindow::MainWindow(const QString& simulatorPath, QWidget* parent) : QMainWindow(parent) {
  setObjectName("MainWindow");
  loader_ = new AsyncReportLoader(this);
  connect(loader_, &AsyncReportLoader::overviewLoaded, this, &MainWindow::onOverviewLoaded);
  connect(loader_, &AsyncReportLoader::runLoaded, this, &MainWindow::onRunLoaded);
  connect(loader_, &AsyncReportLoader::loadFailed, this, &MainWindow::onLoadFailed);

  auto* manager = new RunManager(simulatorPath.isEmpty() ? RunManager::defaultSimulatorPath() : simulatorPath);
  runsPanel_ = new RunsPanel(manager, this);
  // Owned by the panel so it outlives the panel's own clean-up.
  manager->setParent(runsPanel_);
  connect(runManager(), &RunManager::runFinished, this, &MainWindow::onRunFinished);
  connect(runManager(), &RunManager::runChanged, this, &MainWindow::updateStatus);
  connect(runManager(), &RunManager::runAdded, this, &MainWindow::updateStatus);
  connect(runsPanel_, &RunsPanel::openReportRequested, this, [this](const QString& path) { openReport(path); });

  createTabs();
  createActions();
  createLoadedRunsDock();

  statusLabel_ = new QLabel(this);
  runProgress_ = new QProgressBar(this);
  runProgress_->setMaximumWidth(220);
  runProgress_->setRange(0, 1000);
  runProgress_->setVisible(false);
  statusBar()->addWidget(statusLabel_, 1);
  statusBar()->addPermanentWidget(runProgress_);
  updateStatus();
  updateTitle();
  resize(1500, 950);
}

MainWindow::~MainWindow() = default;

RunManager* MainWindow::runManager() const { return runsPanel_->manager(); }

void MainWindow::createTabs() {
  tabs_ = new QTabWidget(this);
  tabs_->setDocumentMode(true);
  editor_ = new ScenarioEditor(this);
  dashboard_ = new DashboardView(this);
  compare_ = new CompareView(this);
  sweep_ = new SweepView(this);
  topology_ = new TopologyView(this);
  tabs_->addTab(editor_, tr("Scenario"));
  tabs_->addTab(runsPanel_, tr("Runs"));
  tabs_->addTab(dashboard_, tr("Dashboard"));
  tabs_->addTab(compare_, tr("Compare"));
  tabs_->addTab(sweep_, tr("Sweep"));
  tabs_->addTab(topology_, tr("Topology"));
  setCentralWidget(tabs_);

  connect(editor_, &ScenarioEditor::modificationChanged, this, &MainWindow::updateTitle);
  connect(editor_, &ScenarioEditor::filePathChanged, this, &MainWindow::updateTitle);
  connect(editor_, &ScenarioEditor::validationFinished, this, [this](int issues) {
    runAction_->setEnabled(issues == 0);
    runAction_->setToolTip(issues == 0 ? tr("Run the scenario in the editor")
                                       : tr("Fix the scenario's problems first (%1)").arg(issues));
  });
  connect(dashboard_, &DashboardView::timeSelected, topology_, &TopologyView::setTime);
  connect(topology_, &TopologyView::loaded, this, [this] { topologyPending_ = false; });
  connect(sweep_, &SweepView::runRequested, this,
          [this](const QString& path, qint64 runId) { loadRun(path, runId, true); });
}

void MainWindow::createActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* openScenario = file->addAction(tr("Open &scenario..."), this, &MainWindow::openScenarioDialog);
  openScenario->setShortcut(QKeySequence::Open);
  QAction* save = file->addAction(tr("&Save scenario"), this, [this] {
    if (editor_->filePath().isEmpty()) {
      const QString path = QFileDialog::getSaveFileName(this, tr("Save scenario"), QString(), tr("Scenarios (*.yaml *.yml)"));
      if (!path.isEmpty() && !editor_->saveAs(path))
        QMessageBox::warning(this, tr("Save scenario"), tr("Cannot save %1:\n%2").arg(path, editor_->lastError()));
    } else if (!editor_->save()) {
      QMessageBox::warning(this, tr("Save scenario"),
                           tr("Cannot save %1:\n%2").arg(editor_->filePath(), editor_->lastError()));
    }
  });
  save->setShortcut(QKeySequence::Save);
  file->addAction(tr("Save scenario &as..."), this, [this] {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save scenario as"), editor_->filePath(), tr("Scenarios (*.yaml *.yml)"));
    if (!path.isEmpty() && !editor_->saveAs(path))
      QMessageBox::warning(this, tr("Save scenario"), tr("Cannot save %1:\n%2").arg(path, editor_->lastError()));
  });
  file->addSeparator();
  QAction* openReport = file->addAction(tr("Open &report or sweep..."), this, &MainWindow::openReportDialog);
  openReport->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
  file->addSeparator();
  file->addAction(tr("Export charts as &PNG..."), this, &MainWindow::exportCurrentChartsPng);
  file->addAction(tr("Export charts as P&DF..."), this, &MainWindow::exportCurrentChartsPdf);
  file->addAction(tr("Export comparison table as &CSV..."), this, &MainWindow::exportCompareTableCsv);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  runAction_ = run->addAction(tr("&Run scenario"), this, [this] { runScenario(seedsSpin_->value()); });
  runAction_->setShortcut(QKeySequence(tr("Ctrl+R")));
  cancelAllAction_ = run->addAction(tr("&Cancel all runs"), this, [this] { runManager()->cancelAll(); });

  QToolBar* toolbar = addToolBar(tr("Run"));
  toolbar->setObjectName("RunToolBar");
  toolbar->setMovable(false);
  toolbar->addAction(openScenario);
  toolbar->addAction(openReport);
  toolbar->addSeparator();
  toolbar->addAction(runAction_);
  seedsSpin_ = new QSpinBox(this);
  seedsSpin_->setObjectName("SeedsSpinBox");
  seedsSpin_->setRange(1, 64);
  seedsSpin_->setValue(1);
  seedsSpin_->setPrefix(tr("seeds: "));
  seedsSpin_->setToolTip(tr("Number of runs, with seeds counting up from the scenario's seed; the compare view "
                            "shows confidence intervals across them"));
  toolbar->addWidget(seedsSpin_);
  toolbar->addAction(cancelAllAction_);
}

void MainWindow::createLoadedRunsDock() {
  auto* dock = new QDockWidget(tr("Loaded runs"), this);
  dock->setObjectName("LoadedRunsDock");
  dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  auto* panel = new QWidget(dock);
  auto* layout = new QVBoxLayout(panel);
  auto* hint = new QLabel(tr("Click a run to show its dashboard; tick runs to compare them."), panel);
  hint->setWordWrap(true);
  loadedList_ = new QListWidget(panel);
  loadedList_->setObjectName("LoadedRunsList");
  loadedList_->setMinimumWidth(280);
  layout->addWidget(hint);
  layout->addWidget(loadedList_);
  dock->setWidget(panel);
  addDockWidget(Qt::LeftDockWidgetArea, dock);
  connect(loadedList_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
    const auto run = loaded_.value(item->data(kRequestRole).toULongLong());
    if (run) {
      showRunInDashboard(run);
      if (tabs_->currentWidget() != topology_ && tabs_->currentWidget() != compare_) showTab(Tab::dashboard);
    }
  });
  // itemChanged also fires for text and font changes: updateCompareSelection
  // rebuilds the compare view only when the set of ticked runs changed.
  connect(loadedList_, &QListWidget::itemChanged, this, [this] { updateCompareSelection(); });
}

bool MainWindow::openPath(const QString& path) {
  if (isScenarioFile(path)) return openScenario(path);
  openReport(path);
  return true;
}

bool MainWindow::openScenario(const QString& path) {
  if (!confirmDiscardScenario()) return false;
  if (!editor_->openFile(path)) {
    QMessageBox::warning(this, tr("Open scenario"), editor_->lastError());
    return false;
  }
  showTab(Tab::scenario);
  return true;
}

void MainWindow::openReport(const QString& path) {
  pendingLoads_.insert(loader_->loadOverview(path));
  updateStatus();
}

void MainWindow::loadRun(const QString& path, qint64 runId, bool showWhenLoaded) {
  // Already loaded and the file unchanged since: show it without reading it again.
  const QDateTime modified = QFileInfo(path).lastModified();
  for (auto it = loaded_.cbegin(); it != loaded_.cend(); ++it)
    if (it.value()->report_path == path.toStdString() && it.value()->overview.run_id == runId &&
        loadedFileTimes_.value(it.key()) == modified) {
      const auto& run = it.value();
      if (showWhenLoaded) {
        showRunInDashboard(run);
        showTab(Tab::dashboard);
      }
      return;
    }
  const quint64 request = loader_->loadRun(path, runId);
  loadedFileTimes_.insert(request, modified);
  pendingLoads_.insert(request);
  if (showWhenLoaded) showWhenLoaded_.insert(request);
  updateStatus();
}

void MainWindow::runScenario(int seeds) {
  seedsSpin_->setValue(seeds);
  // No check of the editor's verdict here: it may be for an older text. The
  // CLI validates, and a run that fails shows its problems in the Runs tab.
  const QString text = editor_->text();
  const quint64 firstSeed = scenarioSeed(text);
  for (int i = 0; i < seeds; ++i) {
    RunRequest request;
    request.scenarioPath = editor_->filePath();
    // Unsaved edits run as they are in the editor; a saved file runs as itself
    // (so the report names the file the user opened).
    if (editor_->isModified() || request.scenarioPath.isEmpty()) request.scenarioText = text;
    if (seeds > 1) request.seed = firstSeed + static_cast<quint64>(i);
    guiRuns_.insert(runManager()->startRun(request));
  }
  showTab(Tab::runs);
  updateStatus();
}

void MainWindow::onRunFinished(int runId, bool ok) {
  updateStatus();
  if (!guiRuns_.contains(runId) && !ok) return;
  const RunJob* job = runManager()->job(runId);
  if (!ok || job == nullptr) {
    guiRuns_.remove(runId);
    if (job != nullptr && job->status == RunJob::Status::failed) {
      ++failedRuns_;
      runsPanel_->selectRun(runId);
      const QString why = job->issues.isEmpty() ? job->stderrTail.section('\n', -1) : job->issues.front();
      statusBar()->showMessage(tr("Run %1 failed: %2").arg(job->label, why), 15000);
      updateStatus();
    }
    return;
  }
  // The newest run that finishes goes to the dashboard; all are loaded.
  const bool show = guiRuns_.contains(runId);
  guiRuns_.remove(runId);
  loadRun(job->reportPath, 1, show);
}

void MainWindow::onOverviewLoaded(quint64 requestId, std::shared_ptr<const ReportOverview> overview) {
  pendingLoads_.remove(requestId);
  if (overview->runs.empty()) {
    Q_EMIT reportFailed(tr("%1 holds no runs").arg(QString::fromStdString(overview->path)));
    updateStatus();
    return;
  }
  const QString path = QString::fromStdString(overview->path);
  if (overview->runs.size() > 1) {
    // A sweep (or several runs): the sweep view, plus the first run's dashboard.
    sweep_->setReport(overview);
    loadRun(path, overview->runs.front().run_id, false);
    showTab(Tab::sweep);
  } else {
    sweep_->setReport(overview);  // explains that one run is not a sweep
    loadRun(path, overview->runs.front().run_id, true);
  }
  updateStatus();
}

void MainWindow::onRunLoaded(quint64 requestId, std::shared_ptr<const RunDataset> run) {
  pendingLoads_.remove(requestId);
  const bool asked = showWhenLoaded_.remove(requestId);
  const bool first = loaded_.isEmpty();
  addLoadedRun(requestId, run);
  // A report the user opened is shown at once. A run started here is shown when
  // it is the last of its batch, and the tab only changes when the user is
  // watching the runs (not while editing, comparing or exploring).
  const bool batchDone = guiRuns_.isEmpty();
  if (asked || first || batchDone) {
    showRunInDashboard(run);
    QWidget* current = tabs_->currentWidget();
    if (asked ? current != sweep_ : (current == runsPanel_ || first)) showTab(Tab::dashboard);
  }
  updateStatus();
  Q_EMIT runLoaded(run);
}

void MainWindow::onLoadFailed(quint64 requestId, const QString& path, const QString& message) {
  pendingLoads_.remove(requestId);
  showWhenLoaded_.remove(requestId);
  updateStatus();
  const QString text = tr("Cannot open %1:\n%2").arg(path, message);
  Q_EMIT reportFailed(text);
  statusBar()->showMessage(text, 10000);
  if (isVisible()) QMessageBox::warning(this, tr("Open report"), text);
}

QListWidgetItem* MainWindow::itemForRequest(quint64 requestId) const {
  for (int row = 0; row < loadedList_->count(); ++row)
    if (loadedList_->item(row)->data(kRequestRole).toULongLong() == requestId) return loadedList_->item(row);
  return nullptr;
}

void MainWindow::addLoadedRun(quint64 requestId, std::shared_ptr<const RunDataset> run) {
  QSignalBlocker block(loadedList_);
  // A re-read of a changed report replaces the old entry (keeping its tick).
  Qt::CheckState checked = Qt::Unchecked;
  for (auto it = loaded_.begin(); it != loaded_.end(); ++it)
    if (it.value()->report_path == run->report_path && it.value()->overview.run_id == run->overview.run_id) {
      if (QListWidgetItem* old = itemForRequest(it.key())) {
        checked = old->checkState();
        delete old;
      }
      loadedFileTimes_.remove(it.key());
      loaded_.erase(it);
      break;
    }
  loaded_.insert(requestId, run);
  const QString label = QString::fromStdString(run->label());
  // Two runs of one scenario and seed differ only by their file.
  const QString file = QFileInfo(QString::fromStdString(run->report_path)).fileName();
  auto* item = new QListWidgetItem(QStringLiteral("%1 · %2").arg(label, file));
  item->setData(kRequestRole, requestId);
  item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
  item->setCheckState(checked);
  item->setToolTip(tr("%1\nrun %2 of %3").arg(label).arg(run->overview.run_id).arg(QString::fromStdString(run->report_path)));
  // In request order (request ids grow).
  int row = 0;
  while (row < loadedList_->count() && loadedList_->item(row)->data(kRequestRole).toULongLong() < requestId) ++row;
  loadedList_->insertItem(row, item);
  if (checked == Qt::Checked) {
    compared_.clear();  // the data changed: rebuild the compare view
    updateCompareSelection();
  }
}

void MainWindow::showRunInDashboard(const std::shared_ptr<const RunDataset>& run) {
  dashboard_->setRuns({run});
  topologyPending_ = true;
  topology_->setRun(run);
  QSignalBlocker block(loadedList_);
  for (int row = 0; row < loadedList_->count(); ++row) {
    QListWidgetItem* item = loadedList_->item(row);
    QFont font = item->font();
    font.setBold(loaded_.value(item->data(kRequestRole).toULongLong()) == run);
    item->setFont(font);
  }
}

void MainWindow::compareFirstRuns(int count) {
  QSignalBlocker block(loadedList_);
  for (int row = 0; row < loadedList_->count(); ++row)
    loadedList_->item(row)->setCheckState(row < count ? Qt::Checked : Qt::Unchecked);
  updateCompareSelection();
  showTab(Tab::compare);
}

void MainWindow::updateCompareSelection() {
  QList<std::shared_ptr<const RunDataset>> selected;
  for (int row = 0; row < loadedList_->count(); ++row) {
    QListWidgetItem* item = loadedList_->item(row);
    if (item->checkState() == Qt::Checked) selected.append(loaded_.value(item->data(kRequestRole).toULongLong()));
  }
  if (selected == compared_) return;
  compared_ = selected;
  compare_->setRuns(selected);
}

int MainWindow::pendingWork() const {
  int active = 0;
  for (int id : runManager()->jobIds()) {
    const RunJob* job = runManager()->job(id);
    if (job->status == RunJob::Status::queued || job->status == RunJob::Status::running) ++active;
  }
  // Views that build their content on worker threads count too.
  const int building = (topologyPending_ ? 1 : 0) + (sweep_->report() && !sweep_->table() ? 1 : 0);
  return active + static_cast<int>(pendingLoads_.size()) + building;
}

QList<std::shared_ptr<const RunDataset>> MainWindow::loadedRuns() const { return loaded_.values(); }

void MainWindow::showTab(Tab tab) {
  QWidget* pages[] = {editor_, runsPanel_, dashboard_, compare_, sweep_, topology_};
  tabs_->setCurrentWidget(pages[static_cast<int>(tab)]);
}

void MainWindow::updateStatus() {
  int running = 0, queued = 0;
  double fraction = 0.0;
  for (int id : runManager()->jobIds()) {
    const RunJob* job = runManager()->job(id);
    if (job->status == RunJob::Status::running) {
      ++running;
      fraction += job->fraction;
    } else if (job->status == RunJob::Status::queued) {
      ++queued;
    }
  }
  QStringList parts;
  if (running + queued > 0) parts << tr("%1 running, %2 queued").arg(running).arg(queued);
  if (!pendingLoads_.isEmpty()) parts << tr("loading %1 report(s)").arg(pendingLoads_.size());
  if (failedRuns_ > 0) parts << tr("%1 run(s) failed (see the Runs tab)").arg(failedRuns_);
  parts << tr("%1 run(s) loaded").arg(loaded_.size());
  statusLabel_->setText(parts.join(QStringLiteral(" · ")));
  runProgress_->setVisible(running > 0);
  if (running > 0) runProgress_->setValue(static_cast<int>(1000 * fraction / running));
}

void MainWindow::updateTitle() {
  const QString path = editor_->filePath();
  const QString name = path.isEmpty() ? tr("untitled scenario") : QFileInfo(path).fileName();
  setWindowTitle(tr("%1%2 — leptonsim").arg(name, editor_->isModified() ? "*" : ""));
}

bool MainWindow::confirmDiscardScenario() {
  if (!editor_->isModified() || !isVisible()) return true;
  const auto answer = QMessageBox::question(this, tr("Unsaved scenario"),
                                            tr("The scenario has unsaved changes. Discard them?"),
                                            QMessageBox::Discard | QMessageBox::Cancel);
  return answer == QMessageBox::Discard;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!confirmDiscardScenario()) {
    event->ignore();
    return;
  }
  runManager()->cancelAll();
  event->accept();
}

void MainWindow::openScenarioDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), QString(), tr("Scenarios (*.yaml *.yml)"));
  if (!path.isEmpty()) openScenario(path);
}

void MainWindow::openReportDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open report or sweep"), QString(),
                                                    tr("Reports (*.db *.sqlite *.sqlite3);;All files (*)"));
  if (!path.isEmpty()) openReport(path);
}

void MainWindow::exportCurrentChartsPng() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export charts"), QString(), tr("PNG images (*.png)"));
  if (path.isEmpty()) return;
  QString error;
  DashboardView* view = tabs_->currentWidget() == compare_ ? compare_->dashboard() : dashboard_;
  if (!view->exportPng(path, 1200, &error)) QMessageBox::warning(this, tr("Export"), error);
}

void MainWindow::exportCurrentChartsPdf() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export charts"), QString(), tr("PDF documents (*.pdf)"));
  if (path.isEmpty()) return;
  QString error;
  DashboardView* view = tabs_->currentWidget() == compare_ ? compare_->dashboard() : dashboard_;
  if (!view->exportPdf(path, 2, &error)) QMessageBox::warning(this, tr("Export"), error);
}

void MainWindow::exportCompareTableCsv() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export table"), QString(), tr("CSV files (*.csv)"));
  if (!path.isEmpty()) compare_->exportTableCsvShowingErrors(path);
}

}  // namespace leptonsim::gui
