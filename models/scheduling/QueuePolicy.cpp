#include "scheduling/QueuePolicy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace leptonsim {

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

// The cluster as this pass has changed it: a copy made on the first change.
class Scratch {
public:
  explicit Scratch(const ClusterState& base) : base_(base) {}
  const ClusterState& state() const { return copy_ ? *copy_ : base_; }
  ClusterState& edit() {
    if (!copy_) copy_.emplace(base_);
    return *copy_;
  }
  void replace(ClusterState state) { copy_ = std::move(state); }

private:
  const ClusterState& base_;
  std::optional<ClusterState> copy_;
};

// True when nothing waiting can start without preemption: too few free GPUs for the smallest job.
bool nothing_fits(const SchedulingView& view) {
  return view.jobs.waiting().empty() ||
         (!view.jobs.has_fractional_waiting() && view.cluster.total_free_gpus() < view.jobs.smallest_waiting_demand());
}

// Places the job on the scratch state; on success records the start.
bool try_start(const WaitingJob& job, Scratch& scratch, const PlacementPolicy& placement, SchedulingDecision& decision) {
  if (!scratch.state().may_fit(job.demand)) return false;
  std::optional<Placement> where = placement.place(job.demand, scratch.state());
  if (!where) return false;
  scratch.edit().allocate(*where);
  decision.start.push_back({job.id, std::move(*where)});
  return true;
}

std::vector<const WaitingJob*> waiting_in_submit_order(const JobBook& jobs) {
  std::vector<const WaitingJob*> order;
  order.reserve(jobs.waiting().size());
  for (const auto& [key, job] : jobs.waiting()) order.push_back(&job);
  return order;
}

// Start in the given order; stop at the first job that does not fit unless skip_blocked.
SchedulingDecision start_in_order(const SchedulingView& view, const std::vector<const WaitingJob*>& order,
                                  bool skip_blocked) {
  SchedulingDecision decision;
  Scratch scratch(view.cluster);
  for (const WaitingJob* job : order) {
    if (scratch.state().total_free_gpus() == 0 && !view.jobs.has_fractional_waiting()) break;
    if (!try_start(*job, scratch, view.placement, decision) && !skip_blocked) break;
  }
  return decision;
}

class FifoQueue final : public QueuePolicy {
public:
  explicit FifoQueue(bool skip_blocked) : skip_blocked_(skip_blocked) {}
  SchedulingDecision decide(const SchedulingView& view) const override {
    if (nothing_fits(view)) return {};
    return start_in_order(view, waiting_in_submit_order(view.jobs), skip_blocked_);
  }

private:
  bool skip_blocked_;
};

class ShortestJobFirstQueue final : public QueuePolicy {
public:
  explicit ShortestJobFirstQueue(bool skip_blocked) : skip_blocked_(skip_blocked) {}
  SchedulingDecision decide(const SchedulingView& view) const override {
    if (nothing_fits(view)) return {};
    std::vector<const WaitingJob*> order = waiting_in_submit_order(view.jobs);
    std::stable_sort(order.begin(), order.end(), [](const WaitingJob* a, const WaitingJob* b) {
      return a->estimated_runtime < b->estimated_runtime;
    });
    return start_in_order(view, order, skip_blocked_);
  }

private:
  bool skip_blocked_;
};

// Releases victims (in order) on a copy until `job` can be placed; commits on success.
bool start_with_preemption(const WaitingJob& job, const std::vector<const RunningJob*>& victims,
                           std::vector<bool>& is_victim_taken, Scratch& scratch, const PlacementPolicy& placement,
                           SchedulingDecision& decision) {
  ClusterState trial = scratch.state();
  std::vector<std::size_t> taken;
  for (std::size_t v = 0; v < victims.size(); ++v) {
    if (is_victim_taken[v]) continue;
    trial.release(victims[v]->placement);
    taken.push_back(v);
    if (!trial.may_fit(job.demand)) continue;
    if (std::optional<Placement> where = placement.place(job.demand, trial)) {
      trial.allocate(*where);
      for (std::size_t t : taken) {
        is_victim_taken[t] = true;
        decision.preempt.push_back(victims[t]->id);
      }
      decision.start.push_back({job.id, std::move(*where)});
      scratch.replace(std::move(trial));
      return true;
    }
  }
  return false;
}

class PriorityQueue final : public QueuePolicy {
public:
  PriorityQueue(bool preempt, bool skip_blocked) : preempt_(preempt), skip_blocked_(skip_blocked) {}
  SchedulingDecision decide(const SchedulingView& view) const override {
    if (view.jobs.waiting().empty() || (!preempt_ && nothing_fits(view))) return {};
    std::vector<const WaitingJob*> order = waiting_in_submit_order(view.jobs);
    std::stable_sort(order.begin(), order.end(),
                     [](const WaitingJob* a, const WaitingJob* b) { return a->priority > b->priority; });
    std::vector<const RunningJob*> running;
    for (const auto& [id, job] : view.jobs.running()) running.push_back(&job);
    // Lowest priority first; among equals the most recently started (least work lost to a checkpoint gap).
    std::stable_sort(running.begin(), running.end(), [](const RunningJob* a, const RunningJob* b) {
      if (a->priority != b->priority) return a->priority < b->priority;
      return a->start_time > b->start_time;
    });
    std::vector<bool> is_taken(running.size(), false);
    SchedulingDecision decision;
    Scratch scratch(view.cluster);
    for (const WaitingJob* job : order) {
      if (try_start(*job, scratch, view.placement, decision)) continue;
      if (preempt_) {
        std::vector<const RunningJob*> victims;
        std::vector<bool> victim_taken;
        std::vector<std::size_t> victim_index;
        for (std::size_t r = 0; r < running.size(); ++r)
          if (running[r]->is_preemptible && running[r]->priority < job->priority) {
            victims.push_back(running[r]);
            victim_taken.push_back(is_taken[r]);
            victim_index.push_back(r);
          }
        if (start_with_preemption(*job, victims, victim_taken, scratch, view.placement, decision)) {
          for (std::size_t v = 0; v < victims.size(); ++v) is_taken[victim_index[v]] = victim_taken[v];
          continue;
        }
      }
      if (!skip_blocked_) break;
    }
    return decision;
  }

private:
  bool preempt_;
  bool skip_blocked_;
};

class EasyBackfillQueue final : public QueuePolicy {
public:
  explicit EasyBackfillQueue(int depth) : depth_(depth) {}

  SchedulingDecision decide(const SchedulingView& view) const override {
    if (nothing_fits(view)) return {};
    SchedulingDecision decision;
    Scratch scratch(view.cluster);
    std::vector<std::pair<double, Placement>> started_now;  // (expected end, placement) of this pass's starts
    auto started = [&](const WaitingJob& job) {
      started_now.emplace_back(view.now + job.estimated_runtime, decision.start.back().placement);
    };
    auto it = view.jobs.waiting().begin();
    const auto end = view.jobs.waiting().end();
    for (; it != end; ++it) {
      if (!try_start(it->second, scratch, view.placement, decision)) break;
      started(it->second);
    }
    if (it == end) return decision;
    const WaitingJob& head = it->second;
    const Reservation reservation = reserve(view, scratch.state(), head, started_now);

    // Backfill: `masked` is the scratch state with the head's reserved GPUs
    // that are free now taken away; a job that would outlive the reservation
    // must fit there.
    ClusterState masked = scratch.state();
    for (const GpuShare& share : reservation.placement.shares)
      if (masked.free_milli(share.node, share.gpu) >= share.milli) masked.allocate(Placement{{share}});
    int scanned = 0;
    for (++it; it != end; ++it) {
      if (depth_ > 0 && ++scanned > depth_) break;
      if (scratch.state().total_free_gpus() == 0 && !view.jobs.has_fractional_waiting()) break;
      const WaitingJob& job = it->second;
      const bool ends_in_time = view.now + job.estimated_runtime <= reservation.start;
      const ClusterState& room = ends_in_time ? scratch.state() : masked;
      if (!room.may_fit(job.demand)) continue;
      std::optional<Placement> where = view.placement.place(job.demand, room);
      if (!where) continue;
      scratch.edit().allocate(*where);
      for (const GpuShare& share : where->shares)
        if (masked.free_milli(share.node, share.gpu) >= share.milli) masked.allocate(Placement{{share}});
      decision.start.push_back({job.id, std::move(*where)});
    }
    return decision;
  }

private:
  struct Reservation {
    double start = kNever;
    Placement placement;
  };

  // The earliest expected time at which the head can be placed, releasing the
  // running jobs (and this pass's starts) in order of expected end.
  static Reservation reserve(const SchedulingView& view, const ClusterState& now_state, const WaitingJob& head,
                             std::vector<std::pair<double, Placement>>& started_now) {
    std::sort(started_now.begin(), started_now.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    ClusterState future = now_state;
    auto running = view.jobs.running_by_end().begin();
    const auto running_end = view.jobs.running_by_end().end();
    std::size_t fresh = 0;
    while (running != running_end || fresh < started_now.size()) {
      double at = 0.0;
      if (fresh >= started_now.size() || (running != running_end && running->first <= started_now[fresh].first)) {
        at = running->first;
        future.release(view.jobs.running_job(running->second).placement);
        ++running;
      } else {
        at = started_now[fresh].first;
        future.release(started_now[fresh].second);
        ++fresh;
      }
      if (!future.may_fit(head.demand)) continue;
      if (std::optional<Placement> where = view.placement.place(head.demand, future))
        return Reservation{std::max(at, view.now), std::move(*where)};
    }
    return Reservation{};  // never fits (the simulator rejects such jobs): no reservation
  }

  int depth_;
};

class LeastAttainedServiceQueue final : public QueuePolicy {
public:
  LeastAttainedServiceQueue(int levels, double first_threshold, double multiplier) {
    double threshold = first_threshold;
    for (int k = 0; k + 1 < levels; ++k) {
      thresholds_.push_back(threshold);
      threshold *= multiplier;
    }
  }

  SchedulingDecision decide(const SchedulingView& view) const override {
    if (view.jobs.waiting().empty()) return {};
    struct Entry {
      int level;
      double submit;
      int id;
      const WaitingJob* waiting;
      const RunningJob* running;
    };
    std::vector<Entry> entries;
    for (const auto& [key, job] : view.jobs.waiting())
      entries.push_back({level(job.attained_gpu_seconds), job.submit_time, job.id, &job, nullptr});
    for (const auto& [id, job] : view.jobs.running())
      entries.push_back({level(job.attained_gpu_seconds(view.now)), job.submit_time, id, nullptr, &job});
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      if (a.level != b.level) return a.level < b.level;
      if (a.submit != b.submit) return a.submit < b.submit;
      return a.id < b.id;
    });

    // Which jobs the capacity holds, by GPU count in priority order; jobs that cannot be preempted hold theirs.
    long capacity = view.cluster.total_gpus();
    for (const auto& [id, job] : view.jobs.running())
      if (!job.is_preemptible) capacity -= job.demand.gpus;
    std::vector<bool> is_kept(entries.size(), false);
    long used = 0;
    for (std::size_t e = 0; e < entries.size(); ++e) {
      const Entry& entry = entries[e];
      if (entry.running != nullptr && !entry.running->is_preemptible) continue;
      const int gpus = entry.waiting != nullptr ? entry.waiting->demand.gpus : entry.running->demand.gpus;
      if (used + gpus <= capacity) {
        used += gpus;
        is_kept[e] = true;
      }
    }
    std::vector<const RunningJob*> victims;  // worst first: the end of the priority order
    for (std::size_t e = entries.size(); e-- > 0;)
      if (entries[e].running != nullptr && entries[e].running->is_preemptible && !is_kept[e])
        victims.push_back(entries[e].running);
    std::vector<bool> is_victim_taken(victims.size(), false);

    SchedulingDecision decision;
    Scratch scratch(view.cluster);
    for (std::size_t e = 0; e < entries.size(); ++e) {
      if (!is_kept[e] || entries[e].waiting == nullptr) continue;
      const WaitingJob& job = *entries[e].waiting;
      if (try_start(job, scratch, view.placement, decision)) continue;
      start_with_preemption(job, victims, is_victim_taken, scratch, view.placement, decision);
    }
    decision.review_at = next_demotion(view, decision);
    return decision;
  }

private:
  int level(double attained) const {
    return static_cast<int>(std::upper_bound(thresholds_.begin(), thresholds_.end(), attained) - thresholds_.begin());
  }

  // The earliest time a job that keeps running crosses its next threshold.
  std::optional<double> next_demotion(const SchedulingView& view, const SchedulingDecision& decision) const {
    double earliest = kNever;
    auto consider = [&](double attained, double gpus) {
      const auto next = std::upper_bound(thresholds_.begin(), thresholds_.end(), attained);
      if (next != thresholds_.end() && gpus > 0) earliest = std::min(earliest, view.now + (*next - attained) / gpus);
    };
    for (const auto& [id, job] : view.jobs.running()) {
      if (!job.is_preemptible ||
          std::find(decision.preempt.begin(), decision.preempt.end(), id) != decision.preempt.end())
        continue;
      consider(job.attained_gpu_seconds(view.now), job.demand.gpus * (job.demand.gpu_milli / 1000.0));
    }
    for (const JobStart& start : decision.start) {
      const WaitingJob& job = waiting_by_id(view, start.job);
      if (job.is_preemptible) consider(job.attained_gpu_seconds, job.demand.gpus * (job.demand.gpu_milli / 1000.0));
    }
    if (earliest == kNever) return std::nullopt;
    return earliest;
  }

  static const WaitingJob& waiting_by_id(const SchedulingView& view, int id) {
    for (const auto& [key, job] : view.jobs.waiting())
      if (job.id == id) return job;
    throw std::logic_error("las: started job is not waiting");
  }

  std::vector<double> thresholds_;
};

PolicyParameter skip_blocked_parameter() {
  return {"skip_blocked", 0, 0, 1,
          "1: a job that does not fit does not block the jobs behind it (greedy); 0: strict order"};
}

}  // namespace

void register_queue_policies(QueuePolicyRegistry& registry) {
  registry.add(PolicyInfo{"", "fifo", "first come, first served; the head blocks the queue", {skip_blocked_parameter()}},
               [](const PolicyParams& p) { return std::make_unique<FifoQueue>(p.get("skip_blocked") > 0.5); });
  registry.add(PolicyInfo{"", "sjf", "shortest estimated runtime first", {skip_blocked_parameter()}},
               [](const PolicyParams& p) { return std::make_unique<ShortestJobFirstQueue>(p.get("skip_blocked") > 0.5); });
  registry.add(PolicyInfo{"",
                          "priority",
                          "highest priority first; may preempt lower-priority preemptible jobs",
                          {{"preempt", 1, 0, 1, "1: a blocked job preempts lower-priority preemptible jobs"},
                           skip_blocked_parameter()}},
               [](const PolicyParams& p) {
                 return std::make_unique<PriorityQueue>(p.get("preempt") > 0.5, p.get("skip_blocked") > 0.5);
               });
  registry.add(PolicyInfo{"",
                          "easy_backfill",
                          "FIFO with EASY backfilling: later jobs start early when they do not delay the head",
                          {{"depth", 0, 0, 1e9, "waiting jobs scanned for backfill per pass; 0 = all"}}},
               [](const PolicyParams& p) { return std::make_unique<EasyBackfillQueue>(static_cast<int>(p.get("depth"))); });
  registry.add(PolicyInfo{"",
                          "las",
                          "Tiresias discretised least attained service (GPU-seconds), with preemption",
                          {{"levels", 3, 2, 16, "priority queues"},
                           {"first_threshold", 3600, 1, 1e12, "GPU-seconds attained to leave the first queue"},
                           {"threshold_multiplier", 10, 1.0001, 1e6, "each next threshold is this many times the previous"}}},
               [](const PolicyParams& p) {
                 return std::make_unique<LeastAttainedServiceQueue>(static_cast<int>(p.get("levels")),
                                                                    p.get("first_threshold"),
                                                                    p.get("threshold_multiplier"));
               });
}

}  // namespace leptonsim
