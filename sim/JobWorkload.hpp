// The jobs of a scenario, from its `jobs.list`, `jobs.trace` and
// `jobs.synthetic` sections, in one form and in submission order.
#pragma once

#include "ScenarioSpec.hpp"
#include "scheduling/JobDag.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace leptonsim {

struct JobSubmission {
  std::string name;
  double submit = 0.0;                // seconds
  int gpus = 1;
  int gpu_milli = 1000;
  std::string gpu_type;               // "" = any GPU of the site
  std::optional<double> duration;     // seconds alone on its GPUs, or
  std::optional<JobWorkSpec> work;    // iterations of compute and all-reduce, or
  std::vector<JobStageSpec> stages;   // a DAG of stages of tasks
  std::optional<double> estimate;     // given runtime estimate
  JobPropertiesSpec properties;
  std::string source;                 // "list", "synthetic" or "trace file:line"
};

struct JobWorkload {
  std::vector<JobSubmission> jobs;                       // ordered by submit time (stable)
  std::map<std::string, std::size_t> skipped_by_reason;  // trace rows not turned into jobs
  std::size_t skipped_count() const;
};

// The DAG stages of a job's `stages` (names, task counts, dependencies, output).
std::vector<DagStage> dag_stages(const std::vector<JobStageSpec>& stages);

// Throws TraceError (file:line of a bad trace row) for a malformed trace.
JobWorkload build_job_workload(const JobsSpec& jobs, const std::string& scenario_path, std::uint64_t root_seed);

}  // namespace leptonsim
