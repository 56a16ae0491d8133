#include "SweepCommands.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "CapacityPlanner.hpp"
#include "CompareTable.hpp"
#include "ScenarioChecks.hpp"
#include "ScenarioLoader.hpp"
#include "SlurmJob.hpp"
#include "SweepDatabase.hpp"
#include "SweepRunner.hpp"
#include "SweepSpec.hpp"

namespace leptonsim {

namespace {

namespace fs = std::filesystem;

constexpr int kExitRunsFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitNothingFeasible = 3;

// Bad command-line input that is not a scenario problem (exit code 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

int print_issues(const ScenarioError& error, const std::string& what) {
  for (const ScenarioIssue& issue : error.issues()) std::cerr << issue.to_string() << '\n';
  std::cerr << fmt::format("{} error{} in the {}; nothing was run.\n", error.issues().size(),
                           error.issues().size() == 1 ? "" : "s", what);
  return kExitBadInput;
}

SweepProgressStyle progress_style(const std::string& text) {
  if (text == "json") return SweepProgressStyle::json;
  if (text == "none") return SweepProgressStyle::none;
  return SweepProgressStyle::text;
}

SweepSpec load_spec(const SweepCommandOptions& options) {
  if (is_sweep_spec_file(options.spec_path)) {
    if (!options.axis_args.empty() || options.seeds || !options.set_overrides.empty())
      throw UsageError(fmt::format("{} is a sweep spec: give axes, seeds and fixed values in it, not as --axis, "
                                   "--seeds or --set",
                                   options.spec_path));
    return load_sweep_spec(options.spec_path);
  }
  if (options.axis_args.empty())
    throw UsageError(fmt::format("{} is a scenario, not a sweep spec (a YAML file with `base:` and `axes:`); "
                                 "give at least one --axis key=v1,v2,... to sweep it",
                                 options.spec_path));
  return sweep_spec_from_command_line(options.spec_path, options.axis_args, options.seeds.value_or(1),
                                      options.set_overrides);
}

// Loads the base scenario with every point's overrides so that a bad key path
// or value is reported before anything runs. Reports all problems at once,
// each prefixed with the point it belongs to.
void validate_points(const SweepSpec& spec, const std::vector<SweepPointSpec>& points) {
  std::vector<ScenarioIssue> issues;
  std::set<std::string> seen;  // a bad axis value shows up in many points: report it once
  for (const SweepPointSpec& point : points) {
    std::vector<std::string> overrides = spec.fixed_overrides;
    for (const std::string& o : point.overrides()) overrides.push_back(o);
    try {
      require_runnable(load_scenario_file(spec.base_scenario, overrides));
    } catch (const ScenarioError& error) {
      for (ScenarioIssue issue : error.issues()) {
        // Map "--set:N" back to the override text so the message names the axis.
        if (issue.file == "--set" && issue.line >= 1 && static_cast<std::size_t>(issue.line) <= overrides.size()) {
          issue.message = fmt::format("{} (from `{}`)", issue.message, overrides[static_cast<std::size_t>(issue.line) - 1]);
          issue.file = spec.spec_path;
          issue.line = 0;
          issue.column = 0;
        } else {
          issue.message = fmt::format("{} (point {}: {})", issue.message, point.point_id,
                                      point.label().empty() ? "the base" : point.label());
        }
        if (seen.insert(issue.to_string()).second) issues.push_back(std::move(issue));
      }
    }
  }
  if (!issues.empty()) throw ScenarioError(std::move(issues));
}

std::vector<SweepPointRow> point_rows(const SweepSpec& spec, const std::vector<SweepPointSpec>& points) {
  std::vector<SweepPointRow> rows;
  for (const SweepPointSpec& point : points) {
    std::vector<std::string> overrides = spec.fixed_overrides;
    for (const std::string& o : point.overrides()) overrides.push_back(o);
    rows.push_back({static_cast<std::int64_t>(point.point_id), point.label(), overrides});
  }
  return rows;
}

// Every task of a sweep in run-id order: point by point, seed by seed.
std::vector<SweepTask> all_tasks(const std::vector<SweepPointRow>& rows, const std::vector<std::uint64_t>& seeds,
                                 std::size_t seed_slots) {
  std::vector<SweepTask> tasks;
  for (const SweepPointRow& row : rows)
    for (std::size_t k = 0; k < seeds.size(); ++k) {
      SweepTask task;
      task.row.run_id = sweep_run_id(row.point_id, k, seed_slots);
      task.row.point_id = row.point_id;
      task.row.seed = seeds[k];
      task.overrides = row.overrides;
      task.label = row.label;
      tasks.push_back(std::move(task));
    }
  return tasks;
}

std::vector<SweepTaskRow> rows_of(const std::vector<SweepTask>& tasks) {
  std::vector<SweepTaskRow> rows;
  rows.reserve(tasks.size());
  for (const SweepTask& task : tasks) rows.push_back(task.row);
  return rows;
}

std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash != std::string::npos) {
      const std::size_t index = std::stoul(text.substr(0, slash));
      const std::size_t count = std::stoul(text.substr(slash + 1));
      if (count >= 1 && index < count) return {index, count};
    }
  } catch (const std::exception&) {
  }
  throw UsageError(fmt::format("--shard '{}': expected i/N with 0 <= i < N, e.g. 3/16", text));
}

std::string default_output(const SweepSpec& spec, const char* suffix) {
  return fmt::format("out/{}-{}.db", spec.name, suffix);
}

std::string work_dir_for(const std::string& database_path) { return database_path + ".tasks"; }
std::string slurm_dir_for(const std::string& database_path) { return database_path + ".slurm"; }

int exit_code_for(const SweepRunOutcome& outcome) {
  if (outcome.interrupted) return 128 + outcome.interrupt_signal;
  return outcome.failed > 0 ? kExitRunsFailed : 0;
}

// Prints the failed tasks (first line of their stderr each).
void print_failures(const SweepDatabase& database) {
  std::size_t shown = 0, failed = 0;
  for (const SweepTaskRow& task : database.tasks()) {
    if (task.status != "failed") continue;
    ++failed;
    if (shown++ >= 10) continue;
    std::string first_line = task.stderr_text.substr(0, task.stderr_text.find('\n'));
    if (first_line.empty()) first_line = "(no output)";
    const std::string how = task.signal ? fmt::format("killed by signal {}", task.signal)
                                        : fmt::format("exit code {}", task.exit_code);
    std::cerr << fmt::format("  run {} (point {}, seed {}) failed, {}: {}\n", task.run_id, task.point_id, task.seed,
                             how, first_line);
  }
  if (failed > shown) std::cerr << fmt::format("  ... and {} more (see the sweep_tasks table)\n", failed - shown);
}

struct TaskCounts {
  std::size_t ok = 0, failed = 0, pending = 0;
};

TaskCounts count_tasks(const SweepDatabase& database) {
  TaskCounts counts;
  for (const SweepTaskRow& task : database.tasks()) {
    if (task.status == "ok")
      ++counts.ok;
    else if (task.status == "failed")
      ++counts.failed;
    else
      ++counts.pending;
  }
  return counts;
}

void print_sweep_table(const std::string& database_path, std::size_t points) {
  if (points > 40) {
    std::cout << fmt::format("{} points: `leptonsim compare {}` prints the table; `leptonsim plot {} -o DIR` draws it.\n",
                             points, database_path, database_path);
    return;
  }
  try {
    std::cout << format_comparison({database_path}, CompareOptions{});
  } catch (const std::exception& error) {
    std::cerr << "leptonsim: could not print the comparison table: " << error.what() << '\n';
  }
}

int collect_slurm(SweepDatabase& database, const SweepCommandOptions& options, const std::string& output) {
  const std::string work_dir = slurm_dir_for(output);
  const std::string job_id = read_slurm_job_id(work_dir);
  std::cerr << fmt::format("waiting for Slurm job {} (polling every {} s)\n", job_id, options.poll_seconds);
  wait_for_slurm_job(job_id, options.poll_seconds, [](const std::string& status) { std::cerr << status << '\n'; });
  const std::vector<std::string> shards = slurm_shard_files(work_dir);
  std::size_t added = 0, present = 0, failures = 0;
  for (const std::string& shard : shards) {
    const MergeOutcome outcome = database.merge_from(shard);
    added += outcome.runs_added;
    present += outcome.already_present;
    failures += outcome.failures_added;
  }
  database.refresh_point_summary();
  const TaskCounts counts = count_tasks(database);
  std::cout << fmt::format("collected {} shard file(s) of job {}: {} runs added, {} already there, {} failures; "
                           "{} ok, {} failed, {} pending in {}\n",
                           shards.size(), job_id, added, present, failures, counts.ok, counts.failed, counts.pending,
                           output);
  if (counts.failed) print_failures(database);
  if (counts.pending)
    std::cerr << fmt::format("{} runs never finished: a shard task failed or was cancelled (its log is "
                             "{}/slurm-{}_<task>.out); resubmit with --slurm, or run them here with "
                             "`leptonsim sweep` and the same spec and output\n",
                             counts.pending, work_dir, job_id);
  if (counts.pending == 0) print_sweep_table(output, database.points().size());
  return counts.failed || counts.pending ? kExitRunsFailed : 0;
}

// The arguments that make a Slurm array task rebuild the same sweep.
std::vector<std::string> shard_command_arguments(const SweepCommandOptions& options) {
  std::vector<std::string> args = {"sweep", fs::absolute(options.spec_path).string()};
  for (const std::string& axis : options.axis_args) args.insert(args.end(), {"--axis", axis});
  if (options.seeds) args.insert(args.end(), {"--seeds", std::to_string(*options.seeds)});
  for (const std::string& o : options.set_overrides) args.insert(args.end(), {"--set", o});
  if (options.summary_only) args.push_back("--summary-only");
  return args;
}

int submit_slurm(const SweepSpec& spec, const std::vector<SweepTask>& tasks, const SweepCommandOptions& options,
                 const std::string& output) {
  SlurmArrayJob job;
  job.job_name = "leptonsim-" + spec.name;
  job.work_dir = fs::absolute(slurm_dir_for(output)).string();
  job.leptonsim_binary = current_executable_path();
  job.sweep_arguments = shard_command_arguments(options);
  job.shards = std::min<std::size_t>(options.shards.value_or(std::min<std::size_t>(tasks.size(), 100)),
                                     std::max<std::size_t>(tasks.size(), 1));
  job.array_max = options.array_max;
  job.partition = options.partition;
  job.time_limit = options.time_limit;
  const std::string job_id = submit_slurm_array(job);
  std::cout << fmt::format("submitted Slurm array job {}: {} shards for {} runs; script {}/job.sh\n"
                           "collect the results with:\n  leptonsim sweep {} -o {} --collect\n",
                           job_id, job.shards, tasks.size(), job.work_dir, options.spec_path, output);
  return 0;
}

}  // namespace

std::string current_executable_path() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error) throw std::runtime_error("cannot find the leptonsim executable: " + error.message());
  return self.string();
}

int run_sweep_command(const SweepCommandOptions& options) {
  SweepSpec spec;
  std::vector<SweepPointSpec> points;
  try {
    spec = load_spec(options);
    points = expand_points(spec);
    validate_points(spec, points);
  } catch (const ScenarioError& error) {
    return print_issues(error, "sweep");
  } catch (const UsageError& error) {
    std::cerr << "leptonsim sweep: " << error.what() << '\n';
    return kExitBadInput;
  }
  std::optional<std::pair<std::size_t, std::size_t>> shard;
  try {
    if (!options.shard.empty()) shard = parse_shard(options.shard);
    if (options.slurm && options.collect) throw UsageError("--slurm submits and --collect gathers: give one of them");
    if (shard && (options.slurm || options.collect)) throw UsageError("--shard runs one part of a sweep; it does not go with --slurm or --collect");
    if (options.jobs < 1) throw UsageError("-j must be at least 1");
  } catch (const UsageError& error) {
    std::cerr << "leptonsim sweep: " << error.what() << '\n';
    return kExitBadInput;
  }

  const std::string output = options.output.empty() ? default_output(spec, "sweep") : options.output;
  SweepIdentity identity;
  identity.name = spec.name;
  identity.spec_hash = sweep_identity_hash(spec, points);
  identity.spec_text = spec.spec_text;
  identity.seed_slots = spec.seeds.size();
  identity.kind = "sweep";
  const std::vector<SweepPointRow> rows = point_rows(spec, points);
  std::vector<SweepTask> tasks = all_tasks(rows, spec.seeds, identity.seed_slots);
  if (shard) {
    std::vector<SweepTask> mine;
    for (std::size_t i = 0; i < tasks.size(); ++i)
      if (i % shard->second == shard->first) mine.push_back(tasks[i]);
    tasks = std::move(mine);
  }

  SweepDatabase database = SweepDatabase::open_or_create(output, identity, rows);
  database.add_pending_tasks(rows_of(tasks));
  if (options.collect) return collect_slurm(database, options, output);
  if (options.slurm) return submit_slurm(spec, tasks, options, output);

  std::set<std::int64_t> done;
  for (const SweepTaskRow& row : database.tasks())
    if (row.status == "ok") done.insert(row.run_id);
  std::vector<SweepTask> todo;
  for (const SweepTask& task : tasks)
    if (!done.count(task.row.run_id)) todo.push_back(task);

  const bool quiet = options.progress == "none";
  if (!quiet)
    std::cerr << fmt::format("sweep '{}': {} points x {} seeds = {} runs{}; {} to run, -j {}\n", spec.name,
                             points.size(), spec.seeds.size(), tasks.size(),
                             shard ? fmt::format(" in shard {}/{}", shard->first, shard->second) : "",
                             todo.size(), options.jobs);
  SweepRunOptions run_options;
  run_options.leptonsim_binary = current_executable_path();
  run_options.base_scenario = spec.base_scenario;
  run_options.jobs = options.jobs;
  run_options.summary_only = options.summary_only;
  run_options.work_dir = work_dir_for(output);
  run_options.progress = progress_style(options.progress);
  run_options.total_tasks = tasks.size();
  run_options.done_before = tasks.size() - todo.size();
  const SweepRunOutcome outcome = run_sweep_tasks(database, todo, run_options);
  database.refresh_point_summary();

  const TaskCounts counts = count_tasks(database);
  if (outcome.interrupted) {
    std::cerr << fmt::format("interrupted: {} of {} runs done; run the same command again to resume\n", counts.ok,
                             tasks.size());
    return exit_code_for(outcome);
  }
  if (!quiet) {
    std::cout << fmt::format("sweep '{}': {} runs ok, {} failed in {}; report: {}\n", spec.name, counts.ok,
                             counts.failed, format_duration(outcome.wall_seconds), output);
    if (counts.failed) print_failures(database);
    if (!shard) print_sweep_table(output, points.size());
  }
  return counts.failed ? kExitRunsFailed : 0;
}

int run_merge_command(const std::string& target, const std::vector<std::string>& shards) {
  if (shards.empty()) {
    std::cerr << "leptonsim merge: give the shard databases to merge into " << target << '\n';
    return kExitBadInput;
  }
  for (const std::string& shard : shards)
    if (!fs::is_regular_file(shard)) {
      std::cerr << fmt::format("leptonsim merge: {}: no such file\n", shard);
      return kExitBadInput;
    }
  std::optional<SweepDatabase> database;
  if (fs::exists(target)) {
    database.emplace(SweepDatabase::open_existing(target));
  } else {
    // A new target takes the identity and points of the first shard.
    const SweepDatabase first = SweepDatabase::open_existing(shards.front());
    database.emplace(SweepDatabase::open_or_create(target, first.identity(), first.points()));
  }
  std::size_t added = 0, present = 0, failures = 0;
  for (const std::string& shard : shards) {
    const MergeOutcome outcome = database->merge_from(shard);
    std::cout << fmt::format("{}: {} runs added, {} already there, {} failures added\n", shard, outcome.runs_added,
                             outcome.already_present, outcome.failures_added);
    added += outcome.runs_added;
    present += outcome.already_present;
    failures += outcome.failures_added;
  }
  database->refresh_point_summary();
  const TaskCounts counts = count_tasks(*database);
  std::cout << fmt::format("{}: {} ok, {} failed, {} pending ({} added now)\n", target, counts.ok, counts.failed,
                           counts.pending, added);
  return 0;
}

int run_plan_command(const PlanCommandOptions& options) {
  SweepSpec spec;
  std::vector<SweepPointSpec> points;
  PlanOptions plan_options;
  std::vector<PlanAxis> axes;
  try {
    if (!is_sweep_spec_file(options.spec_path))
      throw UsageError(fmt::format("{} is not a sweep spec (a YAML file with `base:` and `axes:`)", options.spec_path));
    spec = load_sweep_spec(options.spec_path);
    if (spec.sampling != SweepSampling::grid)
      throw UsageError("plan searches a grid: remove `sampling` (random and latin_hypercube are for sweeps)");
    points = expand_points(spec);
    validate_points(spec, points);
    plan_options.minimize = options.minimize;
    for (const std::string& text : options.requirements) {
      try {
        plan_options.requirements.push_back(PlanRequirement::parse(text));
      } catch (const std::invalid_argument& error) {
        throw UsageError(error.what());
      }
    }
    if (plan_options.requirements.empty())
      throw UsageError("give at least one --require 'metric<=value' (or >=, <, >)");
    plan_options.initial_seeds = spec.seeds.size();
    plan_options.max_seeds = std::max(spec.max_seeds, spec.seeds.size());
    plan_options.runners_up = options.runners_up;
    for (const SweepAxis& axis : spec.axes) {
      PlanAxis plan_axis{axis.key, axis.values, axis.monotone != AxisMonotone::none};
      // The planner wants capacity to grow along a monotone axis.
      if (axis.monotone == AxisMonotone::decreasing)
        std::reverse(plan_axis.values.begin(), plan_axis.values.end());
      axes.push_back(std::move(plan_axis));
    }
  } catch (const ScenarioError& error) {
    return print_issues(error, "plan");
  } catch (const UsageError& error) {
    std::cerr << "leptonsim plan: " << error.what() << '\n';
    return kExitBadInput;
  }
  if (options.jobs < 1) {
    std::cerr << "leptonsim plan: -j must be at least 1\n";
    return kExitBadInput;
  }
  CapacityPlanner planner(axes, plan_options);

  // A planner index (per axis, reversed for decreasing axes) -> point_id of the
  // grid, whose first axis varies slowest.
  const auto point_id_of = [&](const std::vector<std::size_t>& value_index) {
    std::size_t id = 0;
    for (std::size_t a = 0; a < spec.axes.size(); ++a) {
      const std::size_t n = spec.axes[a].values.size();
      const std::size_t original =
          spec.axes[a].monotone == AxisMonotone::decreasing ? n - 1 - value_index[a] : value_index[a];
      id = id * n + original;
    }
    return static_cast<std::int64_t>(id);
  };

  const std::string output = options.output.empty() ? default_output(spec, "plan") : options.output;
  const std::vector<std::uint64_t> seeds = sweep_seeds(spec, plan_options.max_seeds);
  SweepIdentity identity;
  identity.name = spec.name;
  identity.spec_hash = sweep_identity_hash(spec, points) + fmt::format("-s{}", plan_options.max_seeds);
  identity.spec_text = spec.spec_text;
  identity.seed_slots = plan_options.max_seeds;
  identity.kind = "plan";
  const std::vector<SweepPointRow> rows = point_rows(spec, points);
  SweepDatabase database = SweepDatabase::open_or_create(output, identity, rows);

  SweepRunOptions run_options;
  run_options.leptonsim_binary = current_executable_path();
  run_options.base_scenario = spec.base_scenario;
  run_options.jobs = options.jobs;
  run_options.summary_only = true;  // the planner needs summaries; `sweep` keeps the details
  run_options.work_dir = work_dir_for(output);
  run_options.progress = options.progress == "text" ? SweepProgressStyle::none : progress_style(options.progress);

  const bool quiet = options.progress == "none";
  std::size_t round = 0;
  while (true) {
    const std::vector<PlanRequest> requests = planner.next_requests();
    if (requests.empty()) break;
    ++round;
    std::set<std::int64_t> done;
    for (const SweepTaskRow& row : database.tasks())
      if (row.status == "ok") done.insert(row.run_id);
    std::vector<SweepTask> todo;
    for (const PlanRequest& request : requests) {
      const std::int64_t point_id = point_id_of(request.value_index);
      const SweepPointRow& row = rows.at(static_cast<std::size_t>(point_id));
      for (std::size_t k = 0; k < request.seeds && k < seeds.size(); ++k) {
        SweepTask task;
        task.row.run_id = sweep_run_id(point_id, k, identity.seed_slots);
        task.row.point_id = point_id;
        task.row.seed = seeds[k];
        task.overrides = row.overrides;
        task.label = row.label;
        if (!done.count(task.row.run_id)) todo.push_back(std::move(task));
      }
    }
    database.add_pending_tasks(rows_of(todo));
    if (!quiet)
      std::cerr << fmt::format("plan round {}: {} point(s), {} new run(s)\n", round, requests.size(), todo.size());
    run_options.total_tasks = todo.size();
    const SweepRunOutcome outcome = run_sweep_tasks(database, todo, run_options);
    if (outcome.interrupted) {
      std::cerr << "interrupted; run the same command again to resume (finished runs are kept)\n";
      return exit_code_for(outcome);
    }
    if (outcome.failed) {
      std::cerr << "leptonsim plan: some runs failed, so the search cannot go on:\n";
      print_failures(database);
      return kExitRunsFailed;
    }
    for (const PlanRequest& request : requests) {
      const std::int64_t point_id = point_id_of(request.value_index);
      const auto statistics = database.point_statistics(0.95, request.seeds);
      const auto found = statistics.find(point_id);
      if (found == statistics.end()) throw std::runtime_error(fmt::format("point {} has no results", point_id));
      try {
        planner.record(request.value_index, request.seeds, found->second);
      } catch (const std::invalid_argument& error) {
        std::cerr << "leptonsim plan: " << error.what() << '\n';
        return kExitBadInput;
      }
    }
  }
  database.refresh_point_summary();
  const PlanResult result = planner.result();
  const std::string report = format_plan_report(result, axes, plan_options);
  nlohmann::json requirements = nlohmann::json::array();
  for (const PlanRequirement& r : plan_options.requirements) requirements.push_back(r.to_string());
  database.set_meta({{"plan.minimize", plan_options.minimize},
                     {"plan.requirements", requirements.dump()},
                     {"plan.runs_spent", std::to_string(result.runs_spent)},
                     {"plan.grid_runs", std::to_string(result.grid_runs)},
                     {"plan.chosen_point_id",
                      result.chosen ? std::to_string(point_id_of(result.chosen->value_index)) : std::string()},
                     {"plan.report", report}});
  std::cout << report << fmt::format("report: {}\n", output);
  return result.chosen ? 0 : kExitNothingFeasible;
}

}  // namespace leptonsim
