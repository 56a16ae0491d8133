// SweepCommands: the `sweep`, `merge` and `plan` subcommands of the leptonsim
// command line. They never simulate in this process: every run is a child
// `leptonsim run` (SweepRunner), and results meet in a SweepDatabase.
//
// Exit codes: 0 success, 1 some runs failed or a runtime error, 2 bad input
// (spec, scenario or options; nothing is written), 3 no configuration meets
// every requirement (plan), 128 + signal when
// interrupted (the database stays consistent; the same command resumes).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace leptonsim {

struct SweepCommandOptions {
  std::string spec_path;                 // sweep spec, or a scenario with --axis
  std::string output;                    // sweep database (default out/<name>-sweep.db)
  std::vector<std::string> axis_args;    // --axis key=values (scenario mode)
  std::optional<std::size_t> seeds;      // --seeds N (scenario mode)
  std::vector<std::string> set_overrides;  // --set (scenario mode)
  std::size_t jobs = 1;
  std::string shard;                     // "i/N": run only task indices with index % N == i
  bool summary_only = false;
  std::string progress = "text";
  // Slurm
  bool slurm = false;
  std::string partition;
  std::string time_limit;
  std::optional<std::size_t> array_max;
  std::optional<std::size_t> shards;
  bool collect = false;
  double poll_seconds = 10.0;
};

struct PlanCommandOptions {
  std::string spec_path;
  std::string output;                      // default out/<name>-plan.db
  std::string minimize = "cost.total";
  std::vector<std::string> requirements;  // "metric<=value"
  std::size_t jobs = 1;
  std::size_t runners_up = 3;
  std::string progress = "text";
};

/// `leptonsim sweep`.
int run_sweep_command(const SweepCommandOptions& options);
/// `leptonsim merge TARGET SHARD...`.
int run_merge_command(const std::string& target, const std::vector<std::string>& shards);
/// `leptonsim plan`.
int run_plan_command(const PlanCommandOptions& options);

/// Absolute path of the running executable (/proc/self/exe).
std::string current_executable_path();

}  // namespace leptonsim
