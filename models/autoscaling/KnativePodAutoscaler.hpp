// Knative Pod Autoscaler (KPA), as documented at knative.dev (autoscaling
// concepts, KPA-specific settings, config-autoscaler defaults), on concurrency.
//
// Every tick it records the observed total concurrency (requests queued or in
// service, whole service, mean over the tick) and computes, with
// per-replica target T = container_concurrency_target x target_utilization:
//   stable = ceil(mean over the stable window / T)     (window: last stable_window s)
//   panic  = ceil(mean over the panic window / T)      (panic window = stable_window x panic_window_percentage / 100)
// averaging the samples present in each window (fewer right after the start).
// Both are kept within [floor(R / max_scale_down_rate), ceil(R x max_scale_up_rate)],
// R = max(1, ready replicas).
// Panic mode starts when panic / R >= panic_threshold_percentage / 100 (panic
// taken before the rate bounds) and lasts until a tick more than stable_window
// seconds after the last tick that met that condition. In panic the decision
// is max(stable, panic) and never below any decision made in this panic nor
// below the count in force when it began (no scale-down in panic); otherwise
// it is the stable value.
// Scale to zero: a decision of 0 while replicas exist needs a full stable
// window of history, all of it at zero concurrency (so the last replica goes
// only after stable_window seconds without traffic), and is then held at 1
// until scale_to_zero_grace_period seconds after the first such decision.
// The result is clamped to [min, max] (min_replicas = 0 enables scale to zero).
#pragma once

#include "autoscaling/ReplicaAutoscaler.hpp"

#include <deque>
#include <optional>

namespace leptonsim {

class KnativePodAutoscaler final : public ReplicaAutoscaler {
 public:
  explicit KnativePodAutoscaler(const PolicyParams& params);
  double period() const override { return tick_; }
  ScalingDecision decide(const AutoscalerObservation& observation) override;
  static PolicyInfo info();

  bool is_in_panic() const { return last_over_panic_threshold_.has_value(); }

 private:
  struct Sample {
    double time = 0.0;
    double total_concurrency = 0.0;
  };
  double window_mean(double now, double window) const;

  ReplicaBounds bounds_;
  double container_concurrency_target_;
  double target_utilization_;
  double stable_window_;
  double panic_window_;
  double panic_threshold_;  // ratio, e.g. 2.0 for 200 %
  double tick_;
  double max_scale_up_rate_;
  double max_scale_down_rate_;
  double scale_to_zero_grace_period_;

  std::deque<Sample> history_;  // oldest first, pruned to the stable window
  std::optional<double> first_sample_time_;
  std::optional<double> last_over_panic_threshold_;  // set while in panic mode
  int max_panic_replicas_ = 0;
  std::optional<double> zero_since_;  // first tick of the current run of zero decisions
};

}  // namespace leptonsim
