#include "autoscaling/StaticAutoscaler.hpp"

#include <fmt/format.h>

namespace leptonsim {

StaticAutoscaler::StaticAutoscaler(const PolicyParams& params) : bounds_(read_replica_bounds(params, "static")) {}

ScalingDecision StaticAutoscaler::decide(const AutoscalerObservation& observation) {
  const int desired = bounds_.clamp(observation.desired_replicas);
  if (desired == observation.desired_replicas) return {desired, fmt::format("static: keep {}", desired)};
  return {desired, fmt::format("static: {} outside [{}, {}] -> {}", observation.desired_replicas,
                               bounds_.min_replicas, bounds_.max_replicas, desired)};
}

PolicyInfo StaticAutoscaler::info() {
  return {"autoscaler", "static", "fixed replica count: keeps the count in force, clamped to [min, max]",
          replica_bound_parameters()};
}

}  // namespace leptonsim
