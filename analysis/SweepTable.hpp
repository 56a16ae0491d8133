// SweepTable: the runs of a report grouped into sweep points (runs whose
// parameters are equal except `seed`), with statistics across seeds for every
// summary metric; plus the Pareto front and heatmap grids drawn from it.
// Used by the GUI's sweep and compare views and by `leptonsim compare`/`plan`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ReportDataset.hpp"

namespace leptonsim {

/// Statistics of one metric across the seeds of one point. Values that are NaN
/// (undefined metrics) are left out and counted in `undefined`.
struct MetricStatistics {
  std::size_t n = 0;          // defined values
  std::size_t undefined = 0;  // NaN values left out
  double mean = 0.0;          // NaN when n == 0
  double stddev = 0.0;        // sample standard deviation; NaN when n < 2
  double ci_lower = 0.0;      // Student-t interval at the table's confidence; NaN when n < 2
  double ci_upper = 0.0;
  double min = 0.0;
  double max = 0.0;
};

struct SweepPoint {
  std::map<std::string, std::string> axes;  // parameter key -> value, without "seed"
  std::vector<std::int64_t> run_ids;        // ascending
  std::vector<std::uint64_t> seeds;         // same order as run_ids
  std::map<std::string, MetricStatistics> metrics;
  /// "services.chat.replicas=4, services.chat.autoscaler.policy=hpa" (varying axes only), or "run 3".
  std::string label(const std::vector<std::string>& varying_axes) const;
};

struct SweepTable {
  double confidence = 0.95;
  std::vector<std::string> axes;             // parameter keys (not seed) whose value differs between points, sorted
  std::vector<std::string> metrics;          // every summary metric of any run, sorted
  std::map<std::string, std::string> units;  // metric -> unit
  std::vector<SweepPoint> points;            // ordered by axis values, numbers numerically
};

/// Groups runs by their parameters without "seed" (only runs with status ok
/// contribute values; failed runs are listed in run_ids but add nothing).
/// Every point has an entry for every metric of the table (n == 0 where none
/// of its runs has a value). Throws std::invalid_argument for a confidence
/// outside (0, 1).
SweepTable build_sweep_table(const ReportOverview& report, double confidence = 0.95);

/// Indices of the points of (x[i], y[i]) that no other point dominates when both
/// are minimised (a point dominates another if it is <= in both and < in one),
/// sorted by ascending x. Points with a NaN coordinate are ignored; of equal
/// points the first is kept.
std::vector<std::size_t> pareto_front_min_min(const std::vector<double>& x, const std::vector<double>& y);

/// A metric over two axes. Cells hold the mean over the points that fall in
/// them (several points fall in one cell when other axes vary and are not
/// fixed); NaN where no point falls.
struct HeatmapGrid {
  std::string axis_x, axis_y, metric;
  std::vector<std::string> x_values;  // ordered like SweepTable points (numbers numerically)
  std::vector<std::string> y_values;
  std::vector<double> cells;                          // row-major: cells[iy * x_values.size() + ix]
  std::vector<std::vector<std::size_t>> cell_points;  // indices into table.points, same layout
};

/// Points whose axes listed in `fixed` have other values are skipped. Throws
/// std::invalid_argument if axis_x or axis_y is not an axis of the table.
HeatmapGrid build_heatmap(const SweepTable& table, const std::string& axis_x, const std::string& axis_y,
                          const std::string& metric, const std::map<std::string, std::string>& fixed = {});

/// Orders two parameter values: both numeric -> by number (ties, e.g. "2" and
/// "2.0", by text), else as text; a number sorts before a non-number so that
/// the order stays transitive ("2" < "10" < "1a" < "b"). Numeric means the
/// whole text is a finite decimal number.
bool parameter_value_less(const std::string& a, const std::string& b);

}  // namespace leptonsim
