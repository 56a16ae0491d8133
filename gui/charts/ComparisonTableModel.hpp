// ComparisonTableModel: a leptonsim::ComparisonTable as a Qt table. Rows are
// summary metrics (filterable by name), column 0 the metric, column 1 its
// unit, then one column per run or sweep point (the first is the baseline).
// Cells read "mean" or "mean ± half-width (n=…)"; cells that differ from the
// baseline are tinted green when better and red when worse.
#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QString>
#include <QVector>

#include "RunComparison.hpp"

namespace leptonsim::gui {

/// Which way a metric should move to be an improvement.
enum class MetricDirection { LowerIsBetter, HigherIsBetter, Neutral };
enum class ChangeQuality { Better, Worse, Neutral };

class ComparisonTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  static constexpr int kMetricColumn = 0;
  static constexpr int kUnitColumn = 1;
  static constexpr int kFirstRunColumn = 2;

  enum Role {
    MeanRole = Qt::UserRole + 1,  // double mean of the cell (NaN when undefined)
    RelativeChangeRole,           // double relative change from the baseline
    DiffersRole,                  // bool: flagged as different from the baseline
    ChangeQualityRole,            // int ChangeQuality of a differing cell
  };

  explicit ComparisonTableModel(QObject* parent = nullptr);

  void setTable(leptonsim::ComparisonTable table);
  /// Header tooltips of the run columns (one per table column); the label when absent.
  void setColumnDescriptions(const QStringList& descriptions);
  const leptonsim::ComparisonTable& table() const { return m_table; }

  /// Shows only metrics whose name contains every word of `filter` (case-insensitive).
  void setFilter(const QString& filter);
  QString filter() const { return m_filter; }

  /// The metric shown in `row`, or "".
  QString metricAt(int row) const;
  /// The row showing `metric`, or -1 (filtered out or absent).
  int rowOfMetric(const QString& metric) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  /// The better/worse rule: latency, cost, drops, waiting, energy, failures go
  /// down to improve; throughput, attainment, utilisation, completions go up;
  /// counts that describe the setup (replicas, arrivals, targets) are neutral.
  static MetricDirection metricDirection(const QString& metric);
  /// Better or worse for a relative change of `metric` (Neutral for 0 or NaN).
  static ChangeQuality changeQuality(const QString& metric, double relativeChange);
  /// The tint of a differing cell.
  static QColor qualityColor(ChangeQuality quality);
  /// A number with about four significant digits, no exponent for everyday sizes.
  static QString formatNumber(double value);
  /// "59.65 ± 0.70": two significant digits of the half-width, the mean rounded alike.
  static QString formatMeanWithHalfWidth(double mean, double halfWidth);
  /// "mean", "mean ± half-width (n=…)", "undefined" or "" (absent).
  static QString formatCell(const leptonsim::ComparisonCell& cell);

 private:
  void applyFilter();
  const leptonsim::ComparisonCell* cellAt(const QModelIndex& index) const;

  leptonsim::ComparisonTable m_table;
  QString m_filter;
  QStringList m_columnDescriptions;
  QVector<int> m_visibleMetrics;  // indices into m_table.metrics
};

}  // namespace leptonsim::gui
