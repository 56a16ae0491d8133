// Training and batch jobs on the shared GPU pool: submission, the queue and
// placement policies, execution, preemption, checkpoints and job metrics.
//
// A job holds all its GPUs at once (gang). Execution has two forms:
//  * timer path (duration jobs without checkpoint bytes): a kernel timer per
//    run segment, no actor; the common case of trace replay, which keeps
//    100,000-job runs cheap;
//  * actor path (work jobs, or checkpoints with bytes): one actor per run
//    (not per step) that computes on the job's GPUs (one Exec per GPU per
//    step), ring-all-reduces over the network (each GPU sends 2(n-1)/n of
//    the step's bytes to the next GPU in ring order), writes checkpoints from
//    the GPUs to the site's storage host and reads the last one back after a
//    preemption. A preemption cancels the run's activities and kills its actor.
//
// Scheduling passes run at the end of each instant in which something
// changed (a submission, a completion, GPUs released by a service), or when
// the queue policy asked to be reviewed; decisions are checked before they
// are applied.
#pragma once

#include "autoscaling/NodePoolAutoscaler.hpp"

#include "FailureInjector.hpp"
#include "JobWorkload.hpp"
#include "LatencyHistogram.hpp"
#include "RunResult.hpp"
#include "ScenarioSpec.hpp"
#include "TimeIntegral.hpp"
#include "scheduling/QueuePolicy.hpp"

#include <memory>
#include <simgrid/s4u.hpp>
#include <string>
#include <set>
#include <vector>

namespace leptonsim {

class ServingCluster;

class JobScheduler {
public:
  JobScheduler(const ScenarioSpec& spec, JobWorkload workload, ServingCluster& cluster, std::vector<Event>& events);
  ~JobScheduler();
  JobScheduler(const JobScheduler&) = delete;
  JobScheduler& operator=(const JobScheduler&) = delete;

  // Schedules the first submission. Call before Engine::run().
  void start();
  // Appends one point per job series for the interval ending at `now`.
  void sample(double now, std::vector<TimeSeries>& series);
  // Stops every running job at the end of the run (they stay "running" in the report).
  void stop(double now);
  // Summary metrics, the jobs table, skip and rejection events.
  void report(RunResult& result) const;
  // The shared pool released GPUs: waiting jobs may fit now.
  void request_pass_after_release() { request_pass(); }
  // GPU-seconds the jobs' GPUs spent computing since the start.
  double gpu_busy_seconds(double now) const;
  // Waiting jobs as whole-GPU demands (a fractional job as one GPU), grouped: for the node autoscaler.
  std::vector<PendingWork> pending_work() const;
  // Nodes holding GPUs of running jobs (jobs cannot move: such a node cannot be emptied).
  std::set<int> nodes_with_jobs() const;
  // Adds each node's busy GPU-seconds since the previous call to busy_by_node[node].
  void collect_node_busy_seconds(double now, std::vector<double>& busy_by_node);

  // A service replica of `priority` needs `gpus` GPUs of one node of the site
  // and type: preempts preemptible jobs of lower priority on the node where
  // that frees enough GPUs with the fewest GPUs preempted. True when it did.
  bool make_room_for_replica(const std::string& site, const std::string& gpu_type, int gpus, int priority,
                             const std::string& service);

  // Failures. A job whose GPUs fail stops at once and loses the work since
  // its last checkpoint, but holds its GPUs (hung) until the failure is
  // detected; then it releases them and is requeued (it restarts after its
  // restart overhead from its last checkpoint), or ends as failed once it has
  // been restarted max_failure_retry times. A job placed on GPUs that have
  // failed but are not yet detected hangs the same way.
  void set_hardware_health(const HardwareHealth* health) { health_ = health; }
  void on_gpus_failed(const std::vector<GpuRef>& gpus, double now, const std::string& cause);
  void on_failure_detected(const std::vector<GpuRef>& gpus, double now, const std::string& cause);
  // Spot: the GPUs will be reclaimed. Jobs there save their progress when they
  // can (timer-path jobs that checkpoint: the notice is time enough) and go
  // back to the queue at once.
  void on_reclaim_notice(const std::vector<GpuRef>& gpus, double now);

private:
  struct Job;
  enum class Phase { idle, restarting, restoring, fetching, computing, communicating, checkpointing };

  void submit_next();
  void submit(Job& job, double now);
  void enqueue(Job& job, double now);
  void count_waiting_task(const Job& task, int delta, double now);
  std::string why_never_fits(Job& job);
  void submit_stage(Job& dag_job, std::size_t stage, double now);
  void on_dag_task_done(Job& task, double now);
  void fetch_input(Job& task);
  void request_pass();
  void run_pass();
  void apply(const SchedulingDecision& decision, double now);
  void check_start(const Job& job, const Placement& placement) const;
  void start_run(Job& job, Placement placement, double now);
  void run_timer_segment(Job& job, double now);
  void on_timer_segment_end(int id, std::uint64_t generation, double work);
  void finish(Job& job, double now);
  void preempt(Job& job, double now, const std::string& by);
  // Stops the run's activities and actor; the work since the last checkpoint is lost.
  double stop_run(Job& job, double now);
  void hang(Job& job, double now, const std::string& cause);
  std::vector<int> running_jobs_on(const std::vector<GpuRef>& gpus) const;
  void set_phase(Job& job, Phase phase, double now);
  void run_with_actor(int id, std::uint64_t generation);
  void run_steps(int id, std::uint64_t generation);
  void wait_for(Job& job, std::vector<simgrid::s4u::ActivityPtr> activities);
  void release(Job& job, double now);
  double remaining_estimate(const Job& job) const;
  WaitingJob waiting_view(const Job& job) const;
  bool can_ever_fit(const JobDemand& demand);
  double fragmented_gpus() const;

  const ScenarioSpec& spec_;
  ServingCluster& cluster_;
  std::vector<Event>& events_;
  std::vector<Job> jobs_;
  std::map<std::string, std::size_t> skipped_by_reason_;
  std::unique_ptr<QueuePolicy> queue_;
  std::unique_ptr<PlacementPolicy> placement_;
  JobBook book_;
  std::size_t submission_count_ = 0;  // jobs_[0, count) are submissions in order; DAG tasks follow
  std::size_t next_submission_ = 0;
  bool is_pass_scheduled_ = false;
  double review_at_ = -1.0;  // pending review time requested by the policy; < 0 = none
  bool is_stopped_ = false;
  int site_index_ = -1;
  simgrid::s4u::Host* storage_ = nullptr;
  simgrid::s4u::Host* actor_host_ = nullptr;
  std::map<std::tuple<int, int, int, int>, bool> fits_empty_cluster_;  // (gpus, milli, type, locality) -> fits

  // Counters and integrals.
  TimeIntegral allocated_gpus_, busy_gpus_, waiting_jobs_, running_jobs_;
  std::vector<TimeIntegral> node_busy_;        // per node: GPUs' worth of computing jobs
  std::vector<double> node_busy_collected_;    // per node: area already collected
  double allocated_at_sample_ = 0.0, busy_at_sample_ = 0.0, last_sample_ = 0.0;
  double fragmented_area_ = 0.0;  // sum over samples of fragmented GPUs x interval
  std::int64_t submitted_ = 0, completed_ = 0, rejected_ = 0, preemptions_ = 0, interval_completions_ = 0;
  std::int64_t dag_tasks_completed_ = 0;
  const HardwareHealth* health_ = nullptr;
  std::int64_t interruptions_ = 0, failed_ = 0;
  std::map<std::string, std::int64_t> interruptions_by_cause_;
  double shuffle_bytes_ = 0.0, shuffle_local_bytes_ = 0.0;
  double first_submit_ = -1.0, last_completion_ = 0.0;
};

}  // namespace leptonsim
