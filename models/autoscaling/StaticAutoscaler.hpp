// Static: keeps the replica count in force (clamped to [min, max]); never scales.
//
// Lets the simulator treat a fixed-size service like any other: it still runs
// an autoscaler loop, which simply never changes anything.
#pragma once

#include "autoscaling/ReplicaAutoscaler.hpp"

namespace leptonsim {

class StaticAutoscaler final : public ReplicaAutoscaler {
 public:
  explicit StaticAutoscaler(const PolicyParams& params);
  double period() const override { return 60.0; }
  ScalingDecision decide(const AutoscalerObservation& observation) override;
  static PolicyInfo info();

 private:
  ReplicaBounds bounds_;
};

}  // namespace leptonsim
