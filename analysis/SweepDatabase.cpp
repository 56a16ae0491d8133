#include "SweepDatabase.hpp"

#include <filesystem>
#include <string_view>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "RunComparison.hpp"
#include "SqliteHandle.hpp"

namespace leptonsim {

namespace {

namespace fs = std::filesystem;
using sqlite::Database;
using sqlite::SqliteError;
using sqlite::Statement;

constexpr const char* kCreateSweepTables = R"sql(
CREATE TABLE sweep_points (
  point_id  INTEGER PRIMARY KEY,
  label     TEXT NOT NULL,
  overrides TEXT NOT NULL
);
CREATE TABLE sweep_tasks (
  run_id       INTEGER PRIMARY KEY,
  point_id     INTEGER NOT NULL REFERENCES sweep_points(point_id),
  seed         INTEGER NOT NULL,
  status       TEXT NOT NULL,
  exit_code    INTEGER,
  signal       INTEGER,
  stderr       TEXT,
  wall_seconds REAL,
  finished_at  TEXT
);
CREATE INDEX sweep_tasks_by_point ON sweep_tasks (point_id, run_id);
CREATE TABLE point_summary (
  point_id INTEGER NOT NULL REFERENCES sweep_points(point_id),
  metric   TEXT NOT NULL,
  unit     TEXT NOT NULL,
  n        INTEGER NOT NULL,
  mean     REAL,
  stddev   REAL,
  ci_lower REAL,
  ci_upper REAL,
  min      REAL,
  max      REAL,
  PRIMARY KEY (point_id, metric)
);
)sql";

// The per-run tables of a report, in the order rows are copied.
constexpr const char* kRunTables[] = {"runs", "parameters", "summary", "timeseries", "events", "replicas", "jobs"};

// Columns after run_id of each per-run table (a task report's run is copied in
// under the task's run_id).
constexpr std::pair<const char*, const char*> kRunColumns[] = {
    {"runs",
     "scenario_name, scenario_hash, scenario_path, scenario_text, seed, version, status, simulated_seconds, "
     "started_at, wall_seconds"},
    {"parameters", "key, value"},
    {"summary", "metric, value, unit"},
    {"timeseries", "t, series, entity, value"},
    {"events", "t, kind, entity, detail"},
    {"replicas", "service, replica, node, gpus, requests_completed, busy_fraction"},
    {"jobs",
     "job, source, gpus, gpu_milli, priority, preemptible, submit, first_start, end_time, state, queue_delay, jct, "
     "ideal_seconds, waited_seconds, preemptions, gpu_seconds, lost_gpu_seconds, progress, nodes, racks, placement, "
     "failures"}};

// Tables left out of a summary-only sweep.
bool is_detail_table(std::string_view table) {
  return table == "timeseries" || table == "events" || table == "replicas" || table == "jobs";
}

template <class F>
auto with_path(const std::string& path, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("sweep database '{}': {}", path, e.what()));
  }
}

// Rolls back an open transaction unless commit() was called (so an exception
// in the middle leaves the database as it was before BEGIN).
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!committed_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.exec("COMMIT");
    committed_ = true;
  }

 private:
  Database& db_;
  bool committed_ = false;
};

std::unique_ptr<Database> open_writable(const std::string& path, bool create) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  auto db = std::make_unique<Database>(path, flags);
  sqlite3_busy_timeout(db->get(), 10000);
  db->exec("PRAGMA foreign_keys = ON");
  // A rollback journal: a hot journal left by a kill is rolled back on the
  // next open, and readers (the GUI) need no write access as with WAL.
  db->exec("PRAGMA journal_mode = DELETE");
  db->exec("PRAGMA synchronous = NORMAL");
  return db;
}

std::string meta_value(Database& db, const char* schema, const std::string& key) {
  Statement s(db.get(), fmt::format("SELECT value FROM {}.meta WHERE key = ?1", schema).c_str());
  s.bind(1, key);
  return s.next_row() ? s.text(0) : std::string();
}

bool has_sweep_tables(Database& db, const char* schema) {
  Statement s(db.get(),
              fmt::format("SELECT count(*) FROM {}.sqlite_master WHERE type = 'table' AND name = 'sweep_tasks'",
                          schema)
                  .c_str());
  return s.next_row() && s.integer(0) == 1;
}

void write_task_status(Database& db, const SweepTaskRow& task) {
  Statement s(db.get(),
              "UPDATE sweep_tasks SET status = ?2, exit_code = ?3, signal = ?4, stderr = ?5, "
              "wall_seconds = ?6, finished_at = ?7 WHERE run_id = ?1");
  s.bind(1, task.run_id);
  s.bind(2, task.status);
  s.bind(3, static_cast<std::int64_t>(task.exit_code));
  s.bind(4, static_cast<std::int64_t>(task.signal));
  s.bind(5, task.stderr_text);
  s.bind(6, task.wall_seconds);
  s.bind(7, task.finished_at);
  s.run([&] { return fmt::format("updating task {}", task.run_id); });
  if (sqlite3_changes(db.get()) != 1) throw SqliteError(fmt::format("no task with run_id {}", task.run_id));
}

std::string task_status(Database& db, std::int64_t run_id) {
  Statement s(db.get(), "SELECT status FROM sweep_tasks WHERE run_id = ?1");
  s.bind(1, run_id);
  return s.next_row() ? s.text(0) : std::string();
}

}  // namespace

std::int64_t sweep_run_id(std::int64_t point_id, std::size_t seed_index, std::size_t seed_slots) {
  if (seed_index >= seed_slots)
    throw std::invalid_argument(fmt::format("seed index {} outside the {} seed slots", seed_index, seed_slots));
  return point_id * static_cast<std::int64_t>(seed_slots) + static_cast<std::int64_t>(seed_index) + 1;
}

SweepDatabase::SweepDatabase(std::string path, std::unique_ptr<sqlite::Database> db)
    : path_(std::move(path)), db_(std::move(db)) {}
SweepDatabase::SweepDatabase(SweepDatabase&&) noexcept = default;
SweepDatabase& SweepDatabase::operator=(SweepDatabase&&) noexcept = default;
SweepDatabase::~SweepDatabase() = default;

SweepDatabase SweepDatabase::open_or_create(const std::string& path, const SweepIdentity& identity,
                                            const std::vector<SweepPointRow>& points) {
  return with_path(path, [&] {
    if (fs::exists(path)) {
      SweepDatabase existing = open_existing(path);
      const SweepIdentity found = existing.identity();
      if (found.spec_hash != identity.spec_hash || found.seed_slots != identity.seed_slots)
        throw std::runtime_error(fmt::format(
            "it holds the {} '{}' made from a different spec (hash {}, this one is {}); "
            "choose another output file or delete it",
            found.kind, found.name, found.spec_hash, identity.spec_hash));
      return existing;
    }
    const auto parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent);
    // Built under a temporary name and renamed, so the final name never holds
    // a database without its points.
    const std::string tmp = fmt::format("{}.new", path);
    fs::remove(tmp);
    {
      auto db = open_writable(tmp, true);
      Transaction transaction(*db);
      sqlite::create_report_tables(*db);
      sqlite::create_report_indexes(*db);
      db->exec(kCreateSweepTables);
      ReportInfo info;
      info.created_by = fmt::format("leptonsim {}", identity.kind);
      info.extra_meta = {{"sweep.name", identity.name},
                         {"sweep.spec_hash", identity.spec_hash},
                         {"sweep.spec_text", identity.spec_text},
                         {"sweep.seed_slots", std::to_string(identity.seed_slots)},
                         {"sweep.kind", identity.kind},
                         {"sweep.points", std::to_string(points.size())}};
      sqlite::write_report_meta(*db, info);
      {
        Statement insert(db->get(), "INSERT INTO sweep_points (point_id, label, overrides) VALUES (?1, ?2, ?3)");
        for (const SweepPointRow& point : points) {
          const std::string overrides = nlohmann::json(point.overrides).dump();
          insert.bind(1, point.point_id);
          insert.bind(2, point.label);
          insert.bind(3, overrides);
          insert.run([&] { return fmt::format("inserting point {}", point.point_id); });
        }
      }
      transaction.commit();
      db->close();
    }
    fs::rename(tmp, path);
    return open_existing(path);
  });
}

SweepDatabase SweepDatabase::open_existing(const std::string& path) {
  return with_path(path, [&] {
    if (!fs::is_regular_file(path)) throw std::runtime_error("no such file");
    auto db = open_writable(path, false);
    if (!has_sweep_tables(*db, "main"))
      throw std::runtime_error("not a sweep database (no sweep_tasks table): is it a single-run report?");
    return SweepDatabase(path, std::move(db));
  });
}

SweepIdentity SweepDatabase::identity() const {
  return with_path(path_, [&] {
    SweepIdentity identity;
    identity.name = meta_value(*db_, "main", "sweep.name");
    identity.spec_hash = meta_value(*db_, "main", "sweep.spec_hash");
    identity.spec_text = meta_value(*db_, "main", "sweep.spec_text");
    identity.kind = meta_value(*db_, "main", "sweep.kind");
    const std::string slots = meta_value(*db_, "main", "sweep.seed_slots");
    identity.seed_slots = slots.empty() ? 1 : std::stoul(slots);
    return identity;
  });
}

std::vector<SweepPointRow> SweepDatabase::points() const {
  return with_path(path_, [&] {
    std::vector<SweepPointRow> rows;
    Statement s(db_->get(), "SELECT point_id, label, overrides FROM sweep_points ORDER BY point_id");
    while (s.next_row()) {
      SweepPointRow row{s.integer(0), s.text(1), {}};
      row.overrides = nlohmann::json::parse(s.text(2)).get<std::vector<std::string>>();
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

std::vector<SweepTaskRow> SweepDatabase::tasks() const {
  return with_path(path_, [&] {
    std::vector<SweepTaskRow> rows;
    Statement s(db_->get(),
                "SELECT run_id, point_id, seed, status, exit_code, signal, stderr, wall_seconds, finished_at "
                "FROM sweep_tasks ORDER BY run_id");
    while (s.next_row()) {
      SweepTaskRow row;
      row.run_id = s.integer(0);
      row.point_id = s.integer(1);
      row.seed = static_cast<std::uint64_t>(s.integer(2));
      row.status = s.text(3);
      row.exit_code = static_cast<int>(s.integer(4));
      row.signal = static_cast<int>(s.integer(5));
      row.stderr_text = s.text(6);
      row.wall_seconds = s.real(7);
      row.finished_at = s.text(8);
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

void SweepDatabase::add_pending_tasks(const std::vector<SweepTaskRow>& tasks) {
  with_path(path_, [&] {
    Transaction transaction(*db_);
    Statement s(db_->get(),
                "INSERT OR IGNORE INTO sweep_tasks (run_id, point_id, seed, status) VALUES (?1, ?2, ?3, 'pending')");
    for (const SweepTaskRow& task : tasks) {
      s.bind(1, task.run_id);
      s.bind(2, task.point_id);
      s.bind(3, static_cast<std::int64_t>(task.seed));
      s.run([&] { return fmt::format("adding task {}", task.run_id); });
    }
    transaction.commit();
  });
}

bool SweepDatabase::import_run(const SweepTaskRow& task, const std::string& task_report, bool summary_only) {
  return with_path(path_, [&] {
    {
      Statement attach(db_->get(), "ATTACH DATABASE ?1 AS task");
      attach.bind(1, task_report);
      attach.run([&] { return fmt::format("opening the report of run {} ({})", task.run_id, task_report); });
    }
    struct Detach {
      Database& db;
      ~Detach() { sqlite3_exec(db.get(), "DETACH DATABASE task", nullptr, nullptr, nullptr); }
    } detach{*db_};

    bool imported = false;
    {
      Transaction transaction(*db_);
      if (task_status(*db_, task.run_id) == "ok") return false;
      {
        Statement count(db_->get(), "SELECT count(*) FROM task.runs");
        if (!count.next_row() || count.integer(0) != 1)
          throw std::runtime_error(fmt::format("the report of run {} ({}) does not hold exactly one run",
                                               task.run_id, task_report));
      }
      // A failed earlier attempt may have left nothing but its task row; the
      // per-run tables hold no rows of this run_id (it was never ok).
      for (const auto& [table, columns] : kRunColumns) {
        if (summary_only && is_detail_table(table)) continue;
        const std::string sql = fmt::format(
            "INSERT INTO main.{0} (run_id, {1}) SELECT ?1, {1} FROM task.{0} ORDER BY rowid", table, columns);
        Statement s(db_->get(), sql.c_str());
        s.bind(1, task.run_id);
        s.run([&] { return fmt::format("copying {} of run {}", table, task.run_id); });
      }
      SweepTaskRow done = task;
      done.status = "ok";
      done.exit_code = 0;
      done.signal = 0;
      done.stderr_text.clear();
      write_task_status(*db_, done);
      transaction.commit();
      imported = true;
    }
    return imported;
  });
}

void SweepDatabase::record_failure(const SweepTaskRow& task) {
  with_path(path_, [&] {
    Transaction transaction(*db_);
    if (task_status(*db_, task.run_id) == "ok") return;
    SweepTaskRow failed = task;
    failed.status = "failed";
    write_task_status(*db_, failed);
    transaction.commit();
  });
}

MergeOutcome SweepDatabase::merge_from(const std::string& shard_path) {
  return with_path(path_, [&] {
    if (!fs::is_regular_file(shard_path))
      throw std::runtime_error(fmt::format("shard '{}': no such file", shard_path));
    if (fs::equivalent(shard_path, path_)) return MergeOutcome{};
    {
      Statement attach(db_->get(), "ATTACH DATABASE ?1 AS shard");
      attach.bind(1, shard_path);
      attach.run([&] { return fmt::format("opening shard '{}'", shard_path); });
    }
    struct Detach {
      Database& db;
      ~Detach() { sqlite3_exec(db.get(), "DETACH DATABASE shard", nullptr, nullptr, nullptr); }
    } detach{*db_};
    if (!has_sweep_tables(*db_, "shard"))
      throw std::runtime_error(fmt::format("shard '{}' is not a sweep database", shard_path));
    const std::string shard_hash = meta_value(*db_, "shard", "sweep.spec_hash");
    const std::string own_hash = meta_value(*db_, "main", "sweep.spec_hash");
    if (shard_hash != own_hash)
      throw std::runtime_error(fmt::format("shard '{}' comes from a different sweep spec (hash {}, expected {})",
                                           shard_path, shard_hash, own_hash));

    MergeOutcome outcome;
    Transaction transaction(*db_);
    // The shard's tasks that are ok there and not ok here.
    std::vector<std::int64_t> to_copy;
    {
      Statement s(db_->get(),
                  "SELECT t.run_id, (SELECT status FROM main.sweep_tasks m WHERE m.run_id = t.run_id) "
                  "FROM shard.sweep_tasks t WHERE t.status = 'ok' ORDER BY t.run_id");
      while (s.next_row()) {
        if (s.text(1) == "ok")
          ++outcome.already_present;
        else
          to_copy.push_back(s.integer(0));
      }
    }
    db_->exec("CREATE TEMP TABLE IF NOT EXISTS merge_ids (run_id INTEGER PRIMARY KEY)");
    db_->exec("DELETE FROM temp.merge_ids");
    {
      Statement s(db_->get(), "INSERT INTO temp.merge_ids (run_id) VALUES (?1)");
      for (std::int64_t id : to_copy) {
        s.bind(1, id);
        s.run([&] { return fmt::format("noting run {}", id); });
      }
    }
    for (const char* table : kRunTables) {
      // A shard never holds rows of a run that is not ok there; rows of a run
      // that was never ok here do not exist here either, so plain inserts.
      db_->exec(fmt::format("INSERT INTO main.{0} SELECT * FROM shard.{0} WHERE run_id IN temp.merge_ids "
                            "ORDER BY run_id, rowid",
                            table)
                    .c_str());
    }
    db_->exec(
        "INSERT OR REPLACE INTO main.sweep_tasks SELECT * FROM shard.sweep_tasks WHERE run_id IN temp.merge_ids");
    outcome.runs_added = to_copy.size();
    {
      Statement s(db_->get(),
                  "INSERT OR REPLACE INTO main.sweep_tasks SELECT * FROM shard.sweep_tasks t "
                  "WHERE t.status = 'failed' AND coalesce((SELECT status FROM main.sweep_tasks m "
                  "WHERE m.run_id = t.run_id), 'pending') = 'pending'");
      s.run([] { return std::string("copying failures"); });
      outcome.failures_added = static_cast<std::size_t>(sqlite3_changes(db_->get()));
    }
    db_->exec("DELETE FROM temp.merge_ids");
    transaction.commit();
    return outcome;
  });
}

std::map<std::int64_t, std::map<std::string, MetricStatistics>> SweepDatabase::point_statistics(
    double confidence, std::optional<std::size_t> max_seeds) const {
  return with_path(path_, [&] {
    // point -> metric -> values in run-id order
    std::map<std::int64_t, std::map<std::string, std::vector<double>>> values;
    std::map<std::int64_t, std::set<std::int64_t>> runs_of_point;
    Statement s(db_->get(),
                "SELECT t.point_id, t.run_id, s.metric, s.value FROM sweep_tasks t JOIN summary s "
                "ON s.run_id = t.run_id WHERE t.status = 'ok' ORDER BY t.point_id, t.run_id, s.rowid");
    while (s.next_row()) {
      const std::int64_t point = s.integer(0);
      const std::int64_t run = s.integer(1);
      auto& runs = runs_of_point[point];
      if (!runs.count(run)) {
        if (max_seeds && runs.size() >= *max_seeds) continue;
        runs.insert(run);
      }
      values[point][s.text(2)].push_back(s.real(3));
    }
    std::map<std::int64_t, std::map<std::string, MetricStatistics>> statistics;
    for (const auto& [point, metrics] : values)
      for (const auto& [metric, list] : metrics) statistics[point][metric] = metric_statistics(list, confidence);
    return statistics;
  });
}

void SweepDatabase::refresh_point_summary(double confidence) {
  with_path(path_, [&] {
    const auto statistics = point_statistics(confidence);
    Transaction transaction(*db_);
    db_->exec("DELETE FROM point_summary");
    Statement s(db_->get(),
                "INSERT INTO point_summary (point_id, metric, unit, n, mean, stddev, ci_lower, ci_upper, min, max) "
                "SELECT ?1, ?2, (SELECT s.unit FROM summary s JOIN sweep_tasks t ON t.run_id = s.run_id "
                "WHERE t.point_id = ?1 AND s.metric = ?2 AND t.status = 'ok' ORDER BY s.run_id LIMIT 1), "
                "?3, ?4, ?5, ?6, ?7, ?8, ?9");
    for (const auto& [point, metrics] : statistics) {
      for (const auto& [metric, st] : metrics) {
        s.bind(1, point);
        s.bind(2, metric);
        s.bind(3, static_cast<std::int64_t>(st.n));
        s.bind(4, st.mean);
        s.bind(5, st.stddev);
        s.bind(6, st.ci_lower);
        s.bind(7, st.ci_upper);
        s.bind(8, st.min);
        s.bind(9, st.max);
        s.run([&] { return fmt::format("writing statistics of {} for point {}", metric, point); });
      }
    }
    transaction.commit();
  });
}

void SweepDatabase::set_meta(const std::map<std::string, std::string>& rows) {
  with_path(path_, [&] {
    Transaction transaction(*db_);
    Statement s(db_->get(), "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
    for (const auto& [key, value] : rows) {
      s.bind(1, key);
      s.bind(2, value);
      s.run([&] { return fmt::format("writing meta '{}'", key); });
    }
    transaction.commit();
  });
}

}  // namespace leptonsim
