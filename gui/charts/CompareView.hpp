// CompareView: several runs side by side. Their curves are overlaid in a
// DashboardView and their summary metrics compared in a table, the first
// column being the baseline. Runs of one scenario whose parameters are equal
// except `seed` form one column (whatever files they come from), with a
// confidence interval across seeds.
#pragma once

#include <QList>
#include <QWidget>
#include <memory>

#include "ReportDataset.hpp"

class QLabel;
class QLineEdit;
class QTableView;

namespace leptonsim::gui {

class ComparisonTableModel;
class DashboardView;

class CompareView : public QWidget {
  Q_OBJECT
 public:
  explicit CompareView(QWidget* parent = nullptr);

  void setRuns(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs);

  ComparisonTableModel* tableModel() const { return m_model; }
  DashboardView* dashboard() const { return m_dashboard; }
  QTableView* tableView() const { return m_table; }
  QLineEdit* filterEdit() const { return m_filter; }

  /// The comparison table as CSV (what the table shows, all metrics of the filter).
  bool exportTableCsv(const QString& path, QString* error = nullptr);
  /// What "Export CSV…" does after the file dialog: a warning with the path and cause on failure.
  bool exportTableCsvShowingErrors(const QString& path);

  /// Indices of `runs` grouped into columns: same scenario name and same
  /// parameters except "seed", from whatever file; groups in order of their first run.
  static QList<QList<int>> groupRunsIntoColumns(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs);
  /// Short column labels (table header, legends): up to 3 parameters that differ
  /// between columns ("chat.replicas=4"), else the file stem; then " (N seeds)" or " (seed S)".
  static QStringList columnLabels(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs,
                                  const QList<QList<int>>& groups);
  /// The whole story of each column for its header tooltip: scenario, every varying
  /// parameter with its full key, the seeds and the files.
  static QStringList columnDescriptions(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs,
                                        const QList<QList<int>>& groups);

 Q_SIGNALS:
  void timeSelected(double t);

 private:
  QList<std::shared_ptr<const leptonsim::RunDataset>> m_runs;
  DashboardView* m_dashboard = nullptr;
  ComparisonTableModel* m_model = nullptr;
  QTableView* m_table = nullptr;
  QLineEdit* m_filter = nullptr;
  QLabel* m_summaryLabel = nullptr;
};

}  // namespace leptonsim::gui
