// JobBook: the waiting and running jobs as the queue policies see them.
//
// The simulator keeps it up to date (a job is added when submitted, moved to
// running when started, back to waiting when preempted, removed when done);
// queue policies read it. Waiting jobs are ordered by (submit time, id), so a
// preempted job goes back to its place in arrival order; running jobs are also
// indexed by their expected end, which backfilling walks.
#pragma once

#include "scheduling/ClusterState.hpp"

#include <map>
#include <set>
#include <unordered_map>
#include <utility>

namespace leptonsim {

struct WaitingJob {
  int id = 0;
  JobDemand demand;
  double submit_time = 0.0;
  double estimated_runtime = 0.0;     // seconds the job still needs when it runs alone (an estimate)
  int priority = 0;                   // higher runs first under the priority policy
  bool is_preemptible = false;
  double attained_gpu_seconds = 0.0;  // GPU-seconds of service received so far (LAS)
};

struct RunningJob {
  int id = 0;
  JobDemand demand;
  Placement placement;
  double submit_time = 0.0;
  double start_time = 0.0;
  double expected_end = 0.0;          // start + estimated runtime
  int priority = 0;
  bool is_preemptible = false;
  double attained_at_start = 0.0;     // GPU-seconds attained before this start

  // GPU-seconds attained by `now` (GPUs weighted by their share).
  double attained_gpu_seconds(double now) const {
    return attained_at_start + demand.gpus * (demand.gpu_milli / 1000.0) * (now - start_time);
  }
};

class JobBook {
public:
  using WaitingKey = std::pair<double, int>;  // (submit time, id)

  void add_waiting(WaitingJob job);
  // Removes and returns a waiting job; throws std::out_of_range if it is not waiting.
  WaitingJob take_waiting(int id);
  void add_running(RunningJob job);
  RunningJob take_running(int id);

  const std::map<WaitingKey, WaitingJob>& waiting() const { return waiting_; }
  const std::map<int, RunningJob>& running() const { return running_; }
  // (expected end, id) of every running job, earliest end first.
  const std::set<std::pair<double, int>>& running_by_end() const { return running_by_end_; }
  const RunningJob& running_job(int id) const { return running_.at(id); }
  bool is_waiting(int id) const { return waiting_index_.count(id) > 0; }
  bool is_running(int id) const { return running_.count(id) > 0; }
  // The fewest whole GPUs any waiting whole-GPU job needs (INT_MAX when none),
  // and whether a fractional job waits: a quick "can anything start?" test.
  int smallest_waiting_demand() const { return waiting_gpus_.empty() ? kNone : *waiting_gpus_.begin(); }
  bool has_fractional_waiting() const { return fractional_waiting_ > 0; }
  static constexpr int kNone = 1 << 30;

private:
  std::map<WaitingKey, WaitingJob> waiting_;
  std::unordered_map<int, WaitingKey> waiting_index_;  // lookups only, never iterated
  std::multiset<int> waiting_gpus_;
  int fractional_waiting_ = 0;
  std::map<int, RunningJob> running_;
  std::set<std::pair<double, int>> running_by_end_;
};

}  // namespace leptonsim
