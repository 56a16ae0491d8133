#include "autoscaling/ReplicaAutoscaler.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace leptonsim {

std::string_view scaling_metric_name(ScalingMetric metric) {
  switch (metric) {
    case ScalingMetric::gpu_utilization: return "utilization";
    case ScalingMetric::concurrency: return "concurrency";
    case ScalingMetric::requests_per_second: return "rps";
  }
  return "unknown";
}

double per_replica_metric_value(const AutoscalerObservation& observation, ScalingMetric metric) {
  const int ready = observation.ready_replicas;
  switch (metric) {
    case ScalingMetric::gpu_utilization: return ready > 0 ? observation.gpu_utilization : 0.0;
    case ScalingMetric::concurrency: return observation.concurrency;  // already per ready replica (total when none)
    case ScalingMetric::requests_per_second:
      return ready > 0 ? observation.request_rate / ready : observation.request_rate;
  }
  return 0.0;
}

int ReplicaBounds::clamp(int replicas) const { return std::clamp(replicas, min_replicas, max_replicas); }

std::vector<PolicyParameter> replica_bound_parameters() {
  return {
      {"min_replicas", 1, 0, 10000, "fewest replicas the policy asks for (0 allows scale to zero)"},
      {"max_replicas", 10, 1, 10000, "most replicas the policy asks for"},
  };
}

int read_integer_parameter(const PolicyParams& params, const std::string& name, const std::string& policy) {
  const double value = params.get(name);
  if (value != std::floor(value))
    throw PolicyError(fmt::format("autoscaler policy '{}': parameter '{}' = {} must be a whole number", policy, name,
                                  value));
  return static_cast<int>(value);
}

ReplicaBounds read_replica_bounds(const PolicyParams& params, const std::string& policy) {
  ReplicaBounds bounds;
  bounds.min_replicas = read_integer_parameter(params, "min_replicas", policy);
  bounds.max_replicas = read_integer_parameter(params, "max_replicas", policy);
  if (bounds.min_replicas > bounds.max_replicas)
    throw PolicyError(fmt::format("autoscaler policy '{}': min_replicas = {} exceeds max_replicas = {}", policy,
                                  bounds.min_replicas, bounds.max_replicas));
  return bounds;
}

ScalingMetric read_scaling_metric(const PolicyParams& params, const std::string& policy) {
  return static_cast<ScalingMetric>(read_integer_parameter(params, "metric", policy));
}

int ceil_ignoring_rounding_noise(double x) {
  constexpr double largest = 1e9;  // far above any replica count; keeps the int conversion defined
  if (std::isnan(x)) return 0;     // an undefined metric never asks for replicas
  if (!(x < largest)) return static_cast<int>(largest);
  if (x < -largest) return -static_cast<int>(largest);
  const double nearest = std::round(x);
  if (std::abs(x - nearest) <= 1e-9 * std::max(1.0, std::abs(x))) return static_cast<int>(nearest);
  return static_cast<int>(std::ceil(x));
}

}  // namespace leptonsim
