// SweepDatabase: the SQLite file of a sweep or a plan. It is an ordinary
// report (docs/report-schema.md) that grows run by run, plus the tables that
// say what the sweep is and how far it got: sweep_points, sweep_tasks and
// point_summary (statistics across seeds per point).
//
// Why it is safe to kill: every change (creating the sweep, importing one
// finished run, recording one failure, merging one shard) is one SQLite
// transaction, so a crash or kill -9 at any moment leaves either the state
// before or the state after it, never a run with half its rows. A run's rows
// are only ever inserted together with its task turning `ok`, and a task that
// is already `ok` is never imported again: no lost and no duplicated rows.
//
// Run ids are fixed by the task, not by completion order:
// run_id = point_id * seed_slots + seed_index + 1, so two sweeps of the same
// spec (local, sharded, merged) give the same ids.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "SweepTable.hpp"

namespace leptonsim {

namespace sqlite {
class Database;
}

/// What a sweep database was made for; stored in meta as sweep.*.
struct SweepIdentity {
  std::string name;
  std::string spec_hash;  // identifies what would be run: same hash, same tasks
  std::string spec_text;
  std::size_t seed_slots = 1;  // seeds a point may have (run ids are spaced by it)
  std::string kind = "sweep";  // "sweep" or "plan"
};

struct SweepPointRow {
  std::int64_t point_id = 0;
  std::string label;
  std::vector<std::string> overrides;  // "key=value"
};

struct SweepTaskRow {
  std::int64_t run_id = 0;
  std::int64_t point_id = 0;
  std::uint64_t seed = 0;
  std::string status = "pending";  // pending | ok | failed
  int exit_code = 0;               // of `leptonsim run`; -1 when killed by a signal
  int signal = 0;                  // the signal that ended it, or 0
  std::string stderr_text;         // the end of its stderr (failures only)
  double wall_seconds = 0.0;
  std::string finished_at;         // ISO-8601 UTC
};

/// run_id of the seed_index-th seed of a point.
std::int64_t sweep_run_id(std::int64_t point_id, std::size_t seed_index, std::size_t seed_slots);

struct MergeOutcome {
  std::size_t runs_added = 0;       // tasks that became ok
  std::size_t already_present = 0;  // ok in the shard and already ok here
  std::size_t failures_added = 0;   // failed in the shard, pending here
};

class SweepDatabase {
 public:
  /// Opens the database at `path`, creating it (with `points`) if it does not
  /// exist. An existing database must have the same spec hash, else
  /// std::runtime_error says so (a different spec must not mix its runs in).
  static SweepDatabase open_or_create(const std::string& path, const SweepIdentity& identity,
                                      const std::vector<SweepPointRow>& points);
  /// Opens an existing sweep database; throws if it is not one.
  static SweepDatabase open_existing(const std::string& path);

  SweepDatabase(SweepDatabase&&) noexcept;
  SweepDatabase& operator=(SweepDatabase&&) noexcept;
  ~SweepDatabase();

  const std::string& path() const { return path_; }
  SweepIdentity identity() const;
  std::vector<SweepPointRow> points() const;
  /// Every task row, by run_id.
  std::vector<SweepTaskRow> tasks() const;

  /// Adds pending tasks whose run_id is not there yet (one transaction).
  void add_pending_tasks(const std::vector<SweepTaskRow>& tasks);
  /// Copies run 1 of the report at `task_report` in as `task.run_id` and marks
  /// the task ok, in one transaction. `summary_only` leaves out time series,
  /// events and replica rows. A task that is already ok is left alone (returns
  /// false).
  bool import_run(const SweepTaskRow& task, const std::string& task_report, bool summary_only);
  /// Marks a task failed with its exit status and stderr (one transaction).
  void record_failure(const SweepTaskRow& task);
  /// Copies every ok run of another sweep database with the same spec hash
  /// that is not ok here yet, and failures of tasks still pending here; one
  /// transaction per shard. Running it again changes nothing.
  MergeOutcome merge_from(const std::string& shard_path);
  /// Recomputes point_summary from the ok runs (Student-t interval at
  /// `confidence` across the seeds of each point).
  void refresh_point_summary(double confidence = 0.95);
  /// point_id -> metric -> statistics across the ok seeds of the point (only
  /// the first `max_seeds` seeds in run-id order when given).
  std::map<std::int64_t, std::map<std::string, MetricStatistics>> point_statistics(
      double confidence = 0.95, std::optional<std::size_t> max_seeds = std::nullopt) const;
  /// Adds or replaces meta rows (e.g. the plan's result).
  void set_meta(const std::map<std::string, std::string>& rows);

 private:
  SweepDatabase(std::string path, std::unique_ptr<sqlite::Database> db);

  std::string path_;
  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace leptonsim
