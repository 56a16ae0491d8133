#include "JobWorkload.hpp"

#include "DistributionFromSpec.hpp"
#include "common/RandomStreams.hpp"
#include "workload/AlibabaOpenbReader.hpp"
#include "workload/HeliosJobTraceReader.hpp"
#include "workload/PhillyJobTraceReader.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>

namespace leptonsim {

namespace {

}  // namespace

std::vector<DagStage> dag_stages(const std::vector<JobStageSpec>& stages) {
  std::vector<DagStage> out;
  for (const JobStageSpec& stage : stages) out.push_back(DagStage{stage.name, stage.tasks, stage.after, stage.output_bytes});
  return out;
}

namespace {

void add_list(const JobsSpec& spec, JobWorkload& workload) {
  for (const JobSpec& job : spec.list)
    for (int copy = 0; copy < job.count; ++copy) {
      JobSubmission submission;
      submission.name = job.count == 1 ? job.name : fmt::format("{}-{}", job.name, copy);
      submission.submit = job.submit;
      submission.gpus = job.gpus;
      submission.gpu_milli = job.gpu_milli;
      submission.gpu_type = job.gpu_type;
      submission.duration = job.duration;
      submission.work = job.work;
      submission.stages = job.stages;
      submission.estimate = job.estimate;
      submission.properties = job.properties;
      submission.source = "list";
      workload.jobs.push_back(std::move(submission));
    }
}

void add_trace(const JobsSpec& spec, const std::string& scenario_path, JobWorkload& workload) {
  const JobTraceSpec& trace = *spec.trace;
  std::filesystem::path path(trace.path);
  if (!path.is_absolute() && !scenario_path.empty()) path = std::filesystem::path(scenario_path).parent_path() / path;
  JobTraceImport imported;
  if (trace.format == "philly_csv") {
    imported = read_philly_job_trace(path);
  } else if (trace.format == "alibaba_openb") {
    imported = read_alibaba_openb_pods(path);
  } else if (trace.format == "helios_csv") {
    imported = read_helios_job_trace(path);
  } else {
    throw std::invalid_argument(fmt::format("unknown job trace format `{}`", trace.format));
  }
  for (const auto& [reason, count] : imported.skipped_by_reason) workload.skipped_by_reason[reason] += count;
  std::size_t taken = 0;
  for (const JobRecord& record : imported.jobs) {
    if (trace.max_jobs > 0 && taken >= static_cast<std::size_t>(trace.max_jobs)) {
      ++workload.skipped_by_reason["beyond jobs.trace.max_jobs"];
      continue;
    }
    if (record.gpus == 0) {
      ++workload.skipped_by_reason["cpu-only job (0 GPUs)"];
      continue;
    }
    if (!record.duration_seconds) {
      ++workload.skipped_by_reason["no duration (still running when the trace ended)"];
      continue;
    }
    if (*record.duration_seconds <= 0) {
      ++workload.skipped_by_reason["zero duration"];
      continue;
    }
    JobSubmission submission;
    submission.name = record.id;
    submission.submit = record.submit_time * trace.time_scale;
    submission.gpus = static_cast<int>(std::min<std::int64_t>(record.gpus, 1 << 20));
    submission.gpu_milli = record.gpu_milli;
    submission.duration = *record.duration_seconds;
    submission.properties = spec.defaults;
    if (submission.gpu_milli < 1000) submission.properties.locality = JobPropertiesSpec::Locality::node;
    submission.source = fmt::format("{}:{}", path.filename().string(), record.source_line);
    workload.jobs.push_back(std::move(submission));
    ++taken;
  }
}

void add_synthetic(const JobsSpec& spec, std::uint64_t root_seed, JobWorkload& workload) {
  const SyntheticJobsSpec& synthetic = *spec.synthetic;
  RandomStream arrivals = make_stream(root_seed, "jobs/synthetic/arrivals");
  RandomStream sizes = make_stream(root_seed, "jobs/synthetic/gpus");
  RandomStream durations = make_stream(root_seed, "jobs/synthetic/duration");
  const Distribution duration = to_distribution(synthetic.duration);
  double total_weight = 0.0;
  for (const auto& [gpus, weight] : synthetic.gpu_mix) total_weight += weight;
  double t = 0.0;
  for (std::int64_t i = 0; i < synthetic.count; ++i) {
    t += arrivals.exponential(1.0 / synthetic.rate);
    double pick = sizes.uniform() * total_weight;
    int gpus = synthetic.gpu_mix.back().first;
    for (const auto& [g, weight] : synthetic.gpu_mix) {
      if (pick < weight) {
        gpus = g;
        break;
      }
      pick -= weight;
    }
    JobSubmission submission;
    submission.name = fmt::format("synthetic-{}", i);
    submission.submit = t;
    submission.gpus = gpus;
    submission.duration = duration.sample(durations);
    submission.properties = spec.defaults;
    submission.source = "synthetic";
    workload.jobs.push_back(std::move(submission));
  }
}

}  // namespace

std::size_t JobWorkload::skipped_count() const {
  std::size_t total = 0;
  for (const auto& [reason, count] : skipped_by_reason) total += count;
  return total;
}

JobWorkload build_job_workload(const JobsSpec& jobs, const std::string& scenario_path, std::uint64_t root_seed) {
  JobWorkload workload;
  if (!jobs.is_enabled) return workload;
  add_list(jobs, workload);
  if (jobs.trace) add_trace(jobs, scenario_path, workload);
  if (jobs.synthetic) add_synthetic(jobs, root_seed, workload);
  std::stable_sort(workload.jobs.begin(), workload.jobs.end(),
                   [](const JobSubmission& a, const JobSubmission& b) { return a.submit < b.submit; });
  return workload;
}

}  // namespace leptonsim
