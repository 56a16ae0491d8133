// `leptonsim sweep / merge / compare / plan` end to end with real simulations:
// statistics against the runs' own values, resume after kill -9 with no lost
// or duplicated rows and the same result as an uninterrupted sweep, shards
// merged idempotently, bad specs rejected before anything is written.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include "CliRunner.hpp"
#include "SqliteReport.hpp"

using namespace leptonsim;
using namespace leptonsim::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = LEPTONSIM_SOURCE_DIR;

// 3 replica counts x 2 seeds of a 5-minute quickstart (each run well under a second).
std::string small_spec(const fs::path& dir, const std::string& extra_axes = "") {
  const fs::path spec = dir / "spec.yaml";
  write_file(spec, "name: test-sweep\n"
                   "base: " + (kSource / "scenarios/quickstart.yaml").string() + "\n"
                   "set: {duration: 5min, warmup: 30s}\n"
                   "seeds: 2\n"
                   "axes:\n"
                   "  - key: services[0].replicas\n"
                   "    values: [6, 8, 10]\n" + extra_axes);
  return spec.string();
}

// Rows of a query as text lines ("a|b|c").
std::string query(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::string out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const auto* text = sqlite3_column_text(stmt, c);
      out += (c ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    out += '\n';
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_DONE);
  return out;
}

// The simulation results of a sweep database (no wall-clock fields).
std::string results_of(const fs::path& db) {
  return query(db, "SELECT run_id, seed, status FROM runs ORDER BY run_id") +
         query(db, "SELECT run_id, key, value FROM parameters ORDER BY run_id, key") +
         query(db, "SELECT run_id, metric, value FROM summary ORDER BY run_id, metric") +
         query(db, "SELECT run_id, series, entity, t, value FROM timeseries ORDER BY run_id, series, entity, t") +
         query(db, "SELECT run_id, t, kind, entity, detail FROM events ORDER BY run_id, t, kind, entity") +
         query(db, "SELECT run_id, point_id, seed, status FROM sweep_tasks ORDER BY run_id") +
         query(db, "SELECT point_id, metric, n, mean, stddev, ci_lower, ci_upper FROM point_summary ORDER BY 1, 2");
}

}  // namespace

TEST_CASE("a sweep runs every point and seed and its intervals match a hand computation", "[sweep]") {
  TempDir dir;
  const std::string spec = small_spec(dir.path());
  const CliResult result = run_leptonsim({"sweep", spec, "-o", (dir / "s.db").string(), "-j", "2"}, dir);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("6 runs ok, 0 failed") != std::string::npos);
  CHECK(result.out.find("service.chat.latency_p99") != std::string::npos);  // the comparison table
  CHECK(query(dir / "s.db", "SELECT count(*) FROM sweep_tasks WHERE status = 'ok'") == "6\n");

  // The runs are ordinary report runs: two seeds per point, parameters carry the axis.
  ReportReader reader((dir / "s.db").string());
  REQUIRE(reader.run_ids().size() == 6);
  CHECK(reader.parameters(3).at("services[0].replicas") == "8");
  CHECK(reader.run(3).seed == 42);
  CHECK(reader.run(4).seed == 43);
  // Interval of point 1 (runs 3 and 4) by hand: mean +- t(0.975, 1) * s / sqrt(2), t = 12.7062047.
  const double a = reader.summary(3).at("service.chat.latency_mean");
  const double b = reader.summary(4).at("service.chat.latency_mean");
  const double mean = (a + b) / 2, s = std::abs(a - b) / std::sqrt(2.0);
  const double half = 12.7062047 * s / std::sqrt(2.0);
  const std::string row = query(dir / "s.db",
                                "SELECT n, mean, ci_lower, ci_upper FROM point_summary "
                                "WHERE point_id = 1 AND metric = 'service.chat.latency_mean'");
  double n = 0, m = 0, lo = 0, hi = 0;
  REQUIRE(std::sscanf(row.c_str(), "%lf|%lf|%lf|%lf", &n, &m, &lo, &hi) == 4);
  CHECK(n == 2);
  CHECK(m == Approx(mean).epsilon(1e-12));
  CHECK(lo == Approx(mean - half).epsilon(1e-6));
  CHECK(hi == Approx(mean + half).epsilon(1e-6));

  SECTION("running the same command again runs nothing") {
    const CliResult again = run_leptonsim({"sweep", spec, "-o", (dir / "s.db").string()}, dir);
    CHECK(again.exit_code == 0);
    CHECK(again.err.find("0 to run") != std::string::npos);
  }
  SECTION("compare prints chosen metrics with intervals") {
    const CliResult compare =
        run_leptonsim({"compare", (dir / "s.db").string(), "-m", "service.chat.latency_mean"}, dir);
    CHECK(compare.exit_code == 0);
    CHECK(compare.out.find("service.chat.latency_mean") != std::string::npos);
    CHECK(compare.out.find(" ± ") != std::string::npos);
    const CliResult unknown = run_leptonsim({"compare", (dir / "s.db").string(), "-m", "no.such.metric"}, dir);
    CHECK(unknown.exit_code == 2);
  }
}

TEST_CASE("kill -9 of a sweep loses and duplicates nothing and the resumed sweep equals an uninterrupted one",
          "[sweep]") {
  TempDir dir;
  // Longer runs (30 simulated minutes) so the kill lands mid-sweep.
  const fs::path spec = dir / "spec.yaml";
  write_file(spec, "name: kill-test\n"
                   "base: " + (kSource / "scenarios/quickstart.yaml").string() + "\n"
                   "set: {duration: 30min, warmup: 1min}\n"
                   "seeds: 2\n"
                   "axes:\n"
                   "  - key: services[0].replicas\n"
                   "    values: [6, 7, 8, 9, 10]\n");
  const fs::path killed = dir / "killed.db";
  const pid_t pid = spawn_leptonsim({"sweep", spec.string(), "-o", killed.string(), "-j", "2", "--progress", "none"},
                                    dir / "k.out", dir / "k.err");
  // Wait until some runs are in, then kill -9 in the middle of the sweep.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (fs::exists(killed) && std::stoi(query(killed, "SELECT count(*) FROM sweep_tasks WHERE status = 'ok'")) >= 3)
      break;
  }
  ::kill(pid, SIGKILL);
  CHECK(wait_exit_code(pid) == 128 + SIGKILL);
  const std::string done_at_kill = query(killed, "SELECT count(*) FROM sweep_tasks WHERE status = 'ok'");
  INFO("ok at kill: " << done_at_kill);
  CHECK(done_at_kill != "10\n");  // really interrupted
  // Every ok task has its run and nothing else is there.
  CHECK(query(killed, "SELECT count(*) FROM runs") == done_at_kill);
  CHECK(query(killed, "SELECT count(*) FROM runs WHERE run_id NOT IN (SELECT run_id FROM sweep_tasks WHERE status = 'ok')") ==
        "0\n");

  // What a run killed while writing its report leaves behind (it may or may not be there by chance).
  fs::create_directories(killed.string() + ".tasks");
  write_file(killed.string() + ".tasks/task-1.db.tmp-12345", "half a report");
  const CliResult resumed = run_leptonsim({"sweep", spec.string(), "-o", killed.string(), "-j", "2"}, dir);
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(query(killed, "SELECT count(*) FROM sweep_tasks WHERE status = 'ok'") == "10\n");
  CHECK(query(killed, "SELECT count(*) FROM runs") == "10\n");
  CHECK(query(killed, "SELECT count(*) FROM (SELECT run_id, metric FROM summary GROUP BY 1, 2 HAVING count(*) > 1)") ==
        "0\n");
  CHECK(query(killed, "SELECT count(*) FROM (SELECT run_id, series, entity, t FROM timeseries GROUP BY 1, 2, 3, 4 "
                      "HAVING count(*) > 1)") == "0\n");

  const fs::path clean = dir / "clean.db";
  REQUIRE(run_leptonsim({"sweep", spec.string(), "-o", clean.string(), "-j", "1"}, dir).exit_code == 0);
  CHECK(results_of(killed) == results_of(clean));  // deterministic, whatever the order and interruptions
  CHECK_FALSE(fs::exists(killed.string() + ".tasks"));
}

TEST_CASE("shards merged in any order equal the local sweep, and merging again changes nothing", "[sweep]") {
  TempDir dir;
  const std::string spec = small_spec(dir.path());
  REQUIRE(run_leptonsim({"sweep", spec, "-o", (dir / "local.db").string(), "-j", "2"}, dir).exit_code == 0);
  for (int i = 0; i < 3; ++i)
    REQUIRE(run_leptonsim({"sweep", spec, "--shard", std::to_string(i) + "/3", "-o",
                           (dir / ("shard-" + std::to_string(i) + ".db")).string(), "--progress", "none"},
                          dir)
                .exit_code == 0);
  CHECK(query(dir / "shard-1.db", "SELECT run_id FROM sweep_tasks ORDER BY 1") == "2\n5\n");
  const CliResult merged = run_leptonsim({"merge", (dir / "merged.db").string(), (dir / "shard-2.db").string(),
                                          (dir / "shard-0.db").string(), (dir / "shard-1.db").string()},
                                         dir);
  INFO(merged.err);
  REQUIRE(merged.exit_code == 0);
  const std::string once = results_of(dir / "merged.db");
  CHECK(once == results_of(dir / "local.db"));
  const CliResult again = run_leptonsim({"merge", (dir / "merged.db").string(), (dir / "shard-0.db").string(),
                                         (dir / "shard-1.db").string(), (dir / "shard-2.db").string()},
                                        dir);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("0 added now") != std::string::npos);
  CHECK(results_of(dir / "merged.db") == once);
}

TEST_CASE("a bad sweep spec or axis is rejected before anything runs", "[sweep]") {
  TempDir dir;
  SECTION("an axis over a key the scenario does not have") {
    const std::string spec = small_spec(dir.path(), "  - key: services[0].replicsa\n    values: [1, 2]\n");
    const CliResult result = run_leptonsim({"sweep", spec, "-o", (dir / "bad.db").string()}, dir);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("replicsa") != std::string::npos);
    CHECK(result.err.find("nothing was run") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "bad.db"));
  }
  SECTION("an axis value the scenario rejects") {
    const CliResult result =
        run_leptonsim({"sweep", (kSource / "scenarios/quickstart.yaml").string(), "--axis",
                       "services[0].replicas=4,-1", "-o", (dir / "bad.db").string()},
                      dir);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("services[0].replicas") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "bad.db"));
  }
  SECTION("a spec error names the file, line and key") {
    const fs::path spec = dir / "broken.yaml";
    write_file(spec, "base: " + (kSource / "scenarios/quickstart.yaml").string() +
                         "\naxes:\n  - key: services[0].replicas\n    range: {from: 4, to: 2, step: 1}\n");
    const CliResult result = run_leptonsim({"sweep", spec.string(), "-o", (dir / "bad.db").string()}, dir);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("broken.yaml:") != std::string::npos);
    CHECK(result.err.find("axes[0].range") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "bad.db"));
  }
  SECTION("a database of another sweep is not reused") {
    const std::string spec = small_spec(dir.path());
    REQUIRE(run_leptonsim({"sweep", spec, "--shard", "0/6", "-o", (dir / "s.db").string()}, dir).exit_code == 0);
    const CliResult other = run_leptonsim({"sweep", (kSource / "scenarios/quickstart.yaml").string(), "--axis",
                                           "services[0].replicas=5", "--set", "duration=10min", "-o",
                                           (dir / "s.db").string()},
                                          dir);
    CHECK(other.exit_code == 1);
    CHECK(other.err.find("different spec") != std::string::npos);
  }
}

TEST_CASE("plan finds the fewest replicas that meet the requirement, with fewer runs than the grid", "[plan]") {
  TempDir dir;
  const fs::path spec = dir / "plan.yaml";
  write_file(spec, "name: plan-test\n"
                   "base: " + (kSource / "scenarios/quickstart.yaml").string() + "\n"
                   "set: {duration: 10min, warmup: 1min}\n"
                   "seeds: 2\n"
                   "axes:\n"
                   "  - key: services[0].replicas\n"
                   "    range: {from: 4, to: 16, step: 1}\n"
                   "    monotone: increasing\n");
  const CliResult result =
      run_leptonsim({"plan", spec.string(), "-o", (dir / "plan.db").string(), "-j", "2", "--minimize",
                     "service.chat.cost", "--require", "service.chat.wait_p99<=0.05"},
                    dir);
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("Chosen configuration") != std::string::npos);
  const fs::path db = dir / "plan.db";
  const int runs = std::stoi(query(db, "SELECT value FROM meta WHERE key = 'plan.runs_spent'"));
  CHECK(runs < 13 * 2 / 2);  // bisection: far fewer than the 26 runs of the grid
  CHECK(query(db, "SELECT value FROM meta WHERE key = 'plan.grid_runs'") == "26\n");

  // The chosen point meets the requirement by its interval; one replica fewer
  // (evaluated by the bisection, or dominated by an evaluated point) does not.
  const std::string chosen = query(db, "SELECT value FROM meta WHERE key = 'plan.chosen_point_id'");
  const int chosen_point = std::stoi(chosen);
  const double upper = std::stod(query(db, "SELECT ci_upper FROM point_summary WHERE metric = 'service.chat.wait_p99' "
                                           "AND point_id = " + std::to_string(chosen_point)));
  CHECK(upper <= 0.05);
  const std::string below = query(db, "SELECT max(ci_upper) FROM point_summary WHERE metric = 'service.chat.wait_p99' "
                                      "AND point_id < " + std::to_string(chosen_point));
  if (below != "NULL\n") {
    // The highest evaluated point below the choice must fail (otherwise the choice is not the cheapest).
    const std::string last_below =
        query(db, "SELECT ci_upper, mean FROM point_summary WHERE metric = 'service.chat.wait_p99' AND point_id = "
                  "(SELECT max(point_id) FROM point_summary WHERE point_id < " + std::to_string(chosen_point) + ")");
    double ci_upper = 0, mean = 0;
    REQUIRE(std::sscanf(last_below.c_str(), "%lf|%lf", &ci_upper, &mean) == 2);
    CHECK(ci_upper > 0.05);
  }
}

TEST_CASE("every example sweep spec runs and the plan example chooses what its comment says", "[sweep][examples]") {
  TempDir dir;
  for (const auto& entry : fs::directory_iterator(kSource / "scenarios/sweeps")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    const std::string text = read_file(entry.path());
    const fs::path db = dir / (entry.path().stem().string() + ".db");
    if (text.find("monotone:") != std::string::npos) {
      const CliResult plan = run_leptonsim({"plan", entry.path().string(), "-o", db.string(), "-j", "2", "--minimize",
                                            "service.chat.cost", "--require", "service.chat.wait_p99<=0.05",
                                            "--require", "service.chat.slo_attainment>=0.99"},
                                           dir);
      INFO(plan.out << plan.err);
      REQUIRE(plan.exit_code == 0);
      CHECK(plan.out.find("services[0].replicas = 8") != std::string::npos);
      CHECK(plan.out.find("services[0].load_balancer.policy = least_outstanding") != std::string::npos);
      CHECK(plan.out.find("Runs: 27 spent") != std::string::npos);
      CHECK(text.find("after 27 runs") != std::string::npos);
    } else {
      const CliResult sweep = run_leptonsim({"sweep", entry.path().string(), "-o", db.string(), "-j", "2"}, dir);
      INFO(sweep.err);
      REQUIRE(sweep.exit_code == 0);
      CHECK(query(db, "SELECT count(*) FROM sweep_tasks WHERE status <> 'ok'") == "0\n");
      CHECK(query(db, "SELECT count(*) FROM sweep_tasks") == query(db, "SELECT count(*) FROM runs"));
    }
  }
}
