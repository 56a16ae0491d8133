// Threshold/step scaling ("above the threshold, add resources").
//
// Each period the metric (per ready replica; see `metric`) is compared with two
// thresholds:
//   metric > upper_threshold  -> desired = current + step_up, if at least
//                                cooldown_up seconds have passed since this
//                                policy's last scale-up;
//   metric < lower_threshold  -> desired = current - step_down, if at least
//                                cooldown_down seconds have passed since this
//                                policy's last change in either direction (new
//                                replicas get time to take load first);
//   otherwise, or while cooling down, the count in force is kept.
// The result is clamped to [min, max]. While no replica is ready but some are
// starting, the metric is not measured and the count is kept; with no replica
// at all, the concurrency and rps metrics are the service-wide totals (so the
// policy scales up from zero when requests wait) and utilisation counts as 0.
#pragma once

#include "autoscaling/ReplicaAutoscaler.hpp"

#include <optional>

namespace leptonsim {

class StepScalingAutoscaler final : public ReplicaAutoscaler {
 public:
  explicit StepScalingAutoscaler(const PolicyParams& params);
  double period() const override { return period_; }
  ScalingDecision decide(const AutoscalerObservation& observation) override;
  static PolicyInfo info();

 private:
  ReplicaBounds bounds_;
  ScalingMetric metric_;
  double upper_threshold_;
  double lower_threshold_;
  int step_up_;
  int step_down_;
  double cooldown_up_;
  double cooldown_down_;
  double period_;
  std::optional<double> last_scale_up_;
  std::optional<double> last_change_;
};

}  // namespace leptonsim
