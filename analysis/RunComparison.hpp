// RunComparison: a table of summary metrics across runs or sweep points with
// the differences from the first column (the baseline) flagged. Used by the
// GUI's compare view and `leptonsim compare`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ReportDataset.hpp"
#include "SweepTable.hpp"

namespace leptonsim {

/// One column: a single run, or the seeds of one sweep point.
struct ComparisonColumn {
  std::string label;
  std::vector<const RunOverview*> runs;  // one or more; not owned
};

struct ComparisonCell {
  MetricStatistics statistics;  // over the column's runs (CI when >= 2 runs)
  bool is_present = false;      // the metric exists in at least one run of the column
  double relative_change = 0.0; // (mean - baseline mean) / |baseline mean|; NaN if undefined
  bool differs = false;         // flagged as different from the baseline (never for column 0)
};

struct ComparisonTable {
  double confidence = 0.95;
  double relative_threshold = 0.01;
  std::vector<std::string> columns;
  std::vector<std::string> metrics;  // union of all metrics, sorted
  std::vector<std::string> units;    // same order as metrics
  std::vector<std::vector<ComparisonCell>> cells;  // cells[metric][column]
};

/// A cell differs from the baseline when both have >= 2 defined values and
/// their confidence intervals do not overlap; otherwise when the relative
/// change of the means exceeds `relative_threshold` (or exactly one of the two
/// is defined/present). As in SweepTable, runs whose status is not ok add no
/// values (nor presence). Two means of 0 have a relative change of 0. Throws
/// std::invalid_argument for a confidence outside (0, 1) or a negative
/// threshold.
ComparisonTable compare_columns(const std::vector<ComparisonColumn>& columns, double confidence = 0.95,
                                double relative_threshold = 0.01);

/// Statistics of values (NaN left out) at a confidence level; the shared helper
/// of SweepTable and RunComparison.
MetricStatistics metric_statistics(const std::vector<double>& values, double confidence);

}  // namespace leptonsim
