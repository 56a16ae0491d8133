// DashboardHeadline: the run's headline numbers from its summary, one line per
// run above the dashboard's charts: per service p99 latency against the SLO
// target (met or not), SLO attainment, throughput and drop fraction (LLM
// services: TTFT and TPOT p99); with a data layer, its losses (events, bytes),
// MTTDL with its 95 % interval, mean time to full redundancy and storage cost;
// per run cost and mean GPU utilisation. The
// numbers are the summary's own values, formatted with units; the tooltip
// lists each one's metric at full precision.
#pragma once

#include <QLabel>
#include <QList>
#include <QString>
#include <QStringList>
#include <map>
#include <memory>
#include <string>

#include "ReportDataset.hpp"

namespace leptonsim::gui {

/// One headline number.
struct HeadlineNumber {
  int run_index = 0;
  QString scope;   // service name, or "" for the run as a whole
  QString name;    // "p99 latency", "SLO attainment", ...
  QString metric;  // summary metric it shows ("service.chat.latency_p99")
  double value = 0.0;
  QString text;    // as shown ("412 ms")
};

class DashboardHeadline : public QLabel {
  Q_OBJECT
 public:
  explicit DashboardHeadline(QWidget* parent = nullptr);

  /// `runLabels[i]` names run i when there are several; hidden without runs or numbers.
  void setRuns(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs, const QStringList& runLabels,
               const QList<QColor>& runColors);
  QList<HeadlineNumber> numbers() const { return m_numbers; }
  /// The number showing `metric` of run `runIndex`, or nullptr.
  const HeadlineNumber* number(const QString& metric, int runIndex = 0) const;
  /// The rich text shown (also drawn into dashboard images).
  QString html() const { return text(); }

  /// A summary value with its unit: seconds as ms/s, fractions as %, USD as $, req/s; bytes (B, B/s)
  /// with a decimal prefix; hours (h) as h, days or years; "duration" (seconds) as s, min, h or days.
  static QString formatValue(double value, const QString& unit);
  /// Fractions of 1 as percent with enough decimals not to round 0.9996 to 100 %.
  static QString formatPercent(double fraction);

 private:
  /// "MTTDL 3.2 years (95 % CI 1.1 – 9.8 years)", or its lower bound when the run lost nothing.
  void addMttdl(QStringList& parts, int runIndex, const std::map<std::string, double>& summary, QStringList& tooltip);

  QList<HeadlineNumber> m_numbers;
};

}  // namespace leptonsim::gui
