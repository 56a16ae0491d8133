// SweepDatabase: importing runs, failures, merging shards (idempotent, no
// duplicates), point statistics against a hand computation.
#include <catch2/catch.hpp>

#include "TempDir.hpp"

#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "SqliteReport.hpp"
#include "SweepDatabase.hpp"

using namespace leptonsim;
namespace fs = std::filesystem;

namespace {

using leptonsim::testing::TempDir;

SweepIdentity test_identity(const std::string& hash = "abc123") {
  SweepIdentity identity;
  identity.name = "unit";
  identity.spec_hash = hash;
  identity.spec_text = "base: x.yaml\n";
  identity.seed_slots = 3;
  return identity;
}

std::vector<SweepPointRow> two_points() {
  return {{0, "replicas=4", {"services[0].replicas=4"}}, {1, "replicas=8", {"services[0].replicas=8"}}};
}

// A one-run report as `leptonsim run` writes it.
std::string make_task_report(const TempDir& dir, const std::string& name, int replicas, std::uint64_t seed,
                             double latency) {
  RunResult result;
  result.run.scenario_name = "unit";
  result.run.scenario_hash = "h";
  result.run.scenario_text = "name: unit\n";
  result.run.scenario_path = "x.yaml";
  result.run.seed = seed;
  result.run.version = "test";
  result.run.simulated_seconds = 60;
  result.parameters = {{"services[0].replicas", std::to_string(replicas)}, {"seed", std::to_string(seed)}};
  result.summary = {{"service.chat.latency_p99", latency, "s"}, {"cost.total", replicas * 10.0, "USD"}};
  result.timeseries = {{"service.latency_p99", "chat", {0, 60}, {latency, latency}}};
  result.events = {{0, "run_start", "", "{}"}};
  const std::string path = dir.file(name);
  write_report(path, {result});
  return path;
}

SweepTaskRow task(std::int64_t point, std::size_t seed_index, std::uint64_t seed) {
  SweepTaskRow row;
  row.point_id = point;
  row.seed = seed;
  row.run_id = sweep_run_id(point, seed_index, 3);
  return row;
}

std::int64_t count_rows(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  const std::int64_t n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

// Every row of the result tables as text, for equality of two databases.
std::string dump(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::string out;
  for (const char* sql :
       {"SELECT run_id, scenario_name, seed, status FROM runs ORDER BY run_id",
        "SELECT run_id, key, value FROM parameters ORDER BY run_id, key",
        "SELECT run_id, metric, value, unit FROM summary ORDER BY run_id, metric",
        "SELECT run_id, t, series, entity, value FROM timeseries ORDER BY run_id, series, entity, t",
        "SELECT run_id, t, kind FROM events ORDER BY run_id, t, kind",
        "SELECT run_id, point_id, seed, status FROM sweep_tasks ORDER BY run_id",
        "SELECT point_id, metric, n, mean, stddev, ci_lower, ci_upper FROM point_summary ORDER BY 1, 2"}) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        const auto* text = sqlite3_column_text(stmt, c);
        out += text ? reinterpret_cast<const char*>(text) : "NULL";
        out += '|';
      }
      out += '\n';
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_CASE("run ids depend on the task only", "[sweep_database]") {
  CHECK(sweep_run_id(0, 0, 3) == 1);
  CHECK(sweep_run_id(0, 2, 3) == 3);
  CHECK(sweep_run_id(4, 1, 3) == 14);
  CHECK_THROWS_AS(sweep_run_id(0, 3, 3), std::invalid_argument);
}

TEST_CASE("a sweep database imports runs once and keeps failures", "[sweep_database]") {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  SweepDatabase db = SweepDatabase::open_or_create(path, test_identity(), two_points());
  db.add_pending_tasks({task(0, 0, 1), task(0, 1, 2), task(1, 0, 1)});
  db.add_pending_tasks({task(0, 0, 1)});  // already there: ignored
  REQUIRE(db.tasks().size() == 3);

  CHECK(db.import_run(task(0, 0, 1), make_task_report(dir, "a.db", 4, 1, 2.0), false));
  CHECK_FALSE(db.import_run(task(0, 0, 1), make_task_report(dir, "a2.db", 4, 1, 2.0), false));  // already ok
  SweepTaskRow failed = task(1, 0, 1);
  failed.exit_code = 1;
  failed.stderr_text = "boom";
  db.record_failure(failed);

  CHECK(count_rows(path, "SELECT count(*) FROM runs") == 1);
  CHECK(count_rows(path, "SELECT count(*) FROM summary WHERE run_id = 1") == 2);
  CHECK(count_rows(path, "SELECT count(*) FROM timeseries WHERE run_id = 1") == 2);
  CHECK(count_rows(path, "SELECT count(*) FROM sweep_tasks WHERE status = 'failed' AND stderr = 'boom'") == 1);

  // The imported run is readable as a report run with its task's run id.
  ReportReader reader(path);
  CHECK(reader.run_ids() == std::vector<std::int64_t>{1});
  CHECK(reader.summary(1).at("cost.total") == 40.0);

  SECTION("summary-only import leaves out details") {
    CHECK(db.import_run(task(0, 1, 2), make_task_report(dir, "b.db", 4, 2, 3.0), true));
    CHECK(count_rows(path, "SELECT count(*) FROM timeseries WHERE run_id = 2") == 0);
    CHECK(count_rows(path, "SELECT count(*) FROM summary WHERE run_id = 2") == 2);
  }
  SECTION("another spec cannot reuse the file") {
    CHECK_THROWS_WITH(SweepDatabase::open_or_create(path, test_identity("other"), two_points()),
                      Catch::Contains("different spec"));
  }
}

TEST_CASE("point statistics match a hand computation", "[sweep_database]") {
  TempDir dir;
  const std::string path = dir.file("sweep.db");
  SweepDatabase db = SweepDatabase::open_or_create(path, test_identity(), two_points());
  const double latencies[] = {1.0, 2.0, 3.0};
  for (std::size_t k = 0; k < 3; ++k) {
    db.add_pending_tasks({task(0, k, k + 1)});
    db.import_run(task(0, k, k + 1), make_task_report(dir, "r" + std::to_string(k) + ".db", 4, k + 1, latencies[k]),
                  true);
  }
  db.refresh_point_summary(0.95);
  const auto statistics = db.point_statistics(0.95);
  const MetricStatistics& s = statistics.at(0).at("service.chat.latency_p99");
  // mean 2, s = 1, half width t(0.975, 2) * 1 / sqrt(3) = 4.302653 * 0.577350 = 2.484138
  CHECK(s.n == 3);
  CHECK(s.mean == Approx(2.0));
  CHECK(s.stddev == Approx(1.0));
  CHECK(s.ci_lower == Approx(2.0 - 2.484138).epsilon(1e-6));
  CHECK(s.ci_upper == Approx(2.0 + 2.484138).epsilon(1e-6));
  CHECK(count_rows(path, "SELECT count(*) FROM point_summary WHERE point_id = 0 AND metric = "
                         "'service.chat.latency_p99' AND n = 3 AND abs(ci_upper - 4.484138) < 1e-5 AND unit = 's'") == 1);
  // The first two seeds only: mean 1.5, s = 0.7071, t(0.975, 1) = 12.7062 -> half width 6.3531
  const MetricStatistics two = db.point_statistics(0.95, 2).at(0).at("service.chat.latency_p99");
  CHECK(two.n == 2);
  CHECK(two.mean == Approx(1.5));
  CHECK(two.ci_upper - two.mean == Approx(12.7062 * std::sqrt(0.5) / std::sqrt(2.0)).epsilon(1e-4));
}

TEST_CASE("merging shards is idempotent and equals running in one place", "[sweep_database]") {
  TempDir dir;
  const std::vector<SweepTaskRow> all = {task(0, 0, 1), task(0, 1, 2), task(1, 0, 1), task(1, 1, 2)};
  const auto report_for = [&](const SweepTaskRow& t, const std::string& name) {
    return make_task_report(dir, name, t.point_id == 0 ? 4 : 8, t.seed, 1.0 + static_cast<double>(t.run_id));
  };
  // One database that ran everything.
  const std::string local_path = dir.file("local.db");
  {
    SweepDatabase local = SweepDatabase::open_or_create(local_path, test_identity(), two_points());
    local.add_pending_tasks(all);
    for (const SweepTaskRow& t : all) local.import_run(t, report_for(t, "l" + std::to_string(t.run_id) + ".db"), false);
    local.refresh_point_summary();
  }
  // Two shards, in a different completion order.
  const std::string shard0 = dir.file("shard-0.db"), shard1 = dir.file("shard-1.db");
  {
    SweepDatabase s0 = SweepDatabase::open_or_create(shard0, test_identity(), two_points());
    SweepDatabase s1 = SweepDatabase::open_or_create(shard1, test_identity(), two_points());
    s0.add_pending_tasks({all[0], all[2]});
    s1.add_pending_tasks({all[1], all[3]});
    s1.import_run(all[3], report_for(all[3], "s3.db"), false);
    s1.import_run(all[1], report_for(all[1], "s1.db"), false);
    s0.import_run(all[2], report_for(all[2], "s2.db"), false);
    s0.import_run(all[0], report_for(all[0], "s0.db"), false);
  }
  const std::string merged_path = dir.file("merged.db");
  {
    SweepDatabase merged = SweepDatabase::open_or_create(merged_path, test_identity(), two_points());
    const MergeOutcome first = merged.merge_from(shard0);
    CHECK(first.runs_added == 2);
    CHECK(merged.merge_from(shard1).runs_added == 2);
    merged.refresh_point_summary();
  }
  const std::string once = dump(merged_path);
  {
    SweepDatabase merged = SweepDatabase::open_existing(merged_path);
    const MergeOutcome again = merged.merge_from(shard0);
    CHECK(again.runs_added == 0);
    CHECK(again.already_present == 2);
    merged.merge_from(shard1);
    merged.refresh_point_summary();
  }
  CHECK(dump(merged_path) == once);
  CHECK(dump(merged_path) == dump(local_path));
  CHECK(count_rows(merged_path, "SELECT count(*) FROM runs") == 4);
  CHECK(count_rows(merged_path, "SELECT count(*) FROM (SELECT run_id, metric FROM summary GROUP BY 1, 2 HAVING count(*) > 1)") == 0);

  SECTION("a shard of another spec is refused") {
    const std::string other = dir.file("other.db");
    { SweepDatabase::open_or_create(other, test_identity("zzz"), two_points()); }
    SweepDatabase merged = SweepDatabase::open_existing(merged_path);
    CHECK_THROWS_WITH(merged.merge_from(other), Catch::Contains("different sweep spec"));
  }
}
