// SqliteReport: round trip through real files (read back with the sqlite3 C API,
// independently of ReportReader), atomic replacement and failure clean-up.
#include <catch2/catch.hpp>

#include "TempDir.hpp"

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "SqliteReport.hpp"

namespace fs = std::filesystem;
using namespace leptonsim;

namespace {

// A fresh directory under the system temp dir, removed with its contents.
using leptonsim::testing::TempDir;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Direct read access through the C API.
class Db {
 public:
  explicit Db(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  struct Row {
    std::vector<int> type;
    std::vector<std::string> text;
    std::vector<double> real;
    std::vector<std::int64_t> integer;
  };
  std::vector<Row> query(const std::string& sql) const {
    sqlite3_stmt* stmt = nullptr;
    INFO(sql);
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::vector<Row> rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      Row row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        row.type.push_back(sqlite3_column_type(stmt, i));
        const auto* p = sqlite3_column_text(stmt, i);
        // Text first, then numbers: column_text does not change REAL/INTEGER storage.
        row.text.push_back(p ? std::string(reinterpret_cast<const char*>(p),
                                           static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)))
                             : std::string());
        row.real.push_back(sqlite3_column_double(stmt, i));
        row.integer.push_back(sqlite3_column_int64(stmt, i));
      }
      rows.push_back(std::move(row));
    }
    CHECK(rc == SQLITE_DONE);
    sqlite3_finalize(stmt);
    return rows;
  }
  std::int64_t count(const std::string& sql) const { return query(sql).at(0).integer.at(0); }

 private:
  sqlite3* db_ = nullptr;
};

// Awkward values on purpose: SQL metacharacters, UTF-8, extreme doubles.
RunResult sample_run() {
  RunResult r;
  r.run.scenario_name = "chat'); DROP TABLE runs; --";
  r.run.scenario_hash = "9f86d081884c7d65";
  r.run.scenario_path = "/scénarios/chat \"quoted\".yaml";
  r.run.scenario_text = "name: chat\nservices:\n  - {name: chat, gpus: 8}\n# ' \" ; --\n";
  r.run.seed = 18446744073709551557ull;  // > 2^63: stored as a negative int64
  r.run.version = "0.1.0";
  r.run.status = "ok";
  r.run.simulated_seconds = 3600.0 + 1.0 / 3.0;
  r.run.started_at = "2024-06-11T10:00:00Z";
  r.run.wall_seconds = 12.345678901234567;
  r.parameters = {{"services.chat.replicas", "4"}, {"autoscaler.target", "0.7"},
                  {"note", "a'b\"c"}};
  r.summary = {{"service.chat.latency_p99", 0.123456789012345678, "s"},
               {"cluster.gpu_utilization_mean", 0.1, "1"},
               {"cost.total", 1234.5678, "USD"},
               {"tiny", 4.9406564584124654e-324, "1"},
               {"huge", 1.7976931348623157e308, "1"},
               {"missing", std::numeric_limits<double>::quiet_NaN(), "1"},
               {"integral", 2.0, "1"}};
  TimeSeries q{"service.queue_length", "chat", {0.0, 0.5, 1.0 / 7.0, 2.0}, {0.0, 3.0, 1e-9, -1.5}};
  TimeSeries u{"cluster.gpu_utilization", "", {0.0, 10.0}, {0.25, 0.75}};
  r.timeseries = {q, u};
  r.events = {{0.0, "run_start", "", "{}"},
              {12.5, "replica_ready", "chat/0", "{\"node\": \"us-east/r0/n3\"}"},
              {99.75, "gpu_failure", "us-east/r0/n3/gpu2", "{\"mttr\": 3600}"}};
  r.replicas = {{"chat", 0, "us-east/r0/n3", "n3-gpu0,n3-gpu1", 1200, 0.8125},
                {"chat", 1, "us-east/r0/n4", "n4-gpu0", 0, 0.0}};
  return r;
}

RunResult second_run() {
  RunResult r;
  r.run.scenario_name = "batch";
  r.run.seed = 2;
  r.run.status = "failed";
  r.summary = {{"cost.total", 10.0, "USD"}};
  return r;
}

}  // namespace

TEST_CASE("write_report round trip, read back with the sqlite3 C API", "[report]") {
  TempDir dir;
  const std::string path = dir.file("report.sqlite");
  const RunResult a = sample_run();
  const RunResult b = second_run();
  ReportInfo info;
  info.created_by = "leptonsim run";
  info.extra_meta = {{"sweep_id", "s-42"}};
  write_report(path, {a, b}, info);

  CHECK(dir.entries() == std::set<std::string>{"report.sqlite"});
  Db db(path);

  SECTION("meta") {
    const auto rows = db.query("SELECT key, value FROM meta ORDER BY key");
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].text == std::vector<std::string>{"created_by", "leptonsim run"});
    CHECK(rows[1].text[0] == "generator");
    CHECK(rows[1].text[1].rfind("leptonsim ", 0) == 0);
    CHECK(rows[2].text == std::vector<std::string>{"schema_version", "1"});
    CHECK(rows[3].text == std::vector<std::string>{"sweep_id", "s-42"});
  }
  SECTION("runs") {
    const auto rows = db.query(
        "SELECT run_id, scenario_name, scenario_hash, scenario_path, scenario_text, seed, "
        "version, status, simulated_seconds, started_at, wall_seconds, typeof(seed), "
        "typeof(simulated_seconds), typeof(wall_seconds) FROM runs ORDER BY run_id");
    REQUIRE(rows.size() == 2);
    const auto& r = rows[0];
    CHECK(r.integer[0] == 1);
    CHECK(r.text[1] == a.run.scenario_name);
    CHECK(r.text[2] == a.run.scenario_hash);
    CHECK(r.text[3] == a.run.scenario_path);
    CHECK(r.text[4] == a.run.scenario_text);
    CHECK(static_cast<std::uint64_t>(r.integer[5]) == a.run.seed);
    CHECK(r.text[6] == "0.1.0");
    CHECK(r.text[7] == "ok");
    CHECK(r.real[8] == a.run.simulated_seconds);  // exact, not formatted text
    CHECK(r.text[9] == a.run.started_at);
    CHECK(r.real[10] == a.run.wall_seconds);
    CHECK(r.text[11] == "integer");
    CHECK(r.text[12] == "real");
    CHECK(r.text[13] == "real");
    CHECK(rows[1].integer[0] == 2);
    CHECK(rows[1].text[1] == "batch");
    CHECK(rows[1].integer[5] == 2);
    CHECK(rows[1].text[7] == "failed");
  }
  SECTION("parameters") {
    const auto rows = db.query("SELECT key, value FROM parameters WHERE run_id = 1 ORDER BY key");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].text == std::vector<std::string>{"autoscaler.target", "0.7"});
    CHECK(rows[1].text == std::vector<std::string>{"note", "a'b\"c"});
    CHECK(rows[2].text == std::vector<std::string>{"services.chat.replicas", "4"});
    CHECK(db.count("SELECT count(*) FROM parameters WHERE run_id = 2") == 0);
  }
  SECTION("summary: exact REAL values, NaN as NULL") {
    const auto rows =
        db.query("SELECT metric, value, unit, typeof(value) FROM summary WHERE run_id = 1 "
                 "ORDER BY rowid");
    REQUIRE(rows.size() == a.summary.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      INFO(a.summary[i].metric);
      CHECK(rows[i].text[0] == a.summary[i].metric);
      CHECK(rows[i].text[2] == a.summary[i].unit);
      if (std::isnan(a.summary[i].value)) {
        CHECK(rows[i].type[1] == SQLITE_NULL);
      } else {
        CHECK(rows[i].text[3] == "real");
        CHECK(rows[i].real[1] == a.summary[i].value);
      }
    }
    CHECK(db.query("SELECT value FROM summary WHERE run_id = 2 AND metric = 'cost.total'")
              .at(0)
              .real[0] == 10.0);
  }
  SECTION("timeseries") {
    const auto rows = db.query(
        "SELECT series, entity, t, value, typeof(t), typeof(value) FROM timeseries "
        "WHERE run_id = 1 ORDER BY rowid");
    REQUIRE(rows.size() == 6);
    std::size_t i = 0;
    for (const TimeSeries& ts : a.timeseries)
      for (std::size_t k = 0; k < ts.t.size(); ++k, ++i) {
        CHECK(rows[i].text[0] == ts.series);
        CHECK(rows[i].text[1] == ts.entity);
        CHECK(rows[i].real[2] == ts.t[k]);
        CHECK(rows[i].real[3] == ts.value[k]);
        CHECK(rows[i].text[4] == "real");
        CHECK(rows[i].text[5] == "real");
      }
  }
  SECTION("events") {
    const auto rows =
        db.query("SELECT t, kind, entity, detail FROM events WHERE run_id = 1 ORDER BY t");
    REQUIRE(rows.size() == 3);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      CHECK(rows[i].real[0] == a.events[i].t);
      CHECK(rows[i].text[1] == a.events[i].kind);
      CHECK(rows[i].text[2] == a.events[i].entity);
      CHECK(rows[i].text[3] == a.events[i].detail);
    }
  }
  SECTION("replicas") {
    const auto rows = db.query(
        "SELECT service, replica, node, gpus, requests_completed, busy_fraction FROM replicas "
        "WHERE run_id = 1 ORDER BY replica");
    REQUIRE(rows.size() == 2);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      CHECK(rows[i].text[0] == a.replicas[i].service);
      CHECK(rows[i].integer[1] == a.replicas[i].replica);
      CHECK(rows[i].text[2] == a.replicas[i].node);
      CHECK(rows[i].text[3] == a.replicas[i].gpus);
      CHECK(rows[i].integer[4] == a.replicas[i].requests_completed);
      CHECK(rows[i].real[5] == a.replicas[i].busy_fraction);
    }
  }
  SECTION("schema: indexes, foreign keys, integrity") {
    std::set<std::string> indexes;
    for (const auto& row : db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                    "name NOT LIKE 'sqlite_autoindex%'"))
      indexes.insert(row.text[0]);
    CHECK(indexes.count("timeseries_by_series") == 1);
    CHECK(indexes.count("events_by_time") == 1);
    const auto index_columns = db.query("PRAGMA index_info(timeseries_by_series)");
    REQUIRE(index_columns.size() == 4);
    CHECK(index_columns[0].text[2] == "run_id");
    CHECK(index_columns[1].text[2] == "series");
    CHECK(index_columns[2].text[2] == "entity");
    CHECK(index_columns[3].text[2] == "t");
    for (const char* table : {"parameters", "summary", "timeseries", "events", "replicas"}) {
      const auto fks = db.query(std::string("PRAGMA foreign_key_list(") + table + ")");
      REQUIRE(fks.size() == 1);
      CHECK(fks[0].text[2] == "runs");
    }
    CHECK(db.query("PRAGMA foreign_key_check").empty());
    CHECK(db.query("PRAGMA integrity_check").at(0).text[0] == "ok");
    // Not left in a journal mode that needs side files.
    CHECK(db.query("PRAGMA journal_mode").at(0).text[0] != "wal");
  }
}

TEST_CASE("ReportReader reads what write_report wrote", "[report]") {
  TempDir dir;
  const std::string path = dir.file("r.sqlite");
  const RunResult a = sample_run();
  write_report(path, {a, second_run()});

  const ReportReader reader(path);
  CHECK(reader.schema_version() == "1");
  CHECK(reader.meta().at("created_by") == "leptonsim");
  CHECK(reader.run_ids() == std::vector<std::int64_t>{1, 2});

  const auto summary = reader.summary(1);
  CHECK(summary.size() == a.summary.size());
  CHECK(summary.at("service.chat.latency_p99") == a.summary[0].value);
  CHECK(summary.at("cost.total") == 1234.5678);
  CHECK(std::isnan(summary.at("missing")));
  CHECK(reader.summary_units(1).at("cost.total") == "USD");
  CHECK(reader.summary(2) == std::map<std::string, double>{{"cost.total", 10.0}});
  CHECK(reader.parameters(1) == a.parameters);
  CHECK(reader.run(1).seed == a.run.seed);
  CHECK(reader.run(2).status == "failed");

  const TimeSeries q = reader.timeseries(1, "service.queue_length", "chat");
  CHECK(q.t == a.timeseries[0].t);
  CHECK(q.value == a.timeseries[0].value);
  CHECK(reader.timeseries(1, "no.such.series", "").t.empty());

  const RunResult back = reader.load(1);
  CHECK(back.run.scenario_text == a.run.scenario_text);
  CHECK(back.run.wall_seconds == a.run.wall_seconds);
  REQUIRE(back.summary.size() == a.summary.size());
  for (std::size_t i = 0; i < a.summary.size(); ++i) {
    CHECK(back.summary[i].metric == a.summary[i].metric);
    CHECK((back.summary[i].value == a.summary[i].value ||
           (std::isnan(back.summary[i].value) && std::isnan(a.summary[i].value))));
    CHECK(back.summary[i].unit == a.summary[i].unit);
  }
  REQUIRE(back.timeseries.size() == 2);
  CHECK(back.timeseries[1].series == "cluster.gpu_utilization");
  CHECK(back.timeseries[1].entity == "");
  CHECK(back.timeseries[1].value == a.timeseries[1].value);
  REQUIRE(back.events.size() == 3);
  CHECK(back.events[1].detail == a.events[1].detail);
  REQUIRE(back.replicas.size() == 2);
  CHECK(back.replicas[0].gpus == a.replicas[0].gpus);
  CHECK(back.replicas[0].requests_completed == 1200);

  CHECK_THROWS_AS(reader.summary(3), std::runtime_error);
  CHECK_THROWS_AS(reader.run(0), std::runtime_error);
}

TEST_CASE("ReportReader rejects missing files, non-reports and other schema versions",
          "[report]") {
  TempDir dir;
  CHECK_THROWS_AS(ReportReader(dir.file("absent.sqlite")), std::runtime_error);
  CHECK_FALSE(fs::exists(dir.file("absent.sqlite")));  // read-only: never created

  {
    std::ofstream(dir.file("text.sqlite")) << "not a database";
  }
  CHECK_THROWS_AS(ReportReader(dir.file("text.sqlite")), std::runtime_error);

  const std::string future = dir.file("future.sqlite");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(future.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
                       "INSERT INTO meta VALUES ('schema_version', '2');",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CHECK_THROWS_WITH(ReportReader(future), Catch::Contains("schema_version '2'"));
}

TEST_CASE("write_report failures leave neither a file at the path nor a temporary file",
          "[report]") {
  TempDir dir;
  const std::vector<RunResult> runs = {sample_run()};

  SECTION("directory does not exist") {
    const std::string path = dir.file("no/such/dir/report.sqlite");
    CHECK_THROWS_WITH(write_report(path, runs), Catch::Contains(path));
    CHECK_FALSE(fs::exists(path));
    CHECK(dir.entries().empty());
  }
  SECTION("path is a directory") {
    const std::string path = dir.file("adir");
    fs::create_directory(path);
    fs::create_directory(dir.file("adir/inside"));
    CHECK_THROWS_WITH(write_report(path, runs), Catch::Contains(path));
    CHECK(fs::is_directory(path));
    CHECK(fs::exists(dir.file("adir/inside")));
    CHECK(dir.entries() == std::set<std::string>{"adir"});
  }
  SECTION("reserved meta key") {
    ReportInfo info;
    info.extra_meta = {{"schema_version", "7"}};
    const std::string path = dir.file("r.sqlite");
    CHECK_THROWS_AS(write_report(path, runs, info), std::runtime_error);
    CHECK(dir.entries().empty());
  }
  SECTION("a stale temporary file of the same name is replaced") {
    const std::string path = dir.file("r.sqlite");
    const std::string stale = path + ".tmp-" + std::to_string(::getpid());
    { std::ofstream(stale) << "garbage from a crashed process"; }
    write_report(path, runs);
    CHECK(dir.entries() == std::set<std::string>{"r.sqlite"});
    CHECK(ReportReader(path).run_ids() == std::vector<std::int64_t>{1});
  }
}

TEST_CASE("An existing report is replaced only when the new one is complete", "[report]") {
  TempDir dir;
  const std::string path = dir.file("report.sqlite");
  write_report(path, {second_run()});
  const std::string before = read_bytes(path);
  REQUIRE_FALSE(before.empty());

  SECTION("duplicate summary metric: constraint violation mid-write") {
    RunResult bad = sample_run();
    bad.summary.push_back({"cost.total", 1.0, "USD"});
    CHECK_THROWS_WITH(write_report(path, {bad}),
                      Catch::Contains(path) && Catch::Contains("UNIQUE constraint failed") &&
                          Catch::Contains("cost.total"));
  }
  SECTION("failure in the second run, after the first was written") {
    RunResult bad = second_run();
    bad.timeseries = {{"s", "e", {0.0, 1.0}, {5.0}}};  // lengths differ
    CHECK_THROWS_WITH(write_report(path, {sample_run(), bad}), Catch::Contains("2 times but 1"));
  }
  SECTION("NaN time in a time series") {
    RunResult bad = sample_run();
    bad.timeseries[0].t[2] = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(write_report(path, {bad}), Catch::Contains("NOT NULL"));
  }
  // Whatever failed: the previous report is byte-for-byte intact, no temp file.
  CHECK(read_bytes(path) == before);
  CHECK(dir.entries() == std::set<std::string>{"report.sqlite"});
  CHECK(ReportReader(path).summary(1).at("cost.total") == 10.0);

  // And a successful write does replace it.
  write_report(path, {sample_run()});
  CHECK(ReportReader(path).summary(1).at("cost.total") == 1234.5678);
  CHECK(dir.entries() == std::set<std::string>{"report.sqlite"});
}

TEST_CASE("a report with 1,000,000 time-series rows is written whole", "[report]") {
  TempDir dir;
  RunResult r = second_run();
  // 100 series x 10,000 points, like 100 entities sampled every second for ~3 h.
  for (int s = 0; s < 100; ++s) {
    TimeSeries ts;
    ts.series = s % 2 ? "service.queue_length" : "node.gpu_utilization";
    ts.entity = "us-east/r" + std::to_string(s / 10) + "/n" + std::to_string(s % 10);
    for (int i = 0; i < 10000; ++i) {
      ts.t.push_back(i * 1.0);
      ts.value.push_back(std::sin(i * 0.001 + s));
    }
    r.timeseries.push_back(std::move(ts));
  }
  const std::string path = dir.file("big.sqlite");
  // Speed is measured by bench/, not here (about 1.6 s on the 2-core machine).
  write_report(path, {r});
  Db db(path);
  CHECK(db.count("SELECT count(*) FROM timeseries") == 1000000);
}

TEST_CASE("job outcomes round-trip, unfinished times as NULL and derived delays", "[report][jobs]") {
  TempDir dir;
  const std::string path = dir.file("jobs.sqlite");
  RunResult run = sample_run();
  JobOutcome done;
  done.job = "train";
  done.source = "trace.csv:7";
  done.gpus = 16;
  done.priority = 2;
  done.is_preemptible = true;
  done.submit = 10;
  done.first_start = 25;
  done.end = 125.5;
  done.state = "completed";
  done.ideal_seconds = 90;
  done.waited_seconds = 20;
  done.preemptions = 1;
  done.gpu_seconds = 1600;
  done.lost_gpu_seconds = 80;
  done.progress = 1;
  done.nodes = 2;
  done.racks = 1;
  done.placement = "a/r0/n0,a/r0/n1";
  JobOutcome waiting;
  waiting.job = "pod";
  waiting.source = "list";
  waiting.gpus = 1;
  waiting.gpu_milli = 250;
  waiting.submit = 50;
  waiting.state = "waiting";
  run.jobs = {done, waiting};
  write_report(path, {run});

  const std::vector<JobOutcome> read = ReportReader(path).jobs(1);
  REQUIRE(read.size() == 2);
  CHECK(read[0].job == "train");
  CHECK(read[0].first_start == 25.0);
  CHECK(read[0].end == 125.5);
  CHECK(read[0].is_preemptible);
  CHECK(read[0].placement == "a/r0/n0,a/r0/n1");
  CHECK(read[1].gpu_milli == 250);
  CHECK_FALSE(read[1].first_start);
  CHECK_FALSE(read[1].end);

  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT queue_delay, jct FROM jobs ORDER BY rowid", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(sqlite3_column_double(stmt, 0) == 15.0);
  CHECK(sqlite3_column_double(stmt, 1) == 115.5);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(sqlite3_column_type(stmt, 0) == SQLITE_NULL);
  CHECK(sqlite3_column_type(stmt, 1) == SQLITE_NULL);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}
