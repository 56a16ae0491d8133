// ReportDataset: what the GUI, `plot` and `compare` read from a report, in the
// shapes they draw. Plain C++ (no Qt): loaded on a worker thread and handed to
// the UI as an immutable object.
//
// Curves are downsampled on load (min/max per time bucket, see Downsampling.hpp)
// so a report with millions of time-series rows opens quickly; the full row
// counts stay in series_info.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "RunResult.hpp"

namespace leptonsim {

/// One (series, entity) curve of a run as stored in the file.
struct SeriesInfo {
  std::string series;
  std::string entity;
  std::int64_t points = 0;  // rows in the file
  double t_min = 0.0;
  double t_max = 0.0;
};

/// One run without its time series: enough for run lists, compare tables and sweeps.
struct RunOverview {
  std::int64_t run_id = 0;
  RunRecord run;                                  // scenario_text included
  std::map<std::string, std::string> parameters;  // key path -> value (includes "seed")
  std::map<std::string, double> summary;          // metric -> value (NaN for NULL)
  std::map<std::string, std::string> units;       // metric -> unit
};

/// Every run of a report file, without time series.
struct ReportOverview {
  std::string path;
  std::map<std::string, std::string> meta;
  std::vector<RunOverview> runs;  // ascending run_id
};

/// One run ready to draw.
struct RunDataset {
  std::string report_path;
  RunOverview overview;
  std::vector<SeriesInfo> series_info;  // every curve of the run, sorted by (series, entity)
  std::vector<TimeSeries> series;       // downsampled curves, same order as series_info
  std::vector<Event> events;            // in time order
  std::vector<ReplicaRecord> replicas;
  std::size_t max_points_per_series = 0;  // the downsampling budget used on load

  /// The curve (series, entity), or nullptr.
  const TimeSeries* find_series(std::string_view series, std::string_view entity) const;
  /// Every entity's curve of one series, in entity order.
  std::vector<const TimeSeries*> series_named(std::string_view series) const;
  /// A summary metric, or nullopt when absent.
  std::optional<double> summary_value(std::string_view metric) const;
  /// "name (seed 42, run 3)" for legends and tab titles.
  std::string label() const;
};

/// Reads meta, runs, parameters and summary of every run. Throws
/// std::runtime_error naming the file (not a report, unsupported schema, I/O).
ReportOverview read_report_overview(const std::string& path);

/// Loads one run with each curve downsampled to at most `max_points_per_series`
/// points (0 = keep every point), streaming each curve through an index range
/// scan; with many curves they are read on up to 4 connections in parallel.
/// Throws std::runtime_error naming the file, std::invalid_argument for
/// max_points_per_series 1..3.
RunDataset load_run_dataset(const std::string& path, std::int64_t run_id,
                            std::size_t max_points_per_series = 4000);

/// Re-reads one curve between t_from and t_to (inclusive) downsampled to
/// `max_points`: used when a chart is zoomed in beyond the loaded resolution.
/// An absent curve or an empty range gives an empty series; an unknown run
/// throws.
TimeSeries load_series_range(const std::string& path, std::int64_t run_id, const std::string& series,
                             const std::string& entity, double t_from, double t_to, std::size_t max_points);

}  // namespace leptonsim
