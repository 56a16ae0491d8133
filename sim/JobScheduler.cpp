#include "JobScheduler.hpp"

#include "ClusterSeries.hpp"
#include "CompletionDispatch.hpp"
#include "MetricName.hpp"
#include "RegisterAllPolicies.hpp"
#include "ServingCluster.hpp"
#include "scheduling/JobDag.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <limits>
#include <set>
#include <simgrid/Exception.hpp>

namespace sg4 = simgrid::s4u;

namespace leptonsim {

struct JobScheduler::Job {
  JobSubmission spec;
  int id = 0;
  JobDemand demand;
  double gpu_weight = 0.0;       // GPUs x share: GPU-seconds per second held
  bool uses_actor = false;       // work jobs and checkpoints with bytes run in an actor
  double total_work = 0.0;       // seconds (duration jobs) or iterations (work jobs)
  double ideal_seconds = 0.0;    // alone, packed, without checkpoints
  double seconds_per_work = 1.0; // ideal seconds per unit of work (estimates)

  enum class State { pending, waiting, running, completed, rejected, failed };
  State state = State::pending;
  Phase phase = Phase::idle;
  double progress = 0.0;          // work done, counted from the start of the job
  double checkpointed_work = 0.0; // work saved by the last checkpoint
  double last_safe_time = 0.0;    // when the current run last had no unsaved work
  double run_start = 0.0;
  bool has_run_before = false;
  Placement placement;
  std::vector<sg4::Host*> gpu_hosts;
  std::uint64_t generation = 0;   // bumps at every start and stop: stale timers and actors do nothing
  sg4::ActorPtr actor;
  std::vector<sg4::ActivityPtr> activities;  // in flight for the actor path (cancelled on preemption)

  // Outcome.
  double first_start = -1.0;
  double end_time = -1.0;
  int preemptions = 0;
  int failures = 0;                   // runs ended by a hardware failure
  bool is_hung = false;               // its hardware failed; it holds its GPUs until the failure is detected
  double hung_since = 0.0;
  double lost_gpu_seconds = 0.0;      // GPU time whose work a preemption or failure threw away
  double overhead_gpu_seconds = 0.0;  // GPU time in restarts, restores and checkpoint writes
  double held_gpu_seconds = 0.0;      // GPU time held in finished runs
  double attained_gpu_seconds = 0.0;  // same, for LAS (held includes the current run only when it ends)
  double waited_seconds = 0.0;        // total time in the queue
  double queued_since = 0.0;
  std::string rejection;

  // DAG jobs: the parent holds the stages and is never queued itself; each
  // task is a job of its own that is queued when its stage becomes ready.
  std::unique_ptr<JobDag> dag;                 // parent only
  std::unique_ptr<DagProgress> dag_progress;   // parent only
  std::vector<std::vector<int>> stage_tasks;   // parent only: task ids per stage
  std::vector<double> stage_started;           // parent only: first task start per stage (-1 = none)
  int waiting_tasks = 0;                       // parent only: tasks in the queue now
  double tasks_waiting_since = 0.0;            // parent only: since when some task waits
  int dag_parent = -1;                         // task only: the parent's id
  std::size_t dag_stage = 0;                   // task only
  bool fetches_input = false;                  // task only: reads partitions from upstream tasks
  int output_node = -1;                        // task only: where its output stays once done
  sg4::Host* output_host = nullptr;

  bool is_dag() const { return dag != nullptr; }
  bool is_dag_task() const { return dag_parent >= 0; }
};

namespace {

constexpr double kBoundedSlowdownFloor = 10.0;  // seconds: the usual bound for short jobs

Locality to_locality(JobPropertiesSpec::Locality locality) {
  switch (locality) {
    case JobPropertiesSpec::Locality::node: return Locality::node;
    case JobPropertiesSpec::Locality::rack: return Locality::rack;
    case JobPropertiesSpec::Locality::any: break;
  }
  return Locality::any;
}

const char* state_name(int state) {
  static const char* names[] = {"pending", "waiting", "running", "completed", "rejected", "failed"};
  return names[state];
}

// Statistics of an empty set are undefined (NaN, NULL in the report), as for services.
double quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, values.size() - 1);
  return values[lower] + (position - static_cast<double>(lower)) * (values[upper] - values[lower]);
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0.0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

}  // namespace

JobScheduler::~JobScheduler() = default;

JobScheduler::JobScheduler(const ScenarioSpec& spec, JobWorkload workload, ServingCluster& cluster,
                           std::vector<Event>& events)
    : spec_(spec), cluster_(cluster), events_(events), skipped_by_reason_(std::move(workload.skipped_by_reason)) {
  const JobsSpec& jobs = spec.jobs;
  queue_ = policy_registries().job_queues.make(jobs.queue_policy, jobs.queue_params);
  placement_ = policy_registries().job_placements.make(jobs.placement_policy, jobs.placement_params);
  const ClusterLayout& layout = cluster_.state().layout();
  node_busy_.resize(static_cast<std::size_t>(layout.node_count()));
  node_busy_collected_.assign(static_cast<std::size_t>(layout.node_count()), 0.0);
  site_index_ = layout.site_index(jobs.site);
  storage_ = cluster_.storage_host(jobs.site);
  actor_host_ = storage_;
  const GpuType& gpu = cluster_.gpu_of(jobs.site);
  const NodeShape* shape = nullptr;
  for (int n = 0; n < layout.node_count(); ++n)
    if (layout.node(n).site == site_index_) {
      shape = cluster_.node(n).shape;
      break;
    }
  auto set_demand = [&](Job& job) {
    const JobSubmission& s = job.spec;
    job.demand.gpus = s.gpus;
    job.demand.gpu_milli = s.gpu_milli;
    job.demand.site = site_index_;
    job.demand.gpu_type = s.gpu_type.empty() ? -1 : layout.gpu_type_index(s.gpu_type);
    job.demand.locality = s.gpu_milli < kWholeGpuMilli ? Locality::node : to_locality(s.properties.locality);
    job.gpu_weight = s.gpus * (s.gpu_milli / 1000.0);
    if (!s.gpu_type.empty() && job.demand.gpu_type < 0)
      job.rejection = fmt::format("GPU type {} is not in site {}", s.gpu_type, jobs.site);
  };
  submission_count_ = workload.jobs.size();
  jobs_.resize(workload.jobs.size());
  for (std::size_t i = 0; i < workload.jobs.size(); ++i) {
    Job& job = jobs_[i];
    job.spec = std::move(workload.jobs[i]);
    job.id = static_cast<int>(i);
    const JobSubmission& s = job.spec;
    set_demand(job);
    if (!s.stages.empty()) {
      job.dag = std::make_unique<JobDag>(dag_stages(s.stages));
      job.dag_progress = std::make_unique<DagProgress>(*job.dag);
      std::vector<double> stage_seconds;
      int widest = 0;
      for (const JobStageSpec& stage : s.stages) {
        stage_seconds.push_back(stage.duration);
        widest = std::max(widest, stage.tasks * stage.gpus);
      }
      job.ideal_seconds = job.dag->critical_path(stage_seconds);
      job.demand.gpus = widest;
      job.gpu_weight = 0.0;  // the tasks hold the GPUs
      job.stage_tasks.resize(s.stages.size());
      job.stage_started.assign(s.stages.size(), -1.0);
      continue;
    }
    if (s.work) {
      const JobWorkSpec& work = *s.work;
      const int n = s.gpus;
      const double compute = work.flops_per_iteration / (n * gpu.dense_bf16_flops * s.properties.compute_efficiency);
      const bool one_node = shape != nullptr && n <= shape->gpus;
      const double ring_bandwidth = one_node ? (gpu.nvlink_bandwidth > 0 ? gpu.nvlink_bandwidth : shape->pcie_bandwidth)
                                             : (shape != nullptr ? std::min(shape->pcie_bandwidth, shape->nic_bandwidth)
                                                                 : gpu.nvlink_bandwidth);
      const double ring = n > 1 ? 2.0 * (n - 1) / n * work.allreduce_bytes / ring_bandwidth : 0.0;
      job.total_work = work.iterations;
      job.seconds_per_work = compute + ring;
      job.uses_actor = true;
    } else {
      job.total_work = s.duration.value_or(0.0);
      job.seconds_per_work = 1.0;
      job.uses_actor = s.properties.checkpoint_interval > 0 && s.properties.checkpoint_bytes > 0;
    }
    job.ideal_seconds = job.total_work * job.seconds_per_work;
  }
  // The tasks of DAG jobs, after every submission (jobs_ may grow here, so by index).
  for (std::size_t p = 0; p < submission_count_; ++p) {
    if (!jobs_[p].is_dag()) continue;
    const std::vector<JobStageSpec> stages = jobs_[p].spec.stages;
    for (std::size_t stage = 0; stage < stages.size(); ++stage)
      for (int t = 0; t < stages[stage].tasks; ++t) {
        Job task;
        task.id = static_cast<int>(jobs_.size());
        task.spec.name = fmt::format("{}/{}/{}", jobs_[p].spec.name, stages[stage].name, t);
        task.spec.gpus = stages[stage].gpus;
        task.spec.gpu_type = jobs_[p].spec.gpu_type;
        task.spec.duration = stages[stage].duration;
        task.spec.properties = jobs_[p].spec.properties;
        task.spec.source = "dag_task";
        set_demand(task);
        task.dag_parent = static_cast<int>(p);
        task.dag_stage = stage;
        task.total_work = stages[stage].duration;
        task.ideal_seconds = task.total_work;
        task.fetches_input = jobs_[p].dag->input_bytes_per_task(stage) > 0;
        const JobPropertiesSpec& properties = task.spec.properties;
        task.uses_actor = task.fetches_input || (properties.checkpoint_interval > 0 && properties.checkpoint_bytes > 0);
        jobs_[p].stage_tasks[stage].push_back(task.id);
        jobs_.push_back(std::move(task));
      }
  }
}

// ----- submission

void JobScheduler::start() {
  if (submission_count_ > 0) schedule_at(jobs_.front().spec.submit, [this] { submit_next(); });
}

void JobScheduler::submit_next() {
  if (is_stopped_) return;
  const double now = sg4::Engine::get_clock();
  while (next_submission_ < submission_count_ && jobs_[next_submission_].spec.submit <= now)
    submit(jobs_[next_submission_++], now);
  if (next_submission_ < submission_count_ && jobs_[next_submission_].spec.submit < spec_.duration)
    schedule_at(jobs_[next_submission_].spec.submit, [this] { submit_next(); });
}

bool JobScheduler::can_ever_fit(const JobDemand& demand) {
  const auto key = std::make_tuple(demand.gpus, demand.gpu_milli, demand.gpu_type, static_cast<int>(demand.locality));
  auto it = fits_empty_cluster_.find(key);
  if (it != fits_empty_cluster_.end()) return it->second;
  const ClusterState empty(std::shared_ptr<const ClusterLayout>(&cluster_.state().layout(), [](const ClusterLayout*) {}));
  const bool fits = placement_->place(demand, empty).has_value();
  fits_empty_cluster_.emplace(key, fits);
  return fits;
}

std::string JobScheduler::why_never_fits(Job& job) {
  if (!job.rejection.empty() || can_ever_fit(job.demand)) return job.rejection;
  return fmt::format("needs {} GPUs{} ({} locality), more than site {} can give", job.demand.gpus,
                     job.demand.gpu_milli < kWholeGpuMilli ? fmt::format(" x {} milli", job.demand.gpu_milli) : "",
                     job.demand.locality == Locality::node   ? "node"
                     : job.demand.locality == Locality::rack ? "rack"
                                                             : "any",
                     spec_.jobs.site);
}

void JobScheduler::submit(Job& job, double now) {
  ++submitted_;
  if (first_submit_ < 0) first_submit_ = now;
  if (job.is_dag()) {
    for (std::size_t stage = 0; stage < job.stage_tasks.size() && job.rejection.empty(); ++stage) {
      const std::string why = why_never_fits(jobs_[static_cast<std::size_t>(job.stage_tasks[stage].front())]);
      if (!why.empty()) job.rejection = fmt::format("stage {}: each task {}", job.dag->stage(stage).name, why);
    }
  } else {
    job.rejection = why_never_fits(job);
  }
  if (!job.rejection.empty()) {
    job.state = Job::State::rejected;
    ++rejected_;
    events_.push_back(Event{now, "job_rejected", job.spec.name, nlohmann::json{{"reason", job.rejection}}.dump()});
    return;
  }
  if (job.is_dag()) {
    job.state = Job::State::waiting;
    for (std::size_t stage : job.dag->sources()) submit_stage(job, stage, now);
    return;
  }
  enqueue(job, now);
}

void JobScheduler::enqueue(Job& job, double now) {
  job.state = Job::State::waiting;
  job.queued_since = now;
  book_.add_waiting(waiting_view(job));
  waiting_jobs_.add(now, 1);
  if (job.is_dag_task()) count_waiting_task(job, +1, now);
  request_pass();
}

// A DAG job waits while any of its ready tasks is in the queue (wall time, not task-seconds).
void JobScheduler::count_waiting_task(const Job& task, int delta, double now) {
  Job& dag_job = jobs_[static_cast<std::size_t>(task.dag_parent)];
  if (dag_job.waiting_tasks == 0 && delta > 0) dag_job.tasks_waiting_since = now;
  dag_job.waiting_tasks += delta;
  if (dag_job.waiting_tasks == 0) dag_job.waited_seconds += now - dag_job.tasks_waiting_since;
}

// A stage became ready: its tasks join the queue as jobs submitted now.
void JobScheduler::submit_stage(Job& dag_job, std::size_t stage, double now) {
  for (int id : dag_job.stage_tasks[stage]) {
    Job& task = jobs_[static_cast<std::size_t>(id)];
    task.spec.submit = now;
    enqueue(task, now);
  }
}

// One task of a DAG job finished: the stages it completes release the ones after them.
void JobScheduler::on_dag_task_done(Job& task, double now) {
  Job& dag_job = jobs_[static_cast<std::size_t>(task.dag_parent)];
  task.output_node = task.placement.shares.front().node;
  task.output_host = task.gpu_hosts.front();
  ++dag_tasks_completed_;
  const std::vector<std::size_t> ready = dag_job.dag_progress->finish_task(task.dag_stage);
  if (dag_job.dag_progress->is_stage_done(task.dag_stage)) {
    const DagStage& stage = dag_job.dag->stage(task.dag_stage);
    events_.push_back(Event{now, "dag_stage_done", dag_job.spec.name,
                            nlohmann::json{{"stage", stage.name},
                                           {"tasks", stage.tasks},
                                           {"started", dag_job.stage_started[task.dag_stage]},
                                           {"stages_done", dag_job.dag_progress->stages_done()},
                                           {"stages", dag_job.dag->stage_count()}}
                                .dump()});
  }
  for (std::size_t stage : ready) submit_stage(dag_job, stage, now);
  if (dag_job.dag_progress->is_done()) {
    dag_job.state = Job::State::completed;
    dag_job.end_time = now;
    ++completed_;
    ++interval_completions_;
    last_completion_ = std::max(last_completion_, now);
  }
}

// ----- scheduling passes

void JobScheduler::request_pass() {
  if (is_pass_scheduled_ || is_stopped_) return;
  is_pass_scheduled_ = true;
  schedule_at(sg4::Engine::get_clock(), [this] {
    is_pass_scheduled_ = false;
    run_pass();
  });
}

double JobScheduler::remaining_estimate(const Job& job) const {
  const double remaining_work = std::max(0.0, job.total_work - job.checkpointed_work);
  if (job.spec.estimate) return *job.spec.estimate * remaining_work / std::max(job.total_work, 1e-300);
  return remaining_work * job.seconds_per_work * spec_.jobs.estimate_factor;
}

WaitingJob JobScheduler::waiting_view(const Job& job) const {
  WaitingJob view;
  view.id = job.id;
  view.demand = job.demand;
  view.submit_time = job.spec.submit;
  view.estimated_runtime = remaining_estimate(job);
  view.priority = job.spec.properties.priority;
  view.is_preemptible = job.spec.properties.is_preemptible;
  view.attained_gpu_seconds = job.attained_gpu_seconds;
  return view;
}

void JobScheduler::run_pass() {
  if (is_stopped_) return;
  const double now = sg4::Engine::get_clock();
  const SchedulingDecision decision = queue_->decide(SchedulingView{now, cluster_.state(), *placement_, book_});
  apply(decision, now);
  if (decision.review_at && *decision.review_at > now && (review_at_ < now || *decision.review_at < review_at_)) {
    review_at_ = *decision.review_at;
    const double at = review_at_;
    schedule_at(at, [this, at] {
      if (review_at_ != at) return;  // superseded by an earlier review
      review_at_ = -1.0;
      request_pass();
    });
  }
}

void JobScheduler::apply(const SchedulingDecision& decision, double now) {
  for (int id : decision.preempt) {
    if (id < 0 || id >= static_cast<int>(jobs_.size()) || !book_.is_running(id))
      throw std::logic_error(fmt::format("queue policy {} preempts job {}, which is not running", spec_.jobs.queue_policy, id));
    Job& job = jobs_[static_cast<std::size_t>(id)];
    if (!job.spec.properties.is_preemptible)
      throw std::logic_error(fmt::format("queue policy {} preempts job {}, which is not preemptible",
                                         spec_.jobs.queue_policy, job.spec.name));
    preempt(job, now, "queue policy " + spec_.jobs.queue_policy);
  }
  for (const JobStart& start : decision.start) {
    if (start.job < 0 || start.job >= static_cast<int>(jobs_.size()) || !book_.is_waiting(start.job))
      throw std::logic_error(fmt::format("queue policy {} starts job {}, which is not waiting", spec_.jobs.queue_policy, start.job));
    Job& job = jobs_[static_cast<std::size_t>(start.job)];
    check_start(job, start.placement);
    start_run(job, start.placement, now);
  }
}

// A placement must give the job exactly what it asked for, on free GPUs.
void JobScheduler::check_start(const Job& job, const Placement& placement) const {
  const ClusterState& state = cluster_.state();
  auto fail = [&](const std::string& why) {
    throw std::logic_error(fmt::format("placement policy {} / queue policy {}: job {}: {}", spec_.jobs.placement_policy,
                                       spec_.jobs.queue_policy, job.spec.name, why));
  };
  if (static_cast<int>(placement.shares.size()) != job.demand.gpus) fail("wrong number of GPUs");
  std::set<int> racks, nodes;
  for (const GpuShare& share : placement.shares) {
    if (share.milli != job.demand.gpu_milli) fail("wrong GPU share");
    if (share.node < 0 || share.node >= state.layout().node_count() || !state.node_matches(share.node, job.demand))
      fail("a GPU outside the job's site or type");
    nodes.insert(share.node);
    racks.insert(state.layout().node(share.node).rack);
  }
  if (job.demand.locality == Locality::node && nodes.size() > 1) fail("spans nodes but must stay on one");
  if (job.demand.locality == Locality::rack && racks.size() > 1) fail("spans racks but must stay in one");
  if (!state.can_allocate(placement)) fail("GPUs are not free");
}

// ----- running

void JobScheduler::set_phase(Job& job, Phase phase, double now) {
  const bool was_busy = job.phase == Phase::computing, is_busy = phase == Phase::computing;
  if (was_busy != is_busy) {
    const double sign = is_busy ? 1.0 : -1.0;
    busy_gpus_.add(now, sign * job.gpu_weight);
    for (const GpuShare& share : job.placement.shares)
      node_busy_[static_cast<std::size_t>(share.node)].add(now, sign * share.milli / 1000.0);
  }
  job.phase = phase;
}

std::vector<PendingWork> JobScheduler::pending_work() const {
  std::map<std::pair<int, bool>, int> counts;  // (GPUs, one node) -> jobs
  for (const auto& [key, waiting] : book_.waiting()) {
    const JobDemand& demand = waiting.demand;
    const bool single = demand.is_fractional() || demand.locality == Locality::node;
    ++counts[{demand.is_fractional() ? 1 : demand.gpus, single}];
  }
  std::vector<PendingWork> work;
  for (const auto& [shape, count] : counts) work.push_back(PendingWork{site_index_, shape.first, count, shape.second});
  return work;
}

std::set<int> JobScheduler::nodes_with_jobs() const {
  std::set<int> nodes;
  for (const auto& [id, running] : book_.running())
    for (const GpuShare& share : running.placement.shares) nodes.insert(share.node);
  return nodes;
}

void JobScheduler::collect_node_busy_seconds(double now, std::vector<double>& busy_by_node) {
  for (std::size_t node = 0; node < node_busy_.size(); ++node) {
    node_busy_[node].advance(now);
    busy_by_node[node] += node_busy_[node].area() - node_busy_collected_[node];
    node_busy_collected_[node] = node_busy_[node].area();
  }
}

void JobScheduler::start_run(Job& job, Placement placement, double now) {
  book_.take_waiting(job.id);
  waiting_jobs_.add(now, -1);
  if (job.is_dag_task()) count_waiting_task(job, -1, now);
  job.waited_seconds += now - job.queued_since;
  cluster_.allocate(placement);
  job.placement = std::move(placement);
  job.gpu_hosts.clear();
  for (const GpuShare& share : job.placement.shares) job.gpu_hosts.push_back(cluster_.node(share.node).gpus[share.gpu]);
  job.state = Job::State::running;
  job.run_start = now;
  job.progress = job.checkpointed_work;
  ++job.generation;
  if (job.first_start < 0) job.first_start = now;
  if (job.is_dag_task()) {
    Job& dag_job = jobs_[static_cast<std::size_t>(job.dag_parent)];
    if (dag_job.first_start < 0) dag_job.first_start = now;
    dag_job.state = Job::State::running;
    if (dag_job.stage_started[job.dag_stage] < 0) dag_job.stage_started[job.dag_stage] = now;
  }
  allocated_gpus_.add(now, job.gpu_weight);
  running_jobs_.add(now, 1);

  RunningJob running;
  running.id = job.id;
  running.demand = job.demand;
  running.placement = job.placement;
  running.submit_time = job.spec.submit;
  running.start_time = now;
  running.expected_end = now + remaining_estimate(job);
  running.priority = job.spec.properties.priority;
  running.is_preemptible = job.spec.properties.is_preemptible;
  running.attained_at_start = job.attained_gpu_seconds;
  book_.add_running(std::move(running));

  const bool is_restart = job.has_run_before;
  job.has_run_before = true;
  if (health_ != nullptr)
    for (const GpuShare& share : job.placement.shares)
      if (!health_->is_usable(share.node, share.gpu)) {
        hang(job, now, "placed on failed hardware");
        return;
      }
  if (job.uses_actor) {
    const int id = job.id;
    const std::uint64_t generation = job.generation;
    job.actor = sg4::Actor::create(fmt::format("job/{}", job.spec.name), actor_host_,
                                   [this, id, generation] { run_with_actor(id, generation); });
    return;
  }
  const double overhead = is_restart ? job.spec.properties.restart_overhead : 0.0;
  if (overhead > 0) {
    set_phase(job, Phase::restarting, now);
    const int id = job.id;
    const std::uint64_t generation = job.generation;
    schedule_at(now + overhead, [this, id, generation, overhead] {
      Job& j = jobs_[static_cast<std::size_t>(id)];
      if (is_stopped_ || j.generation != generation) return;
      const double at = sg4::Engine::get_clock();
      j.overhead_gpu_seconds += overhead * j.gpu_weight;
      j.last_safe_time = at;
      run_timer_segment(j, at);
    });
    return;
  }
  job.last_safe_time = now;
  run_timer_segment(job, now);
}

// Timer path: the next stretch of computing, up to the end or the next (free) checkpoint.
void JobScheduler::run_timer_segment(Job& job, double now) {
  set_phase(job, Phase::computing, now);
  double segment = job.total_work - job.progress;
  const double interval = job.spec.properties.checkpoint_interval;
  if (interval > 0) segment = std::min(segment, interval - (now - job.last_safe_time));
  segment = std::max(segment, 0.0);
  const int id = job.id;
  const std::uint64_t generation = job.generation;
  schedule_at(now + segment, [this, id, generation, segment] { on_timer_segment_end(id, generation, segment); });
}

void JobScheduler::on_timer_segment_end(int id, std::uint64_t generation, double work) {
  Job& job = jobs_[static_cast<std::size_t>(id)];
  if (is_stopped_ || job.generation != generation || job.state != Job::State::running) return;
  const double now = sg4::Engine::get_clock();
  job.progress += work;
  if (job.progress >= job.total_work * (1 - 1e-12)) {
    job.progress = job.total_work;
    finish(job, now);
    return;
  }
  // A checkpoint without bytes (timer path) is instantaneous.
  job.checkpointed_work = job.progress;
  job.last_safe_time = now;
  run_timer_segment(job, now);
}

// Blocks the job's actor until every activity completes; they stay listed so a
// preemption can cancel them.
void JobScheduler::wait_for(Job& job, std::vector<sg4::ActivityPtr> activities) {
  job.activities = activities;
  for (auto& activity : activities) activity->wait();
  job.activities.clear();
}

// A preemption or the end of the run cancels the activities the actor waits
// on before killing it; the cancelled wait can surface first as a SimGrid
// exception, which only matters if this run of the job is still current.
void JobScheduler::run_with_actor(int id, std::uint64_t generation) {
  try {
    run_steps(id, generation);
  } catch (const simgrid::Exception&) {
    const Job& job = jobs_[static_cast<std::size_t>(id)];
    if (!is_stopped_ && job.generation == generation && job.state == Job::State::running) throw;
  }
}

// Actor path: restart overhead, checkpoint restore, then steps of compute and
// all-reduce with periodic checkpoints, all through SimGrid activities.
void JobScheduler::run_steps(int id, std::uint64_t generation) {
  Job& job = jobs_[static_cast<std::size_t>(id)];
  if (job.generation != generation) return;
  const JobPropertiesSpec& properties = job.spec.properties;
  const int n = static_cast<int>(job.gpu_hosts.size());
  auto now = [] { return sg4::Engine::get_clock(); };

  const double run_start = now();
  if (job.preemptions + job.failures > 0 && properties.restart_overhead > 0) {
    set_phase(job, Phase::restarting, now());
    sg4::this_actor::sleep_for(properties.restart_overhead);
  }
  if (job.checkpointed_work > 0 && properties.checkpoint_bytes > 0) {
    set_phase(job, Phase::restoring, now());
    std::vector<sg4::ActivityPtr> reads;
    for (sg4::Host* gpu : job.gpu_hosts)
      reads.push_back(sg4::Comm::sendto_async(storage_, gpu, properties.checkpoint_bytes / n));
    wait_for(job, std::move(reads));
  }
  job.overhead_gpu_seconds += (now() - run_start) * job.gpu_weight;
  job.last_safe_time = now();
  // A DAG task first fetches its partitions (a task resuming from a checkpoint has them).
  if (job.fetches_input && job.checkpointed_work <= 0) fetch_input(job);

  const double interval = properties.checkpoint_interval;
  const double per_step = job.spec.work ? std::ceil(job.spec.work->iterations / job.spec.work->steps) : 0.0;
  while (job.progress < job.total_work * (1 - 1e-12)) {
    set_phase(job, Phase::computing, now());
    double step = 0.0;
    if (job.spec.work) {
      const JobWorkSpec& work = *job.spec.work;
      step = std::min(per_step, job.total_work - job.progress);
      const double flops = step * work.flops_per_iteration / (n * properties.compute_efficiency);
      std::vector<sg4::ActivityPtr> execs;
      for (sg4::Host* gpu : job.gpu_hosts) execs.push_back(sg4::Exec::init()->set_flops_amount(flops)->set_host(gpu)->start());
      wait_for(job, std::move(execs));
      if (n > 1 && work.allreduce_bytes > 0) {
        set_phase(job, Phase::communicating, now());
        const double bytes = step * 2.0 * (n - 1) / n * work.allreduce_bytes;
        std::vector<sg4::ActivityPtr> ring;
        for (int r = 0; r < n; ++r)
          ring.push_back(sg4::Comm::sendto_async(job.gpu_hosts[static_cast<std::size_t>(r)],
                                                 job.gpu_hosts[static_cast<std::size_t>((r + 1) % n)], bytes));
        wait_for(job, std::move(ring));
      }
    } else {
      step = job.total_work - job.progress;
      if (interval > 0) step = std::min(step, std::max(0.0, interval - (now() - job.last_safe_time)));
      sg4::this_actor::sleep_for(step);
    }
    job.progress += step;
    const bool is_done = job.progress >= job.total_work * (1 - 1e-12);
    if (!is_done && interval > 0 && now() - job.last_safe_time >= interval * (1 - 1e-9)) {
      set_phase(job, Phase::checkpointing, now());
      const double write_start = now();
      if (properties.checkpoint_bytes > 0) {
        std::vector<sg4::ActivityPtr> writes;
        for (sg4::Host* gpu : job.gpu_hosts)
          writes.push_back(sg4::Comm::sendto_async(gpu, storage_, properties.checkpoint_bytes / n));
        wait_for(job, std::move(writes));
      }
      job.overhead_gpu_seconds += (now() - write_start) * job.gpu_weight;
      job.checkpointed_work = job.progress;
      job.last_safe_time = now();
    }
  }
  job.progress = job.total_work;
  // Back to maestro context to release the GPUs and start what waits.
  schedule_at(now(), [this, id, generation] {
    Job& j = jobs_[static_cast<std::size_t>(id)];
    if (is_stopped_ || j.generation != generation || j.state != Job::State::running) return;
    j.actor = nullptr;
    finish(j, sg4::Engine::get_clock());
  });
}

// Shuffle: one transfer per upstream task whose output is on another node,
// all at once, into the task's first GPU.
void JobScheduler::fetch_input(Job& task) {
  const Job& dag_job = jobs_[static_cast<std::size_t>(task.dag_parent)];
  const int node = task.placement.shares.front().node;
  std::vector<sg4::ActivityPtr> fetches;
  double remote = 0.0, local = 0.0;
  for (std::size_t from : dag_job.dag->upstream(task.dag_stage)) {
    const double bytes = dag_job.dag->partition_bytes(from, task.dag_stage);
    if (bytes <= 0) continue;
    for (int id : dag_job.stage_tasks[from]) {
      const Job& source = jobs_[static_cast<std::size_t>(id)];
      if (source.output_node == node) {
        local += bytes;
        continue;
      }
      // Output on hardware that has failed since is read back from storage.
      const bool is_source_up = health_ == nullptr || health_->is_usable(source.output_node, source.placement.shares.front().gpu);
      fetches.push_back(sg4::Comm::sendto_async(is_source_up ? source.output_host : storage_, task.gpu_hosts.front(), bytes));
      remote += bytes;
    }
  }
  set_phase(task, Phase::fetching, sg4::Engine::get_clock());
  wait_for(task, std::move(fetches));
  shuffle_bytes_ += remote;
  shuffle_local_bytes_ += local;
}

void JobScheduler::release(Job& job, double now) {
  set_phase(job, Phase::idle, now);
  const double held = now - job.run_start;
  job.held_gpu_seconds += held * job.gpu_weight;
  job.attained_gpu_seconds += held * job.gpu_weight;
  allocated_gpus_.add(now, -job.gpu_weight);
  running_jobs_.add(now, -1);
  book_.take_running(job.id);
  ++job.generation;
  cluster_.release(job.placement);
}

void JobScheduler::finish(Job& job, double now) {
  release(job, now);
  job.state = Job::State::completed;
  job.end_time = now;
  job.checkpointed_work = job.total_work;
  if (job.is_dag_task()) {
    on_dag_task_done(job, now);
  } else {
    ++completed_;
    ++interval_completions_;
    last_completion_ = std::max(last_completion_, now);
  }
  request_pass();
}

double JobScheduler::stop_run(Job& job, double now) {
  for (auto& activity : job.activities) activity->cancel();
  job.activities.clear();
  if (job.actor) {
    job.actor->kill();
    job.actor = nullptr;
  }
  // Everything since the last checkpoint (or since the run became useful) is lost.
  double lost = 0.0;
  if (job.phase == Phase::restarting || job.phase == Phase::restoring) {
    job.overhead_gpu_seconds += (now - job.run_start) * job.gpu_weight;
  } else if (!job.is_hung) {
    lost = (now - job.last_safe_time) * job.gpu_weight;
  }
  job.lost_gpu_seconds += lost;
  job.progress = job.checkpointed_work;
  return lost;
}

void JobScheduler::hang(Job& job, double now, const std::string& cause) {
  const double lost = stop_run(job, now);
  ++job.generation;  // pending timers of the run do nothing
  set_phase(job, Phase::idle, now);
  job.is_hung = true;
  job.hung_since = now;
  ++interruptions_;
  ++interruptions_by_cause_[cause];
  events_.push_back(Event{now, "job_interrupted", job.spec.name,
                          nlohmann::json{{"cause", cause},
                                         {"gpus", job.demand.gpus},
                                         {"lost_gpu_seconds", lost},
                                         {"resumes_from_work", job.checkpointed_work},
                                         {"total_work", job.total_work}}
                              .dump()});
}

std::vector<int> JobScheduler::running_jobs_on(const std::vector<GpuRef>& gpus) const {
  std::set<GpuRef> failed(gpus.begin(), gpus.end());
  std::vector<int> ids;
  for (const auto& [id, running] : book_.running())
    for (const GpuShare& share : running.placement.shares)
      if (failed.count({share.node, share.gpu}) > 0) {
        ids.push_back(id);
        break;
      }
  return ids;
}

void JobScheduler::on_gpus_failed(const std::vector<GpuRef>& gpus, double now, const std::string& cause) {
  if (is_stopped_) return;
  for (const int id : running_jobs_on(gpus)) {
    Job& job = jobs_[static_cast<std::size_t>(id)];
    if (!job.is_hung) hang(job, now, cause);
  }
}

void JobScheduler::on_failure_detected(const std::vector<GpuRef>& gpus, double now, const std::string& cause) {
  if (is_stopped_) return;
  for (const int id : running_jobs_on(gpus)) {
    Job& job = jobs_[static_cast<std::size_t>(id)];
    if (!job.is_hung) continue;  // started after the failure on other GPUs of the same domain: none here
    // The gang held its GPUs without progress from the failure until now.
    job.lost_gpu_seconds += (now - job.hung_since) * job.gpu_weight;
    job.is_hung = false;
    ++job.failures;
    release(job, now);
    const bool gives_up = job.failures > job.spec.properties.max_failure_retry;
    events_.push_back(Event{now, gives_up ? "job_failed" : "job_requeued", job.spec.name,
                            nlohmann::json{{"cause", cause},
                                           {"failures", job.failures},
                                           {"max_failure_retry", job.spec.properties.max_failure_retry}}
                                .dump()});
    if (gives_up) {
      job.state = Job::State::failed;
      job.end_time = now;
      ++failed_;
      if (job.is_dag_task()) {
        Job& dag_job = jobs_[static_cast<std::size_t>(job.dag_parent)];
        if (dag_job.state != Job::State::failed) {
          dag_job.state = Job::State::failed;
          dag_job.end_time = now;
          ++failed_;
        }
      }
      request_pass();
    } else {
      enqueue(job, now);
    }
  }
}

void JobScheduler::on_reclaim_notice(const std::vector<GpuRef>& gpus, double now) {
  if (is_stopped_) return;
  for (const int id : running_jobs_on(gpus)) {
    Job& job = jobs_[static_cast<std::size_t>(id)];
    if (job.is_hung) continue;
    // A timer-path segment runs from last_safe_time: the work done so far is saved.
    if (!job.uses_actor && job.spec.properties.checkpoint_interval > 0 && job.phase == Phase::computing) {
      job.checkpointed_work = std::min(job.total_work, job.progress + (now - job.last_safe_time));
      job.last_safe_time = now;
    }
    preempt(job, now, "spot reclaim notice");
  }
}

void JobScheduler::preempt(Job& job, double now, const std::string& by) {
  const double lost = stop_run(job, now);
  ++job.preemptions;
  ++preemptions_;
  release(job, now);
  enqueue(job, now);
  events_.push_back(Event{now, "job_preempted", job.spec.name,
                          nlohmann::json{{"by", by},
                                         {"gpus", job.demand.gpus},
                                         {"lost_gpu_seconds", lost},
                                         {"resumes_from_work", job.checkpointed_work},
                                         {"total_work", job.total_work}}
                              .dump()});
  request_pass();
}

bool JobScheduler::make_room_for_replica(const std::string& site, const std::string& gpu_type, int gpus, int priority,
                                         const std::string& service) {
  const ClusterState& state = cluster_.state();
  const ClusterLayout& layout = state.layout();
  const int site_index = layout.site_index(site), type_index = layout.gpu_type_index(gpu_type);
  // Per node: the preemptible lower-priority jobs on it and what preempting them frees there.
  std::map<int, std::vector<int>> victims_by_node;
  for (const auto& [id, running] : book_.running()) {
    const Job& job = jobs_[static_cast<std::size_t>(id)];
    if (!job.spec.properties.is_preemptible || job.spec.properties.priority >= priority || job.demand.is_fractional()) continue;
    std::set<int> nodes;
    for (const GpuShare& share : running.placement.shares) nodes.insert(share.node);
    for (int node : nodes) victims_by_node[node].push_back(id);
  }
  int best_node = -1;
  double best_cost = 0.0;
  for (const auto& [node, ids] : victims_by_node) {
    if (layout.node(node).site != site_index || layout.node(node).gpu_type != type_index) continue;
    // Victims on this node, most recently started first, until enough GPUs are free there.
    std::vector<int> order = ids;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return book_.running_job(a).start_time > book_.running_job(b).start_time;
    });
    int free = state.free_gpus(node);
    double cost = 0.0;
    for (int id : order) {
      if (free >= gpus) break;
      for (const GpuShare& share : book_.running_job(id).placement.shares) free += share.node == node ? 1 : 0;
      cost += jobs_[static_cast<std::size_t>(id)].gpu_weight;
    }
    if (free >= gpus && (best_node < 0 || cost < best_cost)) {
      best_node = node;
      best_cost = cost;
    }
  }
  if (best_node < 0) return false;
  std::vector<int> order = victims_by_node[best_node];
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return book_.running_job(a).start_time > book_.running_job(b).start_time;
  });
  const double now = sg4::Engine::get_clock();
  for (int id : order) {
    if (state.free_gpus(best_node) >= gpus) break;
    preempt(jobs_[static_cast<std::size_t>(id)], now, "service " + service);
  }
  return state.free_gpus(best_node) >= gpus;
}

// ----- measurement

double JobScheduler::gpu_busy_seconds(double now) const {
  TimeIntegral busy = busy_gpus_;
  busy.advance(now);
  return busy.area();
}

// Free GPUs that no waiting job can use: all free GPUs when no waiting job can
// be placed; otherwise the free GPUs of nodes too small for the smallest
// waiting node-local job when only node-local jobs wait. (Fractional jobs: not counted.)
double JobScheduler::fragmented_gpus() const {
  if (book_.waiting().empty()) return 0.0;
  const ClusterState& state = cluster_.state();
  int smallest_node_local = std::numeric_limits<int>::max();
  for (const auto& [key, job] : book_.waiting()) {
    if (job.demand.is_fractional()) continue;
    if (job.demand.locality != Locality::node) {
      if (state.may_fit(job.demand)) return 0.0;
      continue;
    }
    smallest_node_local = std::min(smallest_node_local, job.demand.gpus);
  }
  double fragmented = 0.0;
  for (int n = 0; n < state.layout().node_count(); ++n)
    if (state.layout().node(n).site == site_index_ && state.free_gpus(n) < smallest_node_local) fragmented += state.free_gpus(n);
  return fragmented;
}

void JobScheduler::sample(double now, std::vector<TimeSeries>& series) {
  auto put = [&](const char* name, double value) { append_cluster_point(series, name, now, value); };
  const double interval = now - last_sample_;
  allocated_gpus_.advance(now);
  busy_gpus_.advance(now);
  const double fragmented = fragmented_gpus();
  put("jobs.waiting", static_cast<double>(book_.waiting().size()));
  put("jobs.running", static_cast<double>(book_.running().size()));
  put("jobs.gpus_allocated", interval > 0 ? (allocated_gpus_.area() - allocated_at_sample_) / interval : 0.0);
  put("jobs.gpus_busy", interval > 0 ? (busy_gpus_.area() - busy_at_sample_) / interval : 0.0);
  put("jobs.gpus_fragmented", fragmented);
  put("jobs.completed", static_cast<double>(interval_completions_));
  fragmented_area_ += fragmented * interval;
  allocated_at_sample_ = allocated_gpus_.area();
  busy_at_sample_ = busy_gpus_.area();
  interval_completions_ = 0;
  last_sample_ = now;
}

void JobScheduler::stop(double now) {
  // Running jobs are accounted up to the end; their actors and activities stop.
  is_stopped_ = true;
  for (const auto& [id, running] : book_.running()) {
    Job& job = jobs_[static_cast<std::size_t>(id)];
    for (auto& activity : job.activities) activity->cancel();
    job.activities.clear();
    if (job.actor) {
      job.actor->kill();
      job.actor = nullptr;
    }
    job.held_gpu_seconds += (now - job.run_start) * job.gpu_weight;
  }
  for (const auto& [key, waiting] : book_.waiting()) {
    Job& job = jobs_[static_cast<std::size_t>(waiting.id)];
    job.waited_seconds += now - job.queued_since;
  }
  for (std::size_t p = 0; p < submission_count_; ++p)
    if (jobs_[p].waiting_tasks > 0) jobs_[p].waited_seconds += now - jobs_[p].tasks_waiting_since;
  allocated_gpus_.advance(now);
  busy_gpus_.advance(now);
  waiting_jobs_.advance(now);
  running_jobs_.advance(now);
}

void JobScheduler::report(RunResult& result) const {
  const double duration = spec_.duration;
  const double total_gpus = cluster_.state().total_gpus();
  std::vector<double> jct, queue_delay, slowdown, waited;
  double held = 0.0, lost = 0.0, overhead = 0.0;
  std::int64_t unfinished = 0;
  // A DAG job's own figures are its tasks' totals.
  struct Totals {
    double held = 0.0, lost = 0.0, tasks_done = 0.0, tasks = 0.0;
    int preemptions = 0;
    int failures = 0;
  };
  auto totals_of = [&](const Job& job) {
    Totals t{job.held_gpu_seconds, job.lost_gpu_seconds, 0.0, 0.0, job.preemptions, job.failures};
    for (const std::vector<int>& ids : job.stage_tasks)
      for (int id : ids) {
        const Job& task = jobs_[static_cast<std::size_t>(id)];
        t.held += task.held_gpu_seconds;
        t.lost += task.lost_gpu_seconds;
        t.preemptions += task.preemptions;
        t.failures += task.failures;
        t.tasks += 1;
        t.tasks_done += task.state == Job::State::completed ? 1 : 0;
      }
    return t;
  };
  for (const Job& job : jobs_) {
    held += job.held_gpu_seconds;
    lost += job.lost_gpu_seconds;
    overhead += job.overhead_gpu_seconds;
    const Totals totals = totals_of(job);
    // Job-level statistics count submitted jobs; a DAG job's tasks count through it.
    if (!job.is_dag_task()) {
      if (job.state == Job::State::waiting || job.state == Job::State::running) ++unfinished;
      if (job.first_start >= 0) queue_delay.push_back(job.first_start - job.spec.submit);
      if (job.state == Job::State::completed) {
        const double completion = job.end_time - job.spec.submit;
        jct.push_back(completion);
        slowdown.push_back(completion / std::max(job.ideal_seconds, kBoundedSlowdownFloor) > 1.0
                               ? completion / std::max(job.ideal_seconds, kBoundedSlowdownFloor)
                               : 1.0);
        waited.push_back(job.waited_seconds);
      }
    }
    if (job.state == Job::State::pending || job.state == Job::State::rejected) continue;
    JobOutcome outcome;
    outcome.job = job.spec.name;
    outcome.source = job.spec.source;
    outcome.gpus = job.demand.gpus;
    outcome.gpu_milli = job.demand.gpu_milli;
    outcome.priority = job.spec.properties.priority;
    outcome.is_preemptible = job.spec.properties.is_preemptible;
    outcome.submit = job.spec.submit;
    if (job.first_start >= 0) outcome.first_start = job.first_start;
    if (job.end_time >= 0) outcome.end = job.end_time;
    outcome.state = state_name(static_cast<int>(job.state));
    outcome.ideal_seconds = job.ideal_seconds;
    outcome.waited_seconds = job.waited_seconds;
    outcome.preemptions = totals.preemptions;
    outcome.failures = totals.failures;
    outcome.gpu_seconds = totals.held;
    outcome.lost_gpu_seconds = totals.lost;
    if (job.is_dag())
      outcome.progress = totals.tasks_done / totals.tasks;
    else
      outcome.progress = job.total_work > 0 ? std::min(1.0, job.progress / job.total_work) : 1.0;
    if (!job.placement.shares.empty()) {
      const ClusterLayout& layout = cluster_.state().layout();
      outcome.nodes = job.placement.node_count();
      outcome.racks = job.placement.rack_count(layout);
      std::set<int> seen;
      for (const GpuShare& share : job.placement.shares)
        if (seen.insert(share.node).second)
          outcome.placement += (outcome.placement.empty() ? "" : ",") + layout.node(share.node).name;
    }
    result.jobs.push_back(std::move(outcome));
  }
  auto put = [&](const std::string& metric, double value, const char* unit) {
    result.summary.push_back(SummaryMetric{"jobs." + metric, value, unit});
  };
  put("submitted", static_cast<double>(submitted_), "1");
  put("completed", static_cast<double>(completed_), "1");
  put("unfinished", static_cast<double>(unfinished), "1");
  put("rejected", static_cast<double>(rejected_), "1");
  std::size_t skipped = 0;
  for (const auto& [reason, count] : skipped_by_reason_) skipped += count;
  put("skipped", static_cast<double>(skipped), "1");
  put("jct_mean", mean(jct), "s");
  put("jct_p50", quantile(jct, 0.50), "s");
  put("jct_p95", quantile(jct, 0.95), "s");
  put("jct_p99", quantile(jct, 0.99), "s");
  put("queue_delay_mean", mean(queue_delay), "s");
  put("queue_delay_p95", quantile(queue_delay, 0.95), "s");
  put("wait_mean", mean(waited), "s");
  put("bounded_slowdown_mean", mean(slowdown), "1");
  put("makespan", completed_ > 0 ? last_completion_ - std::max(first_submit_, 0.0) : std::numeric_limits<double>::quiet_NaN(), "s");
  put("preemptions", static_cast<double>(preemptions_), "1");
  if (health_ != nullptr) {
    put("failed", static_cast<double>(failed_), "1");
    put("interruptions", static_cast<double>(interruptions_), "1");
    for (const auto& [cause, count] : interruptions_by_cause_)
      put("interruptions." + metric_component(cause), static_cast<double>(count), "1");
  }
  put("gpu_hours", held / 3600.0, "GPU*h");
  put("busy_gpu_hours", busy_gpus_.area() / 3600.0, "GPU*h");
  put("lost_gpu_hours", lost / 3600.0, "GPU*h");
  put("overhead_gpu_hours", overhead / 3600.0, "GPU*h");
  put("effective_training_ratio", held > 0 ? std::max(0.0, held - lost - overhead) / held : 0.0, "1");
  put("gpu_allocation_mean", allocated_gpus_.area() / (duration * total_gpus), "1");
  put("gpus_fragmented_mean", duration > 0 ? fragmented_area_ / duration : 0.0, "1");
  put("waiting_mean", waiting_jobs_.area() / duration, "1");
  put("running_mean", running_jobs_.area() / duration, "1");
  put("dag_tasks_completed", static_cast<double>(dag_tasks_completed_), "1");
  put("shuffle_bytes", shuffle_bytes_, "B");
  put("shuffle_local_bytes", shuffle_local_bytes_, "B");
  put("cost", held / 3600.0 * cluster_.price_per_gpu_hour(spec_.jobs.site), "USD");

  for (const auto& [reason, count] : skipped_by_reason_)
    result.events.push_back(Event{0.0, "jobs_skipped", spec_.jobs.trace ? spec_.jobs.trace->path : "jobs",
                                  nlohmann::json{{"reason", reason}, {"rows", count}}.dump()});
}

}  // namespace leptonsim
