// CompareView: several runs side by side. Their curves are overlaid in a
// DashboardView and their summary metrics compared in a table, the first
// column being the baseline. Runs of one report file whose parameters are
// equal except `seed` form one column, with a confidence interval across seeds.
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
  bool exportTableCsv(const QString& path);

  /// Indices of `runs` grouped into columns: same report file and same
  /// parameters except "seed"; groups in order of their first run.
  static QList<QList<int>> groupRunsIntoColumns(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs);
  /// Column labels for those groups: the run label for one run; scenario,
  /// the parameters that differ between columns and the seeds otherwise.
  static QStringList columnLabels(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs,
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
