// SqliteReport: writes RunResults to a versioned SQLite report (schema in
// docs/report-schema.md) and reads it back.
//
// Writing is atomic: the report is built in `path + ".tmp-<pid>"` in the same
// directory, in one transaction with prepared statements (every value bound,
// no SQL is ever built from data), closed, flushed to disk and then renamed
// over `path`. On any error the temporary file is removed, `path` is left as it
// was and std::runtime_error is thrown naming the path and the SQLite message.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "RunResult.hpp"

struct sqlite3;

namespace leptonsim {

/// The schema version written to meta.schema_version. Readers accept reports
/// whose schema_version equals this value (additive changes, such as the
/// `jobs` table, keep the version: readers tolerate their absence).
inline constexpr const char* kReportSchemaVersion = "1";

/// Optional meta data for a report.
struct ReportInfo {
  /// meta.created_by: the command that produced the report, e.g. "leptonsim run".
  std::string created_by = "leptonsim";
  /// Further meta rows (e.g. a sweep id). Must not use the reserved keys
  /// schema_version, generator, created_by.
  std::map<std::string, std::string> extra_meta;
};

/// The leptonsim version string compiled into the analysis library.
std::string leptonsim_version();

/// The wall-clock time now as ISO-8601 UTC ("2026-11-23T09:35:00Z"), for the
/// wall-clock fields of reports (never used by the model).
std::string utc_now_iso8601();

/// Writes `runs` to a new report at `path`, replacing any file there only on
/// success. Run ids are assigned 1, 2, ... in the order of `runs`.
/// Throws std::runtime_error (with the path and the cause) on failure, e.g. a
/// missing directory, a duplicate summary metric or parameter within a run, a
/// time series whose t and value lengths differ, or a NaN time.
void write_report(const std::string& path, const std::vector<RunResult>& runs);
void write_report(const std::string& path, const std::vector<RunResult>& runs,
                  const ReportInfo& info);

/// Read access to a report, for tests and tools (plot, compare, merge, GUI).
/// Opens the file read-only and checks meta.schema_version; every method throws
/// std::runtime_error on SQLite errors or an unknown run id.
class ReportReader {
 public:
  explicit ReportReader(const std::string& path);
  ~ReportReader();
  ReportReader(const ReportReader&) = delete;
  ReportReader& operator=(const ReportReader&) = delete;
  ReportReader(ReportReader&& other) noexcept;
  ReportReader& operator=(ReportReader&& other) noexcept;

  const std::string& path() const { return path_; }
  std::string schema_version() const;
  /// All meta rows.
  std::map<std::string, std::string> meta() const;
  /// Run ids in ascending order.
  std::vector<std::int64_t> run_ids() const;
  /// The runs row of one run.
  RunRecord run(std::int64_t run_id) const;
  /// metric -> value for one run (NULL values, i.e. NaN on write, read as NaN).
  std::map<std::string, double> summary(std::int64_t run_id) const;
  /// metric -> unit for one run.
  std::map<std::string, std::string> summary_units(std::int64_t run_id) const;
  /// key -> value for one run.
  std::map<std::string, std::string> parameters(std::int64_t run_id) const;
  /// One time series (points in the order written); empty if absent.
  TimeSeries timeseries(std::int64_t run_id, const std::string& series,
                        const std::string& entity) const;
  /// Everything stored for one run, in the order it was written.
  RunResult load(std::int64_t run_id) const;

  // Bulk and streaming access for large reports (GUI, plot, compare). These
  // use the indexes of the schema and statements prepared once per reader.
  // time_span and for_each_point run once per curve and do not check the run
  // id: an unknown run simply has no points.

  /// Every runs row, by run_id (one query instead of one per run).
  std::map<std::int64_t, RunRecord> runs() const;
  /// Parameters of every run: run_id -> key -> value.
  std::map<std::int64_t, std::map<std::string, std::string>> parameters_of_all_runs() const;
  /// Summary rows of every run: run_id -> metrics in written order.
  std::map<std::int64_t, std::vector<SummaryMetric>> summaries_of_all_runs() const;
  /// The distinct (series, entity) curves of one run, sorted by (series, entity).
  /// Costs one index seek per curve, not a scan of the rows.
  std::vector<std::pair<std::string, std::string>> series_keys(std::int64_t run_id) const;
  /// Times of the first and last point of a curve with t in [t_from, t_to], or
  /// nullopt when it has none there. Two index seeks.
  std::optional<std::pair<double, double>> time_span(
      std::int64_t run_id, const std::string& series, const std::string& entity,
      double t_from = -std::numeric_limits<double>::infinity(),
      double t_to = std::numeric_limits<double>::infinity()) const;
  /// Calls `sink(t, value)` for every point of a curve with t in [t_from, t_to],
  /// in ascending t (ties in written order), through an index range scan;
  /// returns the number of points. NULL values arrive as NaN.
  std::int64_t for_each_point(std::int64_t run_id, const std::string& series,
                              const std::string& entity, double t_from, double t_to,
                              const std::function<void(double t, double value)>& sink) const;
  /// Events of one run in time order (ties in written order).
  std::vector<Event> events(std::int64_t run_id) const;
  /// Replica rows of one run in written order.
  std::vector<ReplicaRecord> replicas(std::int64_t run_id) const;
  /// Job rows of one run in written order (none in a report older than the `jobs` table).
  std::vector<JobOutcome> jobs(std::int64_t run_id) const;

 private:
  struct PreparedStatements;  // cache of prepared statements, defined in the .cpp

  std::string path_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<PreparedStatements> prepared_;
};

}  // namespace leptonsim
