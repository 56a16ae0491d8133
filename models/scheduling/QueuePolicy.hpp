// Queue policies: which waiting jobs start now, where, and which running jobs
// make room for them. A policy reads a SchedulingView (the job book, the
// cluster state, the placement policy) and returns a SchedulingDecision; the
// simulator checks it (preempted jobs are running and preemptible, started jobs
// are waiting, placements are free once the preempted jobs are gone) and
// applies it: preemptions first, then starts in the given order.
//
//   fifo           submission order; stops at the first job that does not fit
//                  (skip_blocked = 1: tries every job, first fit in the queue)
//   sjf            shortest estimated runtime first, otherwise as fifo
//   priority       highest priority first, then submission order; a job that
//                  does not fit preempts running preemptible jobs of strictly
//                  lower priority (lowest first, most recently started first)
//                  when that makes it fit (preempt = 0 disables)
//   easy_backfill  fifo, plus EASY backfilling: the first job that does not fit
//                  gets a reservation (the earliest time, from the running
//                  jobs' expected ends, at which the placement policy can place
//                  it, and the GPUs it would get); later jobs start now if they
//                  fit and either end (by their estimate) before that time or
//                  leave the reserved GPUs free
//   las            Tiresias-style discretised least attained service: queue
//                  level = how many GPU-time thresholds the job's attained
//                  GPU-seconds have passed (first_threshold × multiplier^k);
//                  lower level first, submission order within a level; jobs
//                  that fall out of the capacity (by GPU count, in that order)
//                  are preempted when a higher-priority job needs their GPUs;
//                  reviewed whenever a running job crosses a threshold
#pragma once

#include "common/PolicyRegistry.hpp"
#include "scheduling/JobBook.hpp"
#include "scheduling/PlacementPolicy.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace leptonsim {

struct SchedulingView {
  double now = 0.0;
  const ClusterState& cluster;
  const PlacementPolicy& placement;
  const JobBook& jobs;
};

struct JobStart {
  int job = 0;
  Placement placement;
};

struct SchedulingDecision {
  std::vector<int> preempt;            // running jobs to stop (they go back to the queue)
  std::vector<JobStart> start;         // waiting jobs to start, in order
  std::optional<double> review_at;     // ask the policy again at this time even if nothing happens
};

class QueuePolicy {
public:
  virtual ~QueuePolicy() = default;
  virtual SchedulingDecision decide(const SchedulingView& view) const = 0;
};

using QueuePolicyRegistry = PolicyRegistry<QueuePolicy>;

void register_queue_policies(QueuePolicyRegistry& registry);

}  // namespace leptonsim
