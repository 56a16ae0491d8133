// SweepRunner: runs sweep tasks, each as its own `leptonsim run` process (one
// simulation per process, see DESIGN.md), at most `jobs` at a time, and hands
// every finished run to the SweepDatabase at once (one transaction each).
//
// A task whose process fails or crashes is recorded with its exit status and
// the end of its stderr; the others go on. SIGINT / SIGTERM stop the launching
// of new tasks, are passed on to the running ones, and leave those pending, so
// the database stays consistent and re-running the command resumes. Children
// get SIGKILL if the runner itself dies (prctl PDEATHSIG), so a kill -9 of the
// sweep leaves no orphan simulations behind.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "SweepDatabase.hpp"

namespace leptonsim {

struct SweepTask {
  SweepTaskRow row;                    // run_id, point_id, seed
  std::vector<std::string> overrides;  // "key=value" for `--set`, fixed ones first
  std::string label;                   // the point's label, for messages
};

enum class SweepProgressStyle { text, json, none };

struct SweepRunOptions {
  std::string leptonsim_binary;  // path of the leptonsim executable
  std::string base_scenario;     // scenario file each task runs
  std::size_t jobs = 1;          // parallel processes
  bool summary_only = false;     // keep only runs, parameters and summary rows
  std::string work_dir;          // where task reports are written (created)
  SweepProgressStyle progress = SweepProgressStyle::text;
  std::size_t total_tasks = 0;   // tasks of the whole sweep (for the progress line)
  std::size_t done_before = 0;   // of those, ok before this call
};

struct SweepRunOutcome {
  std::size_t succeeded = 0;
  std::size_t failed = 0;
  bool interrupted = false;  // SIGINT or SIGTERM arrived
  int interrupt_signal = 0;
  double wall_seconds = 0.0;
};

/// Runs `tasks` in order and records each in `database`. Returns when all ran
/// or after an interrupt (then the unfinished tasks stay pending).
SweepRunOutcome run_sweep_tasks(SweepDatabase& database, const std::vector<SweepTask>& tasks,
                                const SweepRunOptions& options);

/// "1h 02m", "3m 05s", "12s": a duration for progress lines.
std::string format_duration(double seconds);

}  // namespace leptonsim
