// Kubernetes Horizontal Pod Autoscaler (autoscaling/v2), as documented at
// kubernetes.io ("Horizontal Pod Autoscaling": algorithm details, configurable
// scaling behavior), on one metric.
//
// Each period (the controller's sync period, 15 s):
//  1. If the count in force is outside [min, max], go to the nearest bound.
//     (Kubernetes treats a count of 0 as "autoscaling disabled"; here it goes
//     to min_replicas, which may itself be 0.)
//  2. Recommendation. Pods are the ready replicas (they report the metric), the
//     starting replicas (placed, cold-starting) and the pending ones (in force
//     but not placed: desired - ready - starting when positive).
//       ratio = (average metric over ready replicas) / target.
//     Starting replicas are "not yet ready" pods. For the utilization metric
//     they are set aside, as Kubernetes does for resource metrics: ignored when
//     ratio < 1 and counted at 0 % when ratio > 1. For the concurrency and rps
//     metrics a cold-starting replica reports nothing yet, so it counts like a
//     pending pod, i.e. a pod with a missing metric: at the target value when
//     ratio < 1, at 0 when ratio > 1.
//     Without set-aside or missing pods: no change when |ratio - 1| <= tolerance,
//     else ceil(ready x ratio). With them: ratio is recomputed including them;
//     no change when the new ratio is within tolerance or on the other side of
//     1 than the first one, or when the new count would move against the new
//     ratio's direction; else ceil(pods x new ratio).
//     No ready replica: the metric is unknown and the count is kept -- except
//     when the service has no replica at all and the metric is concurrency or
//     rps, measured service-wide at the balancer like an external metric:
//     ceil(total / target) (scale from zero).
//  3. Stabilisation: the result is kept between the lowest recommendation of
//     the last scale_up_stabilization seconds and the highest of the last
//     scale_down_stabilization seconds (windows open at their old end; the
//     current recommendation is included).
//  4. Rate limits over the last scaling_policy_period seconds (Kubernetes
//     selectPolicy Max): up to max(ceil(start x (1 + up%/100)), start + pods),
//     down to floor(start x (1 - down%/100)), where start is the count in force
//     minus the replicas this policy added (plus those it removed) within that
//     period. Then clamp to [min, max].
#pragma once

#include "autoscaling/ReplicaAutoscaler.hpp"

#include <deque>
#include <optional>

namespace leptonsim {

class HorizontalPodAutoscaler final : public ReplicaAutoscaler {
 public:
  explicit HorizontalPodAutoscaler(const PolicyParams& params);
  double period() const override { return period_; }
  ScalingDecision decide(const AutoscalerObservation& observation) override;
  static PolicyInfo info();

 private:
  struct Recommendation {
    int replicas = 0;
    std::string explanation;
  };
  struct TimedCount {
    double time = 0.0;
    int replicas = 0;
  };

  // Step 2; nullopt when no ready replica reports the metric.
  std::optional<Recommendation> recommend(const AutoscalerObservation& observation) const;
  int stabilize(double now, int current, int recommended);
  int limit_rate(double now, int current, int stabilized) const;
  int replicas_changed_within_policy_period(const std::deque<TimedCount>& events, double now) const;
  void record_change(double now, int current, int desired);

  ReplicaBounds bounds_;
  ScalingMetric metric_;
  double target_;
  double tolerance_;
  double period_;
  double scale_down_stabilization_;
  double scale_up_stabilization_;
  double scale_up_limit_percent_;
  int scale_up_limit_pods_;
  double scale_down_limit_percent_;
  double scaling_policy_period_;

  std::deque<TimedCount> recommendations_;    // unstabilised recommendations, oldest first
  std::deque<TimedCount> scale_up_events_;    // replicas added by this policy, oldest first
  std::deque<TimedCount> scale_down_events_;  // replicas removed by this policy, oldest first
};

}  // namespace leptonsim
