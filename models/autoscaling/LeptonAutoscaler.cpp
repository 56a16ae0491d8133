#include "autoscaling/LeptonAutoscaler.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace leptonsim {
namespace {
constexpr const char* policy_name = "lepton";
}

LeptonAutoscaler::LeptonAutoscaler(const PolicyParams& params)
    : bounds_(read_replica_bounds(params, policy_name)),
      target_gpu_utilization_percentage_(params.get("target_gpu_utilization_percentage")),
      target_qpm_(params.get("target_qpm")),
      no_traffic_timeout_(params.get("no_traffic_timeout")),
      period_(params.get("period")) {
  if ((target_gpu_utilization_percentage_ > 0) == (target_qpm_ > 0))
    throw PolicyError(fmt::format(
        "autoscaler policy 'lepton': set exactly one of target_gpu_utilization_percentage (= {}) and target_qpm "
        "(= {}); the other must be 0",
        target_gpu_utilization_percentage_, target_qpm_));
  if (no_traffic_timeout_ > 0 && bounds_.min_replicas > 0)
    throw PolicyError(fmt::format(
        "autoscaler policy 'lepton': no_traffic_timeout = {} scales to zero, which needs min_replicas = 0 (got {})",
        no_traffic_timeout_, bounds_.min_replicas));
}

PolicyInfo LeptonAutoscaler::info() {
  std::vector<PolicyParameter> parameters = replica_bound_parameters();
  const std::vector<PolicyParameter> own = {
      {"target_gpu_utilization_percentage", 80, 0, 100,
       "target mean GPU utilisation of ready replicas, percent (0 = use target_qpm)"},
      {"target_qpm", 0, 0, 1e9, "target queries per minute per replica (0 = use the GPU utilisation target)"},
      {"no_traffic_timeout", 0, 0, 1e7, "seconds without requests before scaling to zero (0 = never)"},
      {"period", 30, 1, 3600, "seconds between decisions"},
  };
  parameters.insert(parameters.end(), own.begin(), own.end());
  return {"autoscaler", policy_name,
          "Lepton AI: GPU utilisation or QPM target per replica, scale to zero after a no-traffic timeout",
          parameters};
}

ScalingDecision LeptonAutoscaler::decide(const AutoscalerObservation& observation) {
  const int current = observation.desired_replicas;
  const bool is_qpm = target_qpm_ > 0;
  const bool has_requests_in_system = observation.total_concurrency > 0;
  const bool has_recent_request = observation.seconds_since_last_request < period_ - autoscaler_time_epsilon;

  auto finish = [&](int proposed, const std::string& reason) {
    const int desired = bounds_.clamp(proposed);
    return ScalingDecision{desired, fmt::format("lepton: {} -> {}", reason, desired)};
  };

  if (no_traffic_timeout_ > 0 && !has_requests_in_system &&
      observation.seconds_since_last_request >= no_traffic_timeout_ - autoscaler_time_epsilon)
    return finish(0, fmt::format("no request for {:g} s >= no_traffic_timeout {:g} s: scale to zero",
                                 observation.seconds_since_last_request, no_traffic_timeout_));

  const double qpm = observation.request_rate * 60.0;
  const int by_qpm = is_qpm ? ceil_ignoring_rounding_noise(qpm / target_qpm_) : 0;

  if (current == 0) {
    if (!has_recent_request && !has_requests_in_system) return finish(0, "no traffic: stay at 0");
    if (is_qpm)
      return finish(std::max(1, by_qpm), fmt::format("traffic at zero: {:.1f} qpm / target {:g} = {}", qpm,
                                                     target_qpm_, by_qpm));
    return finish(1, "traffic at zero: start 1");
  }

  if (is_qpm)
    return finish(std::max(1, by_qpm), fmt::format("{:.1f} qpm / target {:g} per replica = {}", qpm, target_qpm_,
                                                   by_qpm));

  const int ready = observation.ready_replicas;
  if (ready == 0) return finish(current, fmt::format("no ready replica: keep {}", current));
  const double target = target_gpu_utilization_percentage_ / 100.0;
  const int by_utilization = ceil_ignoring_rounding_noise(ready * observation.gpu_utilization / target);
  std::string reason = fmt::format("{} ready at utilisation {:.2f} / target {:.2f} = {}", ready,
                                   observation.gpu_utilization, target, by_utilization);
  int proposed = std::max(1, by_utilization);
  if (observation.starting_replicas > 0 && proposed < current) {
    reason += fmt::format("; {} starting: no scale-down", observation.starting_replicas);
    proposed = current;
  }
  return finish(proposed, reason);
}

}  // namespace leptonsim
