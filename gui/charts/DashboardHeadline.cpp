#include "charts/DashboardHeadline.hpp"

#include <QLocale>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace leptonsim::gui {

namespace {

constexpr int kMostRunsShown = 4;
constexpr int kMostServicesShown = 6;

/// `value` with `digits` significant digits, trailing zeros dropped ("412", "1.5", "0.0123").
QString significant(double value, int digits) {
  if (value == 0.0) return QStringLiteral("0");
  const int magnitude = static_cast<int>(std::floor(std::log10(std::abs(value))));
  const int decimals = std::clamp(digits - 1 - magnitude, 0, 9);
  QString text = QString::number(value, 'f', decimals);
  if (text.contains(QLatin1Char('.'))) {
    while (text.endsWith(QLatin1Char('0'))) text.chop(1);
    if (text.endsWith(QLatin1Char('.'))) text.chop(1);
  }
  return text;
}

const char* const kServiceSuffixes[] = {"latency_p99", "slo_latency_p99_target", "slo_met", "slo_attainment",
                                        "throughput",  "drop_fraction",          "ttft_p99", "tpot_p99"};

QString nonBreaking(const QString& text) {
  return text.toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;"));
}

/// A unit for a span of hours: h below two days, days below two years, then years.
struct HoursUnit {
  double hours;
  const char* one;
  const char* many;
};
HoursUnit hoursUnitFor(double hours) {
  const double magnitude = std::abs(hours);
  if (magnitude < 48.0) return {1.0, "h", "h"};
  if (magnitude < 2.0 * 8766.0) return {24.0, "day", "days"};
  return {8766.0, "year", "years"};
}
QString formatHoursIn(double hours, const HoursUnit& unit) {
  const QString number = significant(hours / unit.hours, 3);
  return number + QLatin1Char(' ') + QString::fromLatin1(number == QLatin1String("1") ? unit.one : unit.many);
}

/// Bytes with a decimal prefix (1 GB = 1e9 B, like the scenarios' sizes): "1.07 TB".
QString formatBytes(double bytes, const QString& suffix) {
  static const char* const prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  int prefix = 0;
  double scaled = bytes;
  while (std::abs(scaled) >= 999.5 && prefix < 6) {
    scaled /= 1000.0;
    ++prefix;
  }
  return significant(scaled, 3) + QLatin1Char(' ') + QString::fromLatin1(prefixes[prefix]) + suffix;
}

}  // namespace

DashboardHeadline::DashboardHeadline(QWidget* parent) : QLabel(parent) {
  setTextFormat(Qt::RichText);
  setWordWrap(true);
  setContentsMargins(8, 2, 8, 2);
  setTextInteractionFlags(Qt::TextSelectableByMouse);
  setVisible(false);
}

QString DashboardHeadline::formatPercent(double fraction) {
  if (!std::isfinite(fraction)) return QStringLiteral("–");
  // 0.9996 is not "100.0 %" and 0.0004 is not "0.0 %": add decimals until the difference shows.
  QString text;
  for (int decimals = 1; decimals <= 4; ++decimals) {
    text = QString::number(fraction * 100.0, 'f', decimals);
    const double shown = text.toDouble();
    const bool roundsToFull = shown == 100.0 && fraction < 1.0;
    const bool roundsToZero = shown == 0.0 && fraction > 0.0;
    if (!roundsToFull && !roundsToZero) break;
  }
  return text + QStringLiteral(" %");
}

QString DashboardHeadline::formatValue(double value, const QString& unit) {
  if (!std::isfinite(value)) return QStringLiteral("–");
  if (unit == QLatin1String("s")) {
    if (std::abs(value) < 1.0) return significant(value * 1000.0, 3) + QStringLiteral(" ms");
    return significant(value, 3) + QStringLiteral(" s");
  }
  if (unit == QLatin1String("duration")) {
    if (std::abs(value) < 120.0) return formatValue(value, QStringLiteral("s"));
    if (std::abs(value) < 7200.0) return significant(value / 60.0, 3) + QStringLiteral(" min");
    return formatValue(value / 3600.0, QStringLiteral("h"));
  }
  if (unit == QLatin1String("h")) return formatHoursIn(value, hoursUnitFor(value));
  if (unit == QLatin1String("B")) return formatBytes(value, QStringLiteral("B"));
  if (unit == QLatin1String("B/s")) return formatBytes(value, QStringLiteral("B/s"));
  if (unit == QLatin1String("USD")) return QStringLiteral("$") + QLocale(QLocale::English).toString(value, 'f', 2);
  if (unit == QLatin1String("%")) return formatPercent(value);
  if (unit.isEmpty() || unit == QLatin1String("1")) return significant(value, 4);
  return significant(value, 3) + QLatin1Char(' ') + unit;
}

const HeadlineNumber* DashboardHeadline::number(const QString& metric, int runIndex) const {
  for (const HeadlineNumber& number : m_numbers)
    if (number.metric == metric && number.run_index == runIndex) return &number;
  return nullptr;
}

void DashboardHeadline::addMttdl(QStringList& parts, int runIndex, const std::map<std::string, double>& summary,
                                 QStringList& tooltip) {
  auto value = [&summary](const char* metric) {
    const auto it = summary.find(metric);
    return it == summary.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
  };
  const double mttdl = value("data.mttdl");
  const double low = value("data.mttdl_ci_low");
  const double high = value("data.mttdl_ci_high");
  if (!std::isfinite(mttdl) && !std::isfinite(low)) return;
  auto record = [&](const char* metric, const QString& name, double number, const QString& text) {
    if (!summary.count(metric)) return;
    m_numbers << HeadlineNumber{runIndex, tr("data"), name, QString::fromLatin1(metric), number, text};
    tooltip << QStringLiteral("%1 = %2 h").arg(QString::fromLatin1(metric), QString::number(number, 'g', 15));
  };
  // One unit for the estimate and its interval, so they read side by side.
  const HoursUnit unit = hoursUnitFor(std::isfinite(mttdl) ? mttdl : low);
  const QString lowText = std::isfinite(low) ? formatHoursIn(low, unit) : QStringLiteral("–");
  const QString highText = std::isfinite(high) ? formatHoursIn(high, unit) : QStringLiteral("∞");
  QString shown;
  QString interval;
  if (std::isfinite(mttdl)) {
    shown = formatHoursIn(mttdl, unit);
    interval = tr("95 % CI %1 – %2").arg(lowText, highText);
  } else {
    // No loss in the run: only a lower bound.
    shown = QStringLiteral("> ") + lowText;
    interval = tr("95 %, no loss seen");
  }
  record("data.mttdl", tr("MTTDL"), mttdl, shown);
  record("data.mttdl_ci_low", tr("MTTDL 95 % CI low"), low, lowText);
  record("data.mttdl_ci_high", tr("MTTDL 95 % CI high"), high, highText);
  parts << QStringLiteral("%1&nbsp;<b>%2</b>&nbsp;<span style='color:#666'>(%3)</span>")
               .arg(nonBreaking(tr("MTTDL")), nonBreaking(shown), nonBreaking(interval));
}

void DashboardHeadline::setRuns(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs,
                                const QStringList& runLabels, const QList<QColor>& runColors) {
  m_numbers.clear();
  QStringList lines;
  QStringList tooltip;
  for (int runIndex = 0; runIndex < runs.size() && runIndex < kMostRunsShown; ++runIndex) {
    const leptonsim::RunOverview& overview = runs.at(runIndex)->overview;
    const auto& summary = overview.summary;
    auto unitOf = [&overview](const std::string& metric) {
      const auto it = overview.units.find(metric);
      return it == overview.units.end() ? QString() : QString::fromStdString(it->second);
    };
    QStringList groups;  // "chat: ...", then the run's own numbers
    // Adds a number when the summary has it; `unit` overrides the report's unit ("%" for fractions).
    auto add = [&](QStringList& parts, const QString& scope, const QString& name, const std::string& metric,
                   const QString& unit = QString()) -> std::optional<double> {
      const auto it = summary.find(metric);
      if (it == summary.end()) return std::nullopt;
      HeadlineNumber number;
      number.run_index = runIndex;
      number.scope = scope;
      number.name = name;
      number.metric = QString::fromStdString(metric);
      number.value = it->second;
      number.text = formatValue(it->second, unit.isEmpty() ? unitOf(metric) : unit);
      m_numbers << number;
      // One number never wraps inside itself, only between numbers.
      parts << QStringLiteral("%1&nbsp;<b>%2</b>").arg(nonBreaking(name), nonBreaking(number.text));
      tooltip << QStringLiteral("%1 = %2 %3")
                     .arg(number.metric, QString::number(number.value, 'g', 15), unitOf(metric))
                     .trimmed();
      return it->second;
    };

    // Services: every name that has one of the headline metrics, in name order.
    std::set<std::string> services;
    for (const auto& [metric, value] : summary) {
      if (metric.rfind("service.", 0) != 0) continue;
      const std::size_t dot = metric.rfind('.');
      if (dot <= 8) continue;
      const std::string suffix = metric.substr(dot + 1);
      // Service names have no dots: service.<name>.users.<population>.latency_p99 is a routed
      // service's population, shown with the service.
      const std::string name = metric.substr(8, dot - 8);
      if (name.find('.') != std::string::npos) continue;
      for (const char* known : kServiceSuffixes)
        if (suffix == known) services.insert(name);
    }
    int servicesWithNumbers = 0;
    for (const std::string& service : services) {
      const QString scope = QString::fromStdString(service);
      const std::string prefix = "service." + service + ".";
      QStringList parts;
      const std::optional<double> p99 = add(parts, scope, tr("p99 latency"), prefix + "latency_p99", QStringLiteral("s"));
      const std::optional<double> target =
          add(parts, scope, tr("SLO"), prefix + "slo_latency_p99_target", QStringLiteral("s"));
      if (target) {
        // The simulator's verdict when it gave one, else p99 <= target.
        const auto metVerdict = summary.find(prefix + "slo_met");
        const bool hasVerdict = metVerdict != summary.end() && std::isfinite(metVerdict->second);
        const bool canJudge = hasVerdict || (p99 && std::isfinite(*p99) && std::isfinite(*target));
        if (canJudge) {
          const bool met = hasVerdict ? metVerdict->second >= 0.5 : *p99 <= *target;
          HeadlineNumber verdict;
          verdict.run_index = runIndex;
          verdict.scope = scope;
          verdict.name = tr("SLO met");
          verdict.metric = hasVerdict ? QString::fromStdString(prefix + "slo_met") : QString();
          verdict.value = met ? 1.0 : 0.0;
          verdict.text = met ? tr("met") : tr("not met");
          m_numbers << verdict;
          parts.last() += QStringLiteral("&nbsp;<span style='color:%1'><b>%2&nbsp;%3</b></span>")
                              .arg(met ? QStringLiteral("#2a7d2a") : QStringLiteral("#c62828"),
                                   met ? QStringLiteral("&#10003;") : QStringLiteral("&#10007;"), nonBreaking(verdict.text));
        }
      }
      add(parts, scope, tr("within SLO"), prefix + "slo_attainment", QStringLiteral("%"));
      add(parts, scope, tr("throughput"), prefix + "throughput", QStringLiteral("req/s"));
      add(parts, scope, tr("dropped"), prefix + "drop_fraction", QStringLiteral("%"));
      add(parts, scope, tr("available"), prefix + "availability", QStringLiteral("%"));
      add(parts, scope, tr("failed requests"), prefix + "requests_failed", QString());
      add(parts, scope, tr("TTFT p99"), prefix + "ttft_p99", QStringLiteral("s"));
      add(parts, scope, tr("TPOT p99"), prefix + "tpot_p99", QStringLiteral("s"));
      if (parts.isEmpty()) continue;
      ++servicesWithNumbers;
      // Many services would push the charts off screen: the first few here, all in the tooltip.
      if (servicesWithNumbers <= kMostServicesShown)
        groups << QStringLiteral("<b>%1</b>:&nbsp;%2").arg(nonBreaking(scope), parts.join(QStringLiteral(" · ")));
    }
    if (servicesWithNumbers > kMostServicesShown)
      groups << nonBreaking(tr("+%1 more services (hover for all)").arg(servicesWithNumbers - kMostServicesShown));
    QStringList jobParts;
    add(jobParts, tr("jobs"), tr("completed"), "jobs.completed", QString());
    add(jobParts, tr("jobs"), tr("mean JCT"), "jobs.jct_mean", QStringLiteral("s"));
    add(jobParts, tr("jobs"), tr("queue delay p95"), "jobs.queue_delay_p95", QStringLiteral("s"));
    add(jobParts, tr("jobs"), tr("preemptions"), "jobs.preemptions", QString());
    add(jobParts, tr("jobs"), tr("lost work"), "jobs.lost_gpu_hours", QString());
    // With failures: how often jobs were interrupted and what share of their GPU time was useful.
    if (add(jobParts, tr("jobs"), tr("interruptions"), "jobs.interruptions", QString()))
      add(jobParts, tr("jobs"), tr("effective training"), "jobs.effective_training_ratio", QStringLiteral("%"));
    if (!jobParts.isEmpty())
      groups << QStringLiteral("<b>%1</b>:&nbsp;%2").arg(nonBreaking(tr("jobs")), jobParts.join(QStringLiteral(" · ")));
    // The data layer: losses in red, the MTTDL with its confidence interval.
    const bool hasData = std::any_of(summary.begin(), summary.end(),
                                     [](const auto& entry) { return entry.first.rfind("data.", 0) == 0; });
    QStringList dataParts;
    if (hasData) {
      const QString scope = tr("data");
      auto markLoss = [&dataParts](std::optional<double> value) {
        if (value && std::isfinite(*value) && *value > 0.0)
          dataParts.last() = QStringLiteral("<span style='color:#c62828'>%1</span>").arg(dataParts.last());
      };
      markLoss(add(dataParts, scope, tr("loss events"), "data.loss_events", QStringLiteral("1")));
      markLoss(add(dataParts, scope, tr("lost"), "data.bytes_lost", QStringLiteral("B")));
      markLoss(add(dataParts, scope, tr("unrecoverable"), "data.bytes_unrecoverable", QStringLiteral("B")));
      addMttdl(dataParts, runIndex, summary, tooltip);
      add(dataParts, scope, tr("time to full redundancy"), "data.time_to_full_redundancy_mean", QStringLiteral("duration"));
      add(dataParts, scope, tr("storage cost"), "cost.storage", QStringLiteral("USD"));
      add(dataParts, scope, tr("quorum write p99"), "quorum.write_latency_p99", QStringLiteral("s"));
      add(dataParts, scope, tr("stale reads"), "quorum.stale_reads", QString());
    }
    // Node weight caches (no data section needed).
    add(dataParts, tr("data"), tr("weight cache hits"), "cache.hit_ratio", QStringLiteral("%"));
    if (!dataParts.isEmpty())
      groups << QStringLiteral("<b>%1</b>:&nbsp;%2").arg(nonBreaking(tr("data")), dataParts.join(QStringLiteral(" · ")));
    QStringList runParts;
    add(runParts, QString(), tr("cost"), "cost.total", QStringLiteral("USD"));
    add(runParts, QString(), tr("per 1M output tokens"), "cost.per_million_output_tokens", QStringLiteral("USD"));
    add(runParts, QString(), tr("energy"), "energy.facility_kwh", QStringLiteral("kWh"));
    add(runParts, QString(), tr("carbon"), "carbon.kg", QStringLiteral("kg"));
    add(runParts, QString(), tr("GPU utilisation"), "cluster.gpu_utilization_mean", QStringLiteral("%"));
    add(runParts, QString(), tr("failures"), "failures.count", QString());
    if (!runParts.isEmpty()) groups << runParts.join(QStringLiteral(" · "));
    if (groups.isEmpty()) continue;
    QString line = groups.join(QStringLiteral(" &nbsp;&nbsp;|&nbsp;&nbsp; "));
    if (runs.size() > 1) {
      const QColor color = runColors.value(runIndex, QColor(80, 80, 80));
      line = QStringLiteral("<span style='color:%1'>&#9632;</span>&nbsp;%2: %3")
                 .arg(color.name(), runLabels.value(runIndex).toHtmlEscaped(), line);
    }
    lines << line;
  }
  if (runs.size() > kMostRunsShown && !lines.isEmpty())
    lines << tr("… and %1 more runs (see the Compare tab)").arg(runs.size() - kMostRunsShown);
  setText(lines.isEmpty() ? QString() : QStringLiteral("<div style='font-size:9.5pt'>%1</div>")
                                            .arg(lines.join(QStringLiteral("<br>"))));
  setToolTip(tooltip.isEmpty() ? QString()
                               : tr("From the run summary (measurement window):\n") + tooltip.join(QLatin1Char('\n')));
  setVisible(!lines.isEmpty());
}

}  // namespace leptonsim::gui
