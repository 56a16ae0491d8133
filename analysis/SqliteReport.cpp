#include "SqliteReport.hpp"

#include "SqliteHandle.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#ifndef LEPTONSIM_VERSION
#define LEPTONSIM_VERSION "unknown"
#endif

namespace leptonsim {

namespace {

namespace fs = std::filesystem;
using sqlite::Database;
using sqlite::SqliteError;
using sqlite::Statement;
using sqlite::fail;

// ---------------------------------------------------------------------------
// Schema. Indexes are created after the bulk inserts (faster than maintaining
// them row by row), inside the same transaction.

constexpr const char* kCreateTables = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE runs (
  run_id            INTEGER PRIMARY KEY,
  scenario_name     TEXT NOT NULL,
  scenario_hash     TEXT NOT NULL,
  scenario_path     TEXT NOT NULL,
  scenario_text     TEXT NOT NULL,
  seed              INTEGER NOT NULL,
  version           TEXT NOT NULL,
  status            TEXT NOT NULL,
  simulated_seconds REAL,
  started_at        TEXT NOT NULL,
  wall_seconds      REAL
);
CREATE TABLE parameters (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE summary (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  metric TEXT NOT NULL,
  value  REAL,
  unit   TEXT NOT NULL,
  PRIMARY KEY (run_id, metric)
);
CREATE TABLE timeseries (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  t      REAL NOT NULL,
  series TEXT NOT NULL,
  entity TEXT NOT NULL,
  value  REAL
);
CREATE TABLE events (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  t      REAL NOT NULL,
  kind   TEXT NOT NULL,
  entity TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE TABLE replicas (
  run_id             INTEGER NOT NULL REFERENCES runs(run_id),
  service            TEXT NOT NULL,
  replica            INTEGER NOT NULL,
  node               TEXT NOT NULL,
  gpus               TEXT NOT NULL,
  requests_completed INTEGER NOT NULL,
  busy_fraction      REAL
);
CREATE TABLE jobs (
  run_id           INTEGER NOT NULL REFERENCES runs(run_id),
  job              TEXT NOT NULL,
  source           TEXT NOT NULL,
  gpus             INTEGER NOT NULL,
  gpu_milli        INTEGER NOT NULL,
  priority         INTEGER NOT NULL,
  preemptible      INTEGER NOT NULL,
  submit           REAL NOT NULL,
  first_start      REAL,
  end_time         REAL,
  state            TEXT NOT NULL,
  queue_delay      REAL,
  jct              REAL,
  ideal_seconds    REAL NOT NULL,
  waited_seconds   REAL NOT NULL,
  preemptions      INTEGER NOT NULL,
  gpu_seconds      REAL NOT NULL,
  lost_gpu_seconds REAL NOT NULL,
  progress         REAL NOT NULL,
  nodes            INTEGER NOT NULL,
  racks            INTEGER NOT NULL,
  placement        TEXT NOT NULL,
  failures         INTEGER NOT NULL DEFAULT 0
);
)sql";

constexpr const char* kCreateIndexes = R"sql(
CREATE INDEX timeseries_by_series ON timeseries (run_id, series, entity, t);
CREATE INDEX events_by_time ON events (run_id, t);
CREATE INDEX replicas_by_service ON replicas (run_id, service, replica);
CREATE INDEX jobs_by_run ON jobs (run_id, job);
)sql";

void insert_run(Database& db, std::int64_t run_id, const RunResult& result) {
  sqlite3* raw = db.get();
  const RunRecord& r = result.run;
  {
    Statement s(raw,
                "INSERT INTO runs (run_id, scenario_name, scenario_hash, scenario_path, "
                "scenario_text, seed, version, status, simulated_seconds, started_at, "
                "wall_seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    s.bind(1, run_id);
    s.bind(2, r.scenario_name);
    s.bind(3, r.scenario_hash);
    s.bind(4, r.scenario_path);
    s.bind(5, r.scenario_text);
    // Seeds >= 2^63 are stored as their two's-complement int64 (lossless).
    s.bind(6, static_cast<std::int64_t>(r.seed));
    s.bind(7, r.version);
    s.bind(8, r.status);
    s.bind(9, r.simulated_seconds);
    s.bind(10, r.started_at);
    s.bind(11, r.wall_seconds);
    s.run([&] { return fmt::format("inserting run {}", run_id); });
  }
  {
    Statement s(raw, "INSERT INTO parameters (run_id, key, value) VALUES (?1, ?2, ?3)");
    s.bind(1, run_id);
    for (const auto& parameter : result.parameters) {
      s.bind(2, parameter.first);
      s.bind(3, parameter.second);
      s.run([&] {
        return fmt::format("inserting parameter '{}' of run {}", parameter.first, run_id);
      });
    }
  }
  {
    Statement s(raw, "INSERT INTO summary (run_id, metric, value, unit) VALUES (?1, ?2, ?3, ?4)");
    s.bind(1, run_id);
    for (const SummaryMetric& m : result.summary) {
      s.bind(2, m.metric);
      s.bind(3, m.value);
      s.bind(4, m.unit);
      s.run([&] {
        return fmt::format("inserting summary metric '{}' of run {}", m.metric, run_id);
      });
    }
  }
  {
    Statement s(raw,
                "INSERT INTO timeseries (run_id, t, series, entity, value) "
                "VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, run_id);
    for (const TimeSeries& ts : result.timeseries) {
      if (ts.t.size() != ts.value.size())
        throw SqliteError(fmt::format(
            "time series '{}' entity '{}' of run {} has {} times but {} values", ts.series,
            ts.entity, run_id, ts.t.size(), ts.value.size()));
      s.bind(3, ts.series);
      s.bind(4, ts.entity);
      for (std::size_t i = 0; i < ts.t.size(); ++i) {
        s.bind(2, ts.t[i]);
        s.bind(5, ts.value[i]);
        s.run([&] {
          return fmt::format("inserting point {} (t = {}) of time series '{}' entity '{}' of run {}",
                             i, ts.t[i], ts.series, ts.entity, run_id);
        });
      }
    }
  }
  {
    Statement s(raw,
                "INSERT INTO events (run_id, t, kind, entity, detail) VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, run_id);
    for (std::size_t i = 0; i < result.events.size(); ++i) {
      const Event& e = result.events[i];
      s.bind(2, e.t);
      s.bind(3, e.kind);
      s.bind(4, e.entity);
      s.bind(5, e.detail);
      s.run([&] {
        return fmt::format("inserting event {} ('{}' at t = {}) of run {}", i, e.kind, e.t, run_id);
      });
    }
  }
  {
    Statement s(raw,
                "INSERT INTO replicas (run_id, service, replica, node, gpus, requests_completed, "
                "busy_fraction) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    s.bind(1, run_id);
    for (const ReplicaRecord& rep : result.replicas) {
      s.bind(2, rep.service);
      s.bind(3, static_cast<std::int64_t>(rep.replica));
      s.bind(4, rep.node);
      s.bind(5, rep.gpus);
      s.bind(6, rep.requests_completed);
      s.bind(7, rep.busy_fraction);
      s.run([&] {
        return fmt::format("inserting replica {} of service '{}' of run {}", rep.replica,
                           rep.service, run_id);
      });
    }
  }
  {
    Statement s(raw,
                "INSERT INTO jobs (run_id, job, source, gpus, gpu_milli, priority, preemptible, submit, "
                "first_start, end_time, state, queue_delay, jct, ideal_seconds, waited_seconds, preemptions, "
                "gpu_seconds, lost_gpu_seconds, progress, nodes, racks, placement, failures) VALUES "
                "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)");
    s.bind(1, run_id);
    for (const JobOutcome& job : result.jobs) {
      s.bind(2, job.job);
      s.bind(3, job.source);
      s.bind(4, static_cast<std::int64_t>(job.gpus));
      s.bind(5, static_cast<std::int64_t>(job.gpu_milli));
      s.bind(6, static_cast<std::int64_t>(job.priority));
      s.bind(7, static_cast<std::int64_t>(job.is_preemptible ? 1 : 0));
      s.bind(8, job.submit);
      s.bind(9, job.first_start);
      s.bind(10, job.end);
      s.bind(11, job.state);
      s.bind(12, job.first_start ? std::optional<double>(*job.first_start - job.submit) : std::nullopt);
      s.bind(13, job.end ? std::optional<double>(*job.end - job.submit) : std::nullopt);
      s.bind(14, job.ideal_seconds);
      s.bind(15, job.waited_seconds);
      s.bind(16, static_cast<std::int64_t>(job.preemptions));
      s.bind(17, job.gpu_seconds);
      s.bind(18, job.lost_gpu_seconds);
      s.bind(19, job.progress);
      s.bind(20, static_cast<std::int64_t>(job.nodes));
      s.bind(21, static_cast<std::int64_t>(job.racks));
      s.bind(22, job.placement);
      s.bind(23, static_cast<std::int64_t>(job.failures));
      s.run([&] { return fmt::format("inserting job '{}' of run {}", job.job, run_id); });
    }
  }
}

void write_meta(Database& db, const ReportInfo& info) {
  Statement s(db.get(), "INSERT INTO meta (key, value) VALUES (?1, ?2)");
  const std::string generator = "leptonsim " + leptonsim_version();
  const std::pair<const char*, const std::string*> fixed[] = {
      {"schema_version", nullptr}, {"generator", &generator}, {"created_by", &info.created_by}};
  const std::string schema_version = kReportSchemaVersion;
  for (const auto& [key, value] : fixed) {
    const std::string k = key;
    s.bind(1, k);
    s.bind(2, value ? *value : schema_version);
    s.run([&] { return fmt::format("inserting meta '{}'", k); });
  }
  for (const auto& entry : info.extra_meta) {
    s.bind(1, entry.first);
    s.bind(2, entry.second);
    s.run([&] { return fmt::format("inserting meta '{}'", entry.first); });
  }
}

// Flushes a closed file to stable storage so that the rename never exposes a
// file whose contents are still only in the page cache.
void sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "opening " + path);
  const int rc = ::fsync(fd);
  const int saved_errno = errno;
  ::close(fd);
  if (rc != 0) throw std::system_error(saved_errno, std::generic_category(), "fsync " + path);
}

// Best effort: makes the rename itself durable.
void sync_directory_of(const std::string& path) {
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

void remove_quietly(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path + suffix, ignored);
}

}  // namespace

void sqlite::create_report_tables(Database& db) { db.exec(kCreateTables); }
void sqlite::create_report_indexes(Database& db) { db.exec(kCreateIndexes); }
void sqlite::write_report_meta(Database& db, const ReportInfo& info) { write_meta(db, info); }

std::string leptonsim_version() { return LEPTONSIM_VERSION; }

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

void write_report(const std::string& path, const std::vector<RunResult>& runs) {
  write_report(path, runs, ReportInfo{});
}

void write_report(const std::string& path, const std::vector<RunResult>& runs,
                  const ReportInfo& info) {
  for (const char* reserved : {"schema_version", "generator", "created_by"})
    if (info.extra_meta.count(reserved))
      throw std::runtime_error(
          fmt::format("cannot write report '{}': meta key '{}' is reserved", path, reserved));

  {
    std::error_code ec;
    if (fs::is_directory(path, ec))
      throw std::runtime_error(fmt::format("cannot write report '{}': it is a directory", path));
  }
  const std::string tmp = fmt::format("{}.tmp-{}", path, static_cast<long>(::getpid()));
  remove_quietly(tmp);  // a leftover of an earlier process that had our pid
  try {
    {
      Database db(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
      // Durability comes from fsync + rename below, not from SQLite's journal:
      // on any failure the temporary file is deleted, never rolled back.
      db.exec("PRAGMA journal_mode = OFF");
      db.exec("PRAGMA synchronous = OFF");
      db.exec("PRAGMA foreign_keys = ON");
      db.exec("PRAGMA cache_size = -65536");  // 64 MiB
      db.exec("BEGIN");
      db.exec(kCreateTables);
      write_meta(db, info);
      for (std::size_t i = 0; i < runs.size(); ++i)
        insert_run(db, static_cast<std::int64_t>(i + 1), runs[i]);
      db.exec(kCreateIndexes);
      db.exec("COMMIT");
      db.close();
    }
    sync_file(tmp);
    fs::rename(tmp, path);  // atomic replacement on POSIX file systems
  } catch (const std::exception& e) {
    remove_quietly(tmp);
    throw std::runtime_error(fmt::format("cannot write report '{}': {}", path, e.what()));
  }
  sync_directory_of(path);
}

// ---------------------------------------------------------------------------
// ReportReader

namespace {

template <class F>
auto with_context(const std::string& path, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("report '{}': {}", path, e.what()));
  }
}

std::string read_schema_version(sqlite3* db) {
  Statement s(db, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (!s.next_row()) throw SqliteError("meta has no schema_version");
  return s.text(0);
}

}  // namespace

ReportReader::ReportReader(const std::string& path) : path_(path) {
  with_context(path_, [&] {
    if (!fs::is_regular_file(path_)) throw SqliteError("no such file");
    Database db(path_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    db_ = db.release();
    return 0;
  });
  std::string version;
  try {
    version = read_schema_version(db_);
    prepared_ = std::make_unique<PreparedStatements>();
  } catch (const std::exception& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(
        fmt::format("report '{}': not a leptonsim report ({})", path_, e.what()));
  }
  if (version != kReportSchemaVersion) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(fmt::format(
        "report '{}': unsupported schema_version '{}' (this build reads '{}')", path_, version,
        kReportSchemaVersion));
  }
}

// Statements the streaming methods run many times (once per curve), prepared
// on first use and finalized before the connection closes.
struct ReportReader::PreparedStatements {
  std::map<const char*, std::unique_ptr<Statement>> by_sql;  // keyed by the literal's address

  Statement& get(sqlite3* db, const char* sql) {
    std::unique_ptr<Statement>& statement = by_sql[sql];
    if (!statement) statement = std::make_unique<Statement>(db, sql);
    return *statement;
  }
};

namespace {

// Borrows a cached statement and leaves it reset (no open read, no dangling
// bindings) however the borrower exits.
class BorrowedStatement {
 public:
  explicit BorrowedStatement(Statement& statement) : statement_(statement) {}
  ~BorrowedStatement() { statement_.reset(); }
  BorrowedStatement(const BorrowedStatement&) = delete;
  BorrowedStatement& operator=(const BorrowedStatement&) = delete;
  Statement* operator->() { return &statement_; }

 private:
  Statement& statement_;
};

}  // namespace

ReportReader::~ReportReader() {
  prepared_.reset();  // statements must be finalized before closing
  sqlite3_close(db_);
}

ReportReader::ReportReader(ReportReader&& other) noexcept
    : path_(std::move(other.path_)),
      db_(std::exchange(other.db_, nullptr)),
      prepared_(std::move(other.prepared_)) {}

ReportReader& ReportReader::operator=(ReportReader&& other) noexcept {
  if (this != &other) {
    prepared_.reset();
    sqlite3_close(db_);
    path_ = std::move(other.path_);
    db_ = std::exchange(other.db_, nullptr);
    prepared_ = std::move(other.prepared_);
  }
  return *this;
}

std::string ReportReader::schema_version() const {
  return with_context(path_, [&] { return read_schema_version(db_); });
}

std::map<std::string, std::string> ReportReader::meta() const {
  return with_context(path_, [&] {
    std::map<std::string, std::string> out;
    Statement s(db_, "SELECT key, value FROM meta");
    while (s.next_row()) out[s.text(0)] = s.text(1);
    return out;
  });
}

std::vector<std::int64_t> ReportReader::run_ids() const {
  return with_context(path_, [&] {
    std::vector<std::int64_t> out;
    Statement s(db_, "SELECT run_id FROM runs ORDER BY run_id");
    while (s.next_row()) out.push_back(s.integer(0));
    return out;
  });
}

RunRecord ReportReader::run(std::int64_t run_id) const {
  return with_context(path_, [&] {
    Statement s(db_,
                "SELECT scenario_name, scenario_hash, scenario_path, scenario_text, seed, version, "
                "status, simulated_seconds, started_at, wall_seconds FROM runs WHERE run_id = ?1");
    s.bind(1, run_id);
    if (!s.next_row()) throw SqliteError(fmt::format("no run with run_id {}", run_id));
    RunRecord r;
    r.scenario_name = s.text(0);
    r.scenario_hash = s.text(1);
    r.scenario_path = s.text(2);
    r.scenario_text = s.text(3);
    r.seed = static_cast<std::uint64_t>(s.integer(4));
    r.version = s.text(5);
    r.status = s.text(6);
    r.simulated_seconds = s.real(7);
    r.started_at = s.text(8);
    r.wall_seconds = s.real(9);
    return r;
  });
}

std::map<std::string, double> ReportReader::summary(std::int64_t run_id) const {
  run(run_id);  // throws for an unknown run
  return with_context(path_, [&] {
    std::map<std::string, double> out;
    Statement s(db_, "SELECT metric, value FROM summary WHERE run_id = ?1");
    s.bind(1, run_id);
    while (s.next_row()) out[s.text(0)] = s.real(1);
    return out;
  });
}

std::map<std::string, std::string> ReportReader::summary_units(std::int64_t run_id) const {
  run(run_id);
  return with_context(path_, [&] {
    std::map<std::string, std::string> out;
    Statement s(db_, "SELECT metric, unit FROM summary WHERE run_id = ?1");
    s.bind(1, run_id);
    while (s.next_row()) out[s.text(0)] = s.text(1);
    return out;
  });
}

std::map<std::string, std::string> ReportReader::parameters(std::int64_t run_id) const {
  run(run_id);
  return with_context(path_, [&] {
    std::map<std::string, std::string> out;
    Statement s(db_, "SELECT key, value FROM parameters WHERE run_id = ?1");
    s.bind(1, run_id);
    while (s.next_row()) out[s.text(0)] = s.text(1);
    return out;
  });
}

TimeSeries ReportReader::timeseries(std::int64_t run_id, const std::string& series,
                                    const std::string& entity) const {
  run(run_id);
  return with_context(path_, [&] {
    TimeSeries ts;
    ts.series = series;
    ts.entity = entity;
    Statement s(db_,
                "SELECT t, value FROM timeseries WHERE run_id = ?1 AND series = ?2 AND "
                "entity = ?3 ORDER BY rowid");
    s.bind(1, run_id);
    s.bind(2, series);
    s.bind(3, entity);
    while (s.next_row()) {
      ts.t.push_back(s.real(0));
      ts.value.push_back(s.real(1));
    }
    return ts;
  });
}

RunResult ReportReader::load(std::int64_t run_id) const {
  RunResult result;
  result.run = run(run_id);
  result.parameters = parameters(run_id);
  return with_context(path_, [&] {
    {
      Statement s(db_, "SELECT metric, value, unit FROM summary WHERE run_id = ?1 ORDER BY rowid");
      s.bind(1, run_id);
      while (s.next_row()) result.summary.push_back({s.text(0), s.real(1), s.text(2)});
    }
    {
      // Rows of one series were written contiguously: consecutive rows with the
      // same (series, entity) form one TimeSeries.
      Statement s(db_,
                  "SELECT series, entity, t, value FROM timeseries WHERE run_id = ?1 ORDER BY rowid");
      s.bind(1, run_id);
      while (s.next_row()) {
        std::string series = s.text(0);
        std::string entity = s.text(1);
        if (result.timeseries.empty() || result.timeseries.back().series != series ||
            result.timeseries.back().entity != entity) {
          TimeSeries ts;
          ts.series = std::move(series);
          ts.entity = std::move(entity);
          result.timeseries.push_back(std::move(ts));
        }
        result.timeseries.back().t.push_back(s.real(2));
        result.timeseries.back().value.push_back(s.real(3));
      }
    }
    {
      Statement s(db_,
                  "SELECT t, kind, entity, detail FROM events WHERE run_id = ?1 ORDER BY rowid");
      s.bind(1, run_id);
      while (s.next_row()) result.events.push_back({s.real(0), s.text(1), s.text(2), s.text(3)});
    }
    result.replicas = replicas(run_id);
    result.jobs = jobs(run_id);
    return result;
  });
}

// ---------------------------------------------------------------------------
// Bulk and streaming access

namespace {

RunRecord run_record_from(Statement& s, int first_column) {
  RunRecord r;
  r.scenario_name = s.text(first_column + 0);
  r.scenario_hash = s.text(first_column + 1);
  r.scenario_path = s.text(first_column + 2);
  r.scenario_text = s.text(first_column + 3);
  r.seed = static_cast<std::uint64_t>(s.integer(first_column + 4));
  r.version = s.text(first_column + 5);
  r.status = s.text(first_column + 6);
  r.simulated_seconds = s.real(first_column + 7);
  r.started_at = s.text(first_column + 8);
  r.wall_seconds = s.real(first_column + 9);
  return r;
}

constexpr const char* kFirstCurve =
    "SELECT series, entity FROM timeseries WHERE run_id = ?1 ORDER BY series, entity LIMIT 1";
// The next curve is the next entity of the same series, else the first
// entity of the next series: two plain index seeks. (A row-value comparison
// (series, entity) > (?, ?) seeks on series only and then scans its rows.)
constexpr const char* kNextEntity =
    "SELECT series, entity FROM timeseries WHERE run_id = ?1 AND series = ?2 AND entity > ?3 "
    "ORDER BY entity LIMIT 1";
constexpr const char* kNextSeries =
    "SELECT series, entity FROM timeseries WHERE run_id = ?1 AND series > ?2 "
    "ORDER BY series, entity LIMIT 1";
constexpr const char* kFirstTime =
    "SELECT t FROM timeseries WHERE run_id = ?1 AND series = ?2 AND entity = ?3 AND t >= ?4 "
    "AND t <= ?5 ORDER BY t LIMIT 1";
constexpr const char* kLastTime =
    "SELECT t FROM timeseries WHERE run_id = ?1 AND series = ?2 AND entity = ?3 AND t >= ?4 "
    "AND t <= ?5 ORDER BY t DESC LIMIT 1";
constexpr const char* kCurvePoints =
    "SELECT t, value FROM timeseries WHERE run_id = ?1 AND series = ?2 AND entity = ?3 "
    "AND t >= ?4 AND t <= ?5 ORDER BY t, rowid";

}  // namespace

std::map<std::int64_t, RunRecord> ReportReader::runs() const {
  return with_context(path_, [&] {
    std::map<std::int64_t, RunRecord> out;
    Statement s(db_,
                "SELECT run_id, scenario_name, scenario_hash, scenario_path, scenario_text, seed, "
                "version, status, simulated_seconds, started_at, wall_seconds FROM runs");
    while (s.next_row()) out.emplace(s.integer(0), run_record_from(s, 1));
    return out;
  });
}

std::map<std::int64_t, std::map<std::string, std::string>> ReportReader::parameters_of_all_runs()
    const {
  return with_context(path_, [&] {
    std::map<std::int64_t, std::map<std::string, std::string>> out;
    Statement s(db_, "SELECT run_id, key, value FROM parameters");
    while (s.next_row()) out[s.integer(0)][s.text(1)] = s.text(2);
    return out;
  });
}

std::map<std::int64_t, std::vector<SummaryMetric>> ReportReader::summaries_of_all_runs() const {
  return with_context(path_, [&] {
    std::map<std::int64_t, std::vector<SummaryMetric>> out;
    Statement s(db_, "SELECT run_id, metric, value, unit FROM summary ORDER BY rowid");
    while (s.next_row()) out[s.integer(0)].push_back({s.text(1), s.real(2), s.text(3)});
    return out;
  });
}

std::vector<std::pair<std::string, std::string>> ReportReader::series_keys(
    std::int64_t run_id) const {
  run(run_id);
  return with_context(path_, [&] {
    std::vector<std::pair<std::string, std::string>> out;
    {
      BorrowedStatement s(prepared_->get(db_, kFirstCurve));
      s->bind(1, run_id);
      if (!s->next_row()) return out;
      out.emplace_back(s->text(0), s->text(1));
    }
    // The bound strings live in `out`: copy the row before push_back moves them.
    const auto next_curve = [&](const char* sql, bool binds_entity) {
      BorrowedStatement s(prepared_->get(db_, sql));
      s->bind(1, run_id);
      s->bind(2, out.back().first);
      if (binds_entity) s->bind(3, out.back().second);
      std::optional<std::pair<std::string, std::string>> next;
      if (s->next_row()) next.emplace(s->text(0), s->text(1));
      return next;
    };
    for (;;) {
      auto next = next_curve(kNextEntity, true);
      if (!next) next = next_curve(kNextSeries, false);
      if (!next) break;
      out.push_back(std::move(*next));
    }
    return out;
  });
}

std::optional<std::pair<double, double>> ReportReader::time_span(std::int64_t run_id,
                                                                 const std::string& series,
                                                                 const std::string& entity,
                                                                 double t_from, double t_to) const {
  return with_context(path_, [&]() -> std::optional<std::pair<double, double>> {
    double ends[2] = {0.0, 0.0};
    const char* queries[2] = {kFirstTime, kLastTime};
    for (int i = 0; i < 2; ++i) {
      BorrowedStatement s(prepared_->get(db_, queries[i]));
      s->bind(1, run_id);
      s->bind(2, series);
      s->bind(3, entity);
      s->bind(4, t_from);
      s->bind(5, t_to);
      if (!s->next_row()) return std::nullopt;
      ends[i] = s->real(0);
    }
    return std::make_pair(ends[0], ends[1]);
  });
}

std::int64_t ReportReader::for_each_point(
    std::int64_t run_id, const std::string& series, const std::string& entity, double t_from,
    double t_to, const std::function<void(double t, double value)>& sink) const {
  return with_context(path_, [&] {
    BorrowedStatement s(prepared_->get(db_, kCurvePoints));
    s->bind(1, run_id);
    s->bind(2, series);
    s->bind(3, entity);
    s->bind(4, t_from);
    s->bind(5, t_to);
    std::int64_t count = 0;
    while (s->next_row()) {
      sink(s->real(0), s->real(1));
      ++count;
    }
    return count;
  });
}

std::vector<Event> ReportReader::events(std::int64_t run_id) const {
  run(run_id);
  return with_context(path_, [&] {
    std::vector<Event> out;
    Statement s(db_,
                "SELECT t, kind, entity, detail FROM events WHERE run_id = ?1 ORDER BY t, rowid");
    s.bind(1, run_id);
    while (s.next_row()) out.push_back({s.real(0), s.text(1), s.text(2), s.text(3)});
    return out;
  });
}

std::vector<ReplicaRecord> ReportReader::replicas(std::int64_t run_id) const {
  run(run_id);
  return with_context(path_, [&] {
    std::vector<ReplicaRecord> out;
    Statement s(db_,
                "SELECT service, replica, node, gpus, requests_completed, busy_fraction "
                "FROM replicas WHERE run_id = ?1 ORDER BY rowid");
    s.bind(1, run_id);
    while (s.next_row()) {
      ReplicaRecord rep;
      rep.service = s.text(0);
      rep.replica = static_cast<int>(s.integer(1));
      rep.node = s.text(2);
      rep.gpus = s.text(3);
      rep.requests_completed = s.integer(4);
      rep.busy_fraction = s.real(5);
      out.push_back(std::move(rep));
    }
    return out;
  });
}

std::vector<JobOutcome> ReportReader::jobs(std::int64_t run_id) const {
  run(run_id);
  return with_context(path_, [&] {
    std::vector<JobOutcome> out;
    {
      Statement exists(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'");
      if (!exists.next_row()) return out;
    }
    // Reports written before the `failures` column read it as 0.
    bool has_failures = false;
    {
      Statement column(db_, "SELECT 1 FROM pragma_table_info('jobs') WHERE name = 'failures'");
      has_failures = column.next_row();
    }
    const std::string query = fmt::format("SELECT job, source, gpus, gpu_milli, priority, preemptible, submit, first_start, "
                                 "end_time, state, ideal_seconds, waited_seconds, preemptions, gpu_seconds, "
                                 "lost_gpu_seconds, progress, nodes, racks, placement, {} FROM jobs WHERE run_id = ?1 "
                                 "ORDER BY rowid",
                                 has_failures ? "failures" : "0");
    Statement s(db_, query.c_str());
    s.bind(1, run_id);
    auto optional_real = [&](int column) {
      const double value = s.real(column);
      return std::isnan(value) ? std::nullopt : std::optional<double>(value);
    };
    while (s.next_row()) {
      JobOutcome job;
      job.job = s.text(0);
      job.source = s.text(1);
      job.gpus = static_cast<int>(s.integer(2));
      job.gpu_milli = static_cast<int>(s.integer(3));
      job.priority = static_cast<int>(s.integer(4));
      job.is_preemptible = s.integer(5) != 0;
      job.submit = s.real(6);
      job.first_start = optional_real(7);
      job.end = optional_real(8);
      job.state = s.text(9);
      job.ideal_seconds = s.real(10);
      job.waited_seconds = s.real(11);
      job.preemptions = static_cast<int>(s.integer(12));
      job.gpu_seconds = s.real(13);
      job.lost_gpu_seconds = s.real(14);
      job.progress = s.real(15);
      job.nodes = static_cast<int>(s.integer(16));
      job.racks = static_cast<int>(s.integer(17));
      job.placement = s.text(18);
      job.failures = static_cast<int>(s.integer(19));
      out.push_back(std::move(job));
    }
    return out;
  });
}

}  // namespace leptonsim
