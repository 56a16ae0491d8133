// RunsPanel: the list of simulator runs with their progress, and the controls
// to cancel them, limit how many run at once and open a finished run's report.
// Below the list, the selected run's validation issues or stderr.
#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableView;

namespace leptonsim::gui {

class RunListModel;
class RunManager;

class RunsPanel : public QWidget {
  Q_OBJECT

 public:
  /// Uses `manager` (not owned; it must outlive the panel).
  explicit RunsPanel(RunManager* manager, QWidget* parent = nullptr);
  /// Creates its own manager for RunManager::defaultSimulatorPath().
  explicit RunsPanel(QWidget* parent = nullptr);
  ~RunsPanel() override;

  RunManager* manager() const { return manager_; }
  RunListModel* model() const { return model_; }
  QTableView* view() const { return view_; }
  /// The run selected in the list, or 0.
  int selectedRunId() const;
  /// Selects a run (e.g. the one just started).
  void selectRun(int runId);

 Q_SIGNALS:
  /// Open report was pressed, or a finished row was double-clicked.
  void openReportRequested(QString reportPath);

 private:
  void buildUi();
  void updateControls();
  void showDetails();
  void openSelectedReport();
  void onRunChanged(int runId);

  RunManager* manager_ = nullptr;
  RunListModel* model_ = nullptr;
  QTableView* view_ = nullptr;
  QSpinBox* maxParallel_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QPushButton* cancelAllButton_ = nullptr;
  QPushButton* openReportButton_ = nullptr;
  QLabel* detailsTitle_ = nullptr;
  QPlainTextEdit* details_ = nullptr;
};

}  // namespace leptonsim::gui
