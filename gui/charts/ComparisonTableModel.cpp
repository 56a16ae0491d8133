#include "charts/ComparisonTableModel.hpp"

#include <QStringList>
#include <algorithm>
#include <cmath>

namespace leptonsim::gui {

ComparisonTableModel::ComparisonTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void ComparisonTableModel::setTable(leptonsim::ComparisonTable table) {
  beginResetModel();
  m_table = std::move(table);
  m_columnDescriptions.clear();  // they belong to the previous table
  applyFilter();
  endResetModel();
}

void ComparisonTableModel::setFilter(const QString& filter) {
  if (filter == m_filter) return;
  beginResetModel();
  m_filter = filter;
  applyFilter();
  endResetModel();
}

void ComparisonTableModel::applyFilter() {
  m_visibleMetrics.clear();
  const QStringList words = m_filter.split(QLatin1Char(' '), Qt::SkipEmptyParts);
  for (int i = 0; i < static_cast<int>(m_table.metrics.size()); ++i) {
    const QString metric = QString::fromStdString(m_table.metrics[static_cast<std::size_t>(i)]);
    bool matches = true;
    for (const QString& word : words) matches = matches && metric.contains(word, Qt::CaseInsensitive);
    if (matches) m_visibleMetrics << i;
  }
}

QString ComparisonTableModel::metricAt(int row) const {
  if (row < 0 || row >= m_visibleMetrics.size()) return {};
  return QString::fromStdString(m_table.metrics[static_cast<std::size_t>(m_visibleMetrics[row])]);
}

int ComparisonTableModel::rowOfMetric(const QString& metric) const {
  for (int row = 0; row < m_visibleMetrics.size(); ++row)
    if (metricAt(row) == metric) return row;
  return -1;
}

int ComparisonTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_visibleMetrics.size());
}

int ComparisonTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kFirstRunColumn + static_cast<int>(m_table.columns.size());
}

const leptonsim::ComparisonCell* ComparisonTableModel::cellAt(const QModelIndex& index) const {
  if (!index.isValid() || index.row() >= m_visibleMetrics.size() || index.column() < kFirstRunColumn) return nullptr;
  const auto metric = static_cast<std::size_t>(m_visibleMetrics[index.row()]);
  const auto column = static_cast<std::size_t>(index.column() - kFirstRunColumn);
  if (metric >= m_table.cells.size() || column >= m_table.cells[metric].size()) return nullptr;
  return &m_table.cells[metric][column];
}

QVariant ComparisonTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= m_visibleMetrics.size()) return {};
  const auto metricIndex = static_cast<std::size_t>(m_visibleMetrics[index.row()]);
  const QString metric = QString::fromStdString(m_table.metrics[metricIndex]);
  if (index.column() == kMetricColumn) {
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) return metric;
    return {};
  }
  if (index.column() == kUnitColumn) {
    if (role == Qt::DisplayRole && metricIndex < m_table.units.size())
      return QString::fromStdString(m_table.units[metricIndex]);
    return {};
  }
  const leptonsim::ComparisonCell* cell = cellAt(index);
  if (!cell) return {};
  const bool isBaseline = index.column() == kFirstRunColumn;
  switch (role) {
    case Qt::DisplayRole:
      return formatCell(*cell);
    case Qt::TextAlignmentRole:
      return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case MeanRole:
      return cell->is_present ? cell->statistics.mean : std::nan("");
    case RelativeChangeRole:
      return cell->relative_change;
    case DiffersRole:
      return cell->differs;
    case ChangeQualityRole:
      return static_cast<int>(cell->differs ? changeQuality(metric, cell->relative_change) : ChangeQuality::Neutral);
    case Qt::BackgroundRole:
      if (!cell->differs) return {};
      return qualityColor(changeQuality(metric, cell->relative_change));
    case Qt::ToolTipRole: {
      QStringList lines;
      const auto& s = cell->statistics;
      if (!cell->is_present) return tr("%1 is not reported by this run").arg(metric);
      if (s.n == 0) lines << tr("undefined in every run of this column");
      else lines << tr("mean %1 over %n run(s)", nullptr, static_cast<int>(s.n)).arg(formatNumber(s.mean));
      if (s.n >= 2 && std::isfinite(s.ci_lower))
        lines << tr("%1 % confidence interval [%2, %3]")
                     .arg(formatNumber(m_table.confidence * 100.0), formatNumber(s.ci_lower), formatNumber(s.ci_upper));
      if (s.n >= 2) lines << tr("min %1, max %2").arg(formatNumber(s.min), formatNumber(s.max));
      if (s.undefined > 0) lines << tr("%1 run(s) without a value").arg(s.undefined);
      if (isBaseline) {
        lines << tr("baseline column");
      } else if (std::isnan(cell->relative_change)) {
        lines << tr("no relative change (baseline undefined or zero)");
      } else {
        QString change = tr("%1%2 % vs baseline")
                             .arg(cell->relative_change > 0 ? QStringLiteral("+") : QString())
                             .arg(formatNumber(cell->relative_change * 100.0));
        if (cell->differs) {
          const ChangeQuality quality = changeQuality(metric, cell->relative_change);
          change += quality == ChangeQuality::Better  ? tr(" (better)")
                    : quality == ChangeQuality::Worse ? tr(" (worse)")
                                                      : tr(" (different)");
        } else {
          change += tr(" (not a significant difference)");
        }
        lines << change;
        // Why it is (not) flagged: intervals when both sides have them, else the relative threshold.
        const leptonsim::ComparisonCell& baseline = m_table.cells[metricIndex].front();
        const QString threshold = formatNumber(m_table.relative_threshold * 100.0);
        if (s.n >= 2 && baseline.statistics.n >= 2) {
          lines << (cell->differs ? tr("flagged because the confidence intervals do not overlap")
                                  : tr("not flagged: the confidence intervals overlap"));
        } else {
          const QString what = s.n < 2 && baseline.statistics.n < 2 ? tr("single runs") : tr("a single run");
          lines << (cell->differs
                        ? tr("%1: no confidence interval; flagged because the values differ by more than %2 %")
                              .arg(what, threshold)
                        : tr("%1: no confidence interval; not flagged because the values differ by %2 % or less")
                              .arg(what, threshold));
        }
      }
      return lines.join(QLatin1Char('\n'));
    }
    default:
      return {};
  }
}

void ComparisonTableModel::setColumnDescriptions(const QStringList& descriptions) {
  m_columnDescriptions = descriptions;
  if (columnCount() > kFirstRunColumn) Q_EMIT headerDataChanged(Qt::Horizontal, kFirstRunColumn, columnCount() - 1);
}

QVariant ComparisonTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Vertical) return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
  if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
  if (section == kMetricColumn) return tr("metric");
  if (section == kUnitColumn) return tr("unit");
  const int column = section - kFirstRunColumn;
  if (column < 0 || column >= static_cast<int>(m_table.columns.size())) return {};
  const QString label = QString::fromStdString(m_table.columns[static_cast<std::size_t>(column)]);
  if (role == Qt::ToolTipRole) {
    QString text = column < m_columnDescriptions.size() && !m_columnDescriptions.at(column).isEmpty()
                       ? label + QLatin1Char('\n') + m_columnDescriptions.at(column)
                       : label;
    return column == 0 ? tr("baseline: %1").arg(text) : text;
  }
  return label;
}

MetricDirection ComparisonTableModel::metricDirection(const QString& metric) {
  const QString quantity = metric.section(QLatin1Char('.'), -1);
  // Settings and sizes of the experiment: a change is neither good nor bad.
  static const char* const neutral[] = {"samples", "initial", "replicas", "arrived", "arrival", "target",
                                        "kv_capacity", "gpus_total", "nodes", "scale_ups", "scale_downs",
                                        "allocation"};
  static const char* const lower[] = {"latency", "wait", "ttft", "tpot", "cost", "drop", "queue_length",
                                      "in_system", "unplaced", "cold_start", "data_loss", "unfinished",
                                      "completion_time", "energy", "hours", "failure", "downtime", "power",
                                      "per_hour", "preempt"};
  static const char* const higher[] = {"throughput", "attainment", "slo_met", "completed", "per_second",
                                       "utilization", "availability", "completion_rate", "goodput"};
  for (const char* word : neutral)
    if (quantity.contains(QLatin1String(word))) return MetricDirection::Neutral;
  // Whole scopes where more is always worse.
  if (metric.startsWith(QLatin1String("cost.")) || metric.startsWith(QLatin1String("energy.")) ||
      metric.startsWith(QLatin1String("carbon.")) || metric.startsWith(QLatin1String("egress.")) ||
      metric.startsWith(QLatin1String("failures.")))
    return MetricDirection::LowerIsBetter;
  for (const char* word : lower)
    if (quantity.contains(QLatin1String(word))) return MetricDirection::LowerIsBetter;
  for (const char* word : higher)
    if (quantity.contains(QLatin1String(word))) return MetricDirection::HigherIsBetter;
  return MetricDirection::Neutral;
}

ChangeQuality ComparisonTableModel::changeQuality(const QString& metric, double relativeChange) {
  if (!std::isfinite(relativeChange) || relativeChange == 0.0) return ChangeQuality::Neutral;
  switch (metricDirection(metric)) {
    case MetricDirection::LowerIsBetter:
      return relativeChange < 0 ? ChangeQuality::Better : ChangeQuality::Worse;
    case MetricDirection::HigherIsBetter:
      return relativeChange > 0 ? ChangeQuality::Better : ChangeQuality::Worse;
    case MetricDirection::Neutral:
      break;
  }
  return ChangeQuality::Neutral;
}

QColor ComparisonTableModel::qualityColor(ChangeQuality quality) {
  switch (quality) {
    case ChangeQuality::Better:
      return QColor(198, 239, 206);
    case ChangeQuality::Worse:
      return QColor(255, 199, 206);
    case ChangeQuality::Neutral:
      break;
  }
  return QColor(255, 235, 156);  // differs, but neither better nor worse
}

QString ComparisonTableModel::formatNumber(double value) {
  if (std::isnan(value)) return QStringLiteral("undefined");
  if (std::isinf(value)) return value > 0 ? QStringLiteral("∞") : QStringLiteral("-∞");
  const double magnitude = std::abs(value);
  if (magnitude == 0.0) return QStringLiteral("0");
  if (magnitude >= 1e7 || magnitude < 1e-3) return QString::number(value, 'g', 4);
  // About four significant digits, trailing zeros dropped.
  const int digitsBeforePoint = static_cast<int>(std::floor(std::log10(magnitude))) + 1;
  const int decimals = std::max(0, 4 - digitsBeforePoint);
  QString text = QString::number(value, 'f', decimals);
  if (text.contains(QLatin1Char('.'))) {
    while (text.endsWith(QLatin1Char('0'))) text.chop(1);
    if (text.endsWith(QLatin1Char('.'))) text.chop(1);
  }
  return text;
}

QString ComparisonTableModel::formatMeanWithHalfWidth(double mean, double halfWidth) {
  const double magnitude = std::max(std::abs(mean), halfWidth);
  if (!(halfWidth > 0.0) || !std::isfinite(halfWidth) || magnitude >= 1e7 || magnitude < 1e-3)
    return QStringLiteral("%1 ± %2").arg(formatNumber(mean), formatNumber(halfWidth));
  // Two significant digits of the half-width; the mean to the same decimal place.
  const int decimals = std::clamp(1 - static_cast<int>(std::floor(std::log10(halfWidth))), 0, 9);
  return QStringLiteral("%1 ± %2").arg(QString::number(mean, 'f', decimals), QString::number(halfWidth, 'f', decimals));
}

QString ComparisonTableModel::formatCell(const leptonsim::ComparisonCell& cell) {
  if (!cell.is_present) return {};
  const auto& s = cell.statistics;
  if (s.n == 0) return QStringLiteral("undefined");
  if (s.n >= 2 && std::isfinite(s.ci_lower) && std::isfinite(s.ci_upper)) {
    const double halfWidth = (s.ci_upper - s.ci_lower) / 2.0;
    return QStringLiteral("%1 (n=%2)").arg(formatMeanWithHalfWidth(s.mean, halfWidth)).arg(s.n);
  }
  return formatNumber(s.mean);
}

}  // namespace leptonsim::gui
