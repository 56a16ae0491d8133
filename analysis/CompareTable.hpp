// CompareTable: the text of `leptonsim compare REPORT... [--metric M]...
// [--by point|run] [--format table|csv|json]`: chosen summary metrics across
// the sweep points (seeds grouped, mean ± confidence half-width) or the single
// runs of one or more reports.
//
// Points and runs of each report are listed one after another, in the order of
// the reports; with several reports a leading `file` column names each one.
// The parameters that differ between the listed points (across all reports)
// are the leading columns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ReportDataset.hpp"

namespace leptonsim {

struct CompareOptions {
  /// Exact metric names or glob patterns with `*` (e.g. `service.*.latency_p99`);
  /// empty: `cost.total` and every `service.*.latency_p99`,
  /// `service.*.slo_attainment` and `service.*.throughput` present (every
  /// metric when none of these is).
  std::vector<std::string> metrics;
  enum class By { point, run } by = By::point;
  enum class Format { table, csv, json } format = Format::table;
  double confidence = 0.95;  // of the Student-t intervals across seeds
};

/// `point` / `run` and `table` / `csv` / `json`; throw std::invalid_argument naming the valid words.
CompareOptions::By parse_compare_by(const std::string& word);
CompareOptions::Format parse_compare_format(const std::string& word);

/// True when `name` matches `pattern`, where `*` stands for any text (also empty, also dots).
bool metric_glob_match(std::string_view pattern, std::string_view name);

/// The metrics of `available` chosen by `patterns` (see CompareOptions::metrics),
/// in the order of the patterns (a glob's matches sorted), each once. Throws
/// std::invalid_argument for a pattern that matches nothing, listing close names.
std::vector<std::string> select_metrics(const std::vector<std::string>& available,
                                        const std::vector<std::string>& patterns);

/// The comparison of reports already read (labels: the file names of their paths).
///
/// table, by point: one row per point; each metric as "mean ± half-width (n)"
///   (n = runs with a value; just the mean when n == 1; "—" when none), numbers
///   with 6 significant digits, half-widths with 4; columns aligned.
/// table, by run: one row per run: run id, seed (and status when a run is not
///   ok), the varying parameters and each metric's value.
/// csv: the same rows; by point each metric gives the columns `M.mean`,
///   `M.ci_lower`, `M.ci_upper`, `M.n` (empty where undefined); by run one
///   column `M`. Numbers at full precision.
/// json: an array with one object per row (NaN as null).
/// Throws std::invalid_argument for unknown metrics or a confidence outside (0, 1).
std::string format_comparison(const std::vector<ReportOverview>& reports, const CompareOptions& options);

/// Reads each report with read_report_overview (std::runtime_error naming a
/// file that cannot be read) and formats it as above.
std::string format_comparison(const std::vector<std::string>& report_paths, const CompareOptions& options);

}  // namespace leptonsim
