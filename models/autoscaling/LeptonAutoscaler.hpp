// Lepton AI deployment autoscaling: min/max replicas, a target GPU utilisation
// percentage or a target of queries per minute per replica, and
// scale_down.no_traffic_timeout (scale to zero).
//
// Exactly one target is set (the other is 0). Each period, in this order:
//  1. Scale to zero: no_traffic_timeout > 0, at least that many seconds since
//     the last request and no request in the system during the last period
//     -> 0. Needs min_replicas = 0 (checked when the policy is made).
//  2. At zero: a request arrived during the last period, or requests wait at
//     the balancer -> max(1, recommendation); otherwise stay at 0.
//  3. Otherwise the recommendation, at least 1:
//       GPU target: ceil(ready x utilisation / (target_gpu_utilization_percentage / 100)),
//                   measured on ready replicas; while replicas are starting it
//                   never lowers the count in force (their effect is not
//                   measured yet), and with none ready the count is kept;
//       QPM target: ceil(request_rate x 60 / target_qpm).
//     A count in force never drops to 0 here: only the no-traffic timeout does that.
// The result is clamped to [min, max].
#pragma once

#include "autoscaling/ReplicaAutoscaler.hpp"

namespace leptonsim {

class LeptonAutoscaler final : public ReplicaAutoscaler {
 public:
  explicit LeptonAutoscaler(const PolicyParams& params);
  double period() const override { return period_; }
  ScalingDecision decide(const AutoscalerObservation& observation) override;
  static PolicyInfo info();

 private:
  ReplicaBounds bounds_;
  double target_gpu_utilization_percentage_;
  double target_qpm_;
  double no_traffic_timeout_;
  double period_;
};

}  // namespace leptonsim
