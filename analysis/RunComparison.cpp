#include "RunComparison.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "Statistics.hpp"

namespace leptonsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_confidence(double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0))
    throw std::invalid_argument(fmt::format("confidence must be in (0, 1), got {}", confidence));
}

bool is_defined(const MetricStatistics& s) { return s.n > 0; }

double relative_change(double mean, double baseline) {
  if (std::isnan(mean) || std::isnan(baseline)) return kNaN;
  if (mean == baseline) return 0.0;  // also 0 vs 0, which would divide by zero
  return (mean - baseline) / std::abs(baseline);
}

bool differs_from_baseline(const ComparisonCell& cell, const ComparisonCell& baseline,
                           double relative_threshold) {
  if (cell.is_present != baseline.is_present) return true;
  if (!cell.is_present) return false;
  const MetricStatistics& a = cell.statistics;
  const MetricStatistics& b = baseline.statistics;
  if (is_defined(a) != is_defined(b)) return true;
  if (!is_defined(a)) return false;
  if (a.n >= 2 && b.n >= 2) return a.ci_upper < b.ci_lower || a.ci_lower > b.ci_upper;
  return std::abs(cell.relative_change) > relative_threshold;
}

}  // namespace

MetricStatistics metric_statistics(const std::vector<double>& values, double confidence) {
  check_confidence(confidence);
  MetricStatistics s;
  std::vector<double> defined;
  defined.reserve(values.size());
  for (double v : values) {
    if (std::isnan(v))
      ++s.undefined;
    else
      defined.push_back(v);
  }
  s.n = defined.size();
  s.mean = s.stddev = s.ci_lower = s.ci_upper = s.min = s.max = kNaN;
  if (defined.empty()) return s;
  const ConfidenceInterval ci = mean_ci(defined, confidence);
  s.mean = ci.mean;
  const auto [lowest, highest] = std::minmax_element(defined.begin(), defined.end());
  s.min = *lowest;
  s.max = *highest;
  if (s.n >= 2) {
    RunningStats running;
    for (double v : defined) running.add(v);
    s.stddev = running.stddev();
    s.ci_lower = ci.lower;
    s.ci_upper = ci.upper;
  }
  return s;
}

ComparisonTable compare_columns(const std::vector<ComparisonColumn>& columns, double confidence,
                                double relative_threshold) {
  check_confidence(confidence);
  if (!(relative_threshold >= 0.0))
    throw std::invalid_argument(
        fmt::format("relative threshold must be >= 0, got {}", relative_threshold));

  ComparisonTable table;
  table.confidence = confidence;
  table.relative_threshold = relative_threshold;

  std::map<std::string, std::string> units;
  std::set<std::string> metric_names;
  for (const ComparisonColumn& column : columns) {
    table.columns.push_back(column.label);
    for (const RunOverview* run : column.runs) {
      for (const auto& entry : run->summary) metric_names.insert(entry.first);
      for (const auto& [metric, unit] : run->units) units.emplace(metric, unit);
    }
  }
  table.metrics.assign(metric_names.begin(), metric_names.end());
  for (const std::string& metric : table.metrics) {
    const auto unit = units.find(metric);
    table.units.push_back(unit == units.end() ? std::string() : unit->second);
  }

  table.cells.resize(table.metrics.size());
  for (std::size_t m = 0; m < table.metrics.size(); ++m) {
    const std::string& metric = table.metrics[m];
    std::vector<ComparisonCell>& row = table.cells[m];
    row.resize(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      std::vector<double> values;
      for (const RunOverview* run : columns[c].runs) {
        if (run->run.status != "ok") continue;
        const auto it = run->summary.find(metric);
        if (it == run->summary.end()) continue;
        values.push_back(it->second);
        row[c].is_present = true;
      }
      row[c].statistics = metric_statistics(values, confidence);
    }
    if (row.empty()) continue;
    const double baseline_mean = row[0].statistics.mean;
    for (std::size_t c = 0; c < row.size(); ++c) {
      row[c].relative_change = relative_change(row[c].statistics.mean, baseline_mean);
      row[c].differs = c > 0 && differs_from_baseline(row[c], row[0], relative_threshold);
    }
  }
  return table;
}

}  // namespace leptonsim
