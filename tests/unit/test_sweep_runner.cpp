// SweepRunner with a stand-in simulator (a shell script): successes are
// imported, a crash and a failure are recorded with their status and stderr,
// and an interrupt leaves unfinished tasks pending.
#include <catch2/catch.hpp>

#include "TempDir.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "SqliteReport.hpp"
#include "SweepRunner.hpp"

using namespace leptonsim;
namespace fs = std::filesystem;

namespace {

using leptonsim::testing::TempDir;

// A fake `leptonsim run`: copies a template report to -o, except for seed 2
// (crashes with SIGSEGV), seed 3 (exits 1 with a message) and seed 9 (sleeps).
std::string write_fake_simulator(const TempDir& dir, const std::string& template_report) {
  const fs::path script = dir.path() / "fake-leptonsim";
  std::ofstream(script) << "#!/bin/sh\n"
                           "out=''; seed=''\n"
                           "while [ $# -gt 0 ]; do\n"
                           "  case \"$1\" in -o) out=$2; shift;; --seed) seed=$2; shift;; esac; shift\n"
                           "done\n"
                           "case \"$seed\" in\n"
                           "  2) kill -SEGV $$ ;;\n"
                           "  3) echo 'scenario exploded at t=42' >&2; exit 1 ;;\n"
                           "  9) exec sleep 30 ;;\n"
                           "esac\n"
                           "cp '" + template_report + "' \"$out\"\n";
  fs::permissions(script, fs::perms::owner_all);
  return script.string();
}

std::string write_template_report(const TempDir& dir) {
  RunResult result;
  result.run.scenario_name = "fake";
  result.run.scenario_hash = "h";
  result.run.scenario_text = "name: fake\n";
  result.run.scenario_path = "fake.yaml";
  result.run.version = "test";
  result.parameters = {{"seed", "1"}};
  result.summary = {{"cost.total", 5.0, "USD"}};
  const std::string path = (dir.path() / "template.db").string();
  write_report(path, {result});
  return path;
}

std::vector<SweepTask> tasks_for_seeds(const std::vector<std::uint64_t>& seeds) {
  std::vector<SweepTask> tasks;
  for (std::size_t k = 0; k < seeds.size(); ++k) {
    SweepTask task;
    task.row.point_id = 0;
    task.row.seed = seeds[k];
    task.row.run_id = sweep_run_id(0, k, seeds.size());
    task.overrides = {"services[0].replicas=4"};
    tasks.push_back(task);
  }
  return tasks;
}

SweepDatabase make_database(const TempDir& dir, std::size_t slots) {
  SweepIdentity identity;
  identity.name = "runner";
  identity.spec_hash = "h";
  identity.seed_slots = slots;
  return SweepDatabase::open_or_create((dir.path() / "sweep.db").string(), identity,
                                       {{0, "replicas=4", {"services[0].replicas=4"}}});
}

// A sweep database with `tasks` pending and runner options for the fake simulator.
SweepRunOptions prepare(const TempDir& dir, SweepDatabase& database, const std::vector<SweepTask>& tasks) {
  std::vector<SweepTaskRow> rows;
  for (const auto& t : tasks) rows.push_back(t.row);
  database.add_pending_tasks(rows);
  SweepRunOptions options;
  options.leptonsim_binary = write_fake_simulator(dir, write_template_report(dir));
  options.base_scenario = "fake.yaml";
  options.jobs = 2;
  options.work_dir = (dir.path() / "work").string();
  options.progress = SweepProgressStyle::none;
  return options;
}

}  // namespace

TEST_CASE("failed and crashed runs are recorded and the sweep goes on", "[sweep_runner]") {
  TempDir dir;
  const auto tasks = tasks_for_seeds({1, 2, 3, 4});
  SweepDatabase database = make_database(dir, tasks.size());
  const SweepRunOptions options = prepare(dir, database, tasks);
  const SweepRunOutcome outcome = run_sweep_tasks(database, tasks, options);

  CHECK(outcome.succeeded == 2);
  CHECK(outcome.failed == 2);
  CHECK_FALSE(outcome.interrupted);
  std::map<std::uint64_t, SweepTaskRow> by_seed;
  for (const SweepTaskRow& row : database.tasks()) by_seed[row.seed] = row;
  CHECK(by_seed.at(1).status == "ok");
  CHECK(by_seed.at(4).status == "ok");
  CHECK(by_seed.at(2).status == "failed");
  CHECK(by_seed.at(2).signal == SIGSEGV);
  CHECK(by_seed.at(2).exit_code == -1);
  CHECK(by_seed.at(3).status == "failed");
  CHECK(by_seed.at(3).exit_code == 1);
  CHECK(by_seed.at(3).stderr_text.find("scenario exploded at t=42") != std::string::npos);
  CHECK_FALSE(fs::exists(options.work_dir));  // temporary task files cleaned up

  ReportReader reader(database.path());
  CHECK(reader.run_ids() == std::vector<std::int64_t>{1, 4});
  CHECK(reader.summary(4).at("cost.total") == 5.0);
}

TEST_CASE("an interrupt stops the sweep and leaves unfinished runs pending", "[sweep_runner]") {
  TempDir dir;
  const auto tasks = tasks_for_seeds({1, 9, 9, 4});  // runs 2 and 3 sleep
  SweepDatabase database = make_database(dir, tasks.size());
  const SweepRunOptions options = prepare(dir, database, tasks);

  // Another process sends SIGTERM to this one after a moment, as Slurm's
  // scancel or a user's kill would.
  const pid_t self = ::getpid();
  const pid_t killer = ::fork();
  if (killer == 0) {
    ::usleep(800 * 1000);
    ::kill(self, SIGTERM);
    ::_exit(0);
  }
  const auto started = std::chrono::steady_clock::now();
  const SweepRunOutcome outcome = run_sweep_tasks(database, tasks, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ::waitpid(killer, nullptr, 0);

  CHECK(outcome.interrupted);
  CHECK(outcome.interrupt_signal == SIGTERM);
  CHECK(seconds < 10);  // the sleeping runs were stopped, not waited for (they sleep 30 s)
  std::map<std::int64_t, std::string> status;
  for (const SweepTaskRow& row : database.tasks()) status[row.run_id] = row.status;
  CHECK(status.at(1) == "ok");
  CHECK(status.at(2) == "pending");
  CHECK(status.at(3) == "pending");
  CHECK(status.at(4) == "pending");  // never started
  ReportReader reader(database.path());
  CHECK(reader.run_ids() == std::vector<std::int64_t>{1});
}

TEST_CASE("durations read well in progress lines", "[sweep_runner]") {
  CHECK(format_duration(3.3) == "3.3s");
  CHECK(format_duration(42) == "42s");
  CHECK(format_duration(185) == "3m 05s");
  CHECK(format_duration(3720) == "1h 02m");
  CHECK(format_duration(-1) == "?");
}
