// Replica autoscalers decide how many replicas a service should have.
//
// Every `period()` seconds of simulated time the simulator hands the
// autoscaler what it observed over the last period and applies the returned
// desired count (after clamping it to the service's [min, max], which it
// reports). Autoscalers keep whatever history they need themselves; they never
// see SimGrid objects.
#pragma once

#include "common/PolicyRegistry.hpp"

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace leptonsim {

// What the simulator observed, handed to the autoscaler every `period()` seconds of simulated time.
struct AutoscalerObservation {
  double now = 0.0;                 // simulated seconds
  int desired_replicas = 0;         // the desired count currently in force (last decision)
  int ready_replicas = 0;           // serving
  int starting_replicas = 0;        // placed, cold-starting (not yet ready)
  double gpu_utilization = 0.0;     // mean busy fraction of ready replicas over the last period, [0,1]
  double concurrency = 0.0;         // mean requests in service or queued, per ready replica, over the last period (total when ready == 0)
  double total_concurrency = 0.0;   // mean requests in the system (queued at balancer + at replicas + in service) over the last period
  double request_rate = 0.0;        // arrivals per second over the last period (whole service)
  double seconds_since_last_request = 0.0;  // since the last arrival (large when none yet)
  double cold_start_seconds = 0.0;  // current estimate of how long a new replica takes to become ready
};

struct ScalingDecision {
  int desired_replicas = 0;   // the simulator clamps to [min, max] of the service and reports when it did
  std::string reason;         // one line, for the events table, e.g. "hpa: utilization 0.91 > target 0.70 (ratio 1.30) -> 6"
};

class ReplicaAutoscaler {
 public:
  virtual ~ReplicaAutoscaler() = default;
  virtual double period() const = 0;   // seconds between decisions
  virtual ScalingDecision decide(const AutoscalerObservation& observation) = 0;
};

using ReplicaAutoscalerRegistry = PolicyRegistry<ReplicaAutoscaler>;

// ---- Helpers shared by the autoscaler policies -----------------------------

// The metric a metric-driven policy scales on; the `metric` parameter encodes it as a number.
enum class ScalingMetric {
  gpu_utilization = 0,      // mean busy fraction of the ready replicas, target is a fraction in (0, 1]
  concurrency = 1,          // requests in service or queued per ready replica
  requests_per_second = 2,  // arrivals per second per ready replica
};

// One-line description of the `metric` parameter's encoding.
inline constexpr std::string_view scaling_metric_description =
    "0 = GPU utilisation of ready replicas (fraction), 1 = concurrency per ready replica, "
    "2 = requests per second per ready replica";

std::string_view scaling_metric_name(ScalingMetric metric);

// Per-ready-replica value of `metric`; for ready == 0 the service-wide value
// (utilisation 0, total concurrency, total request rate).
double per_replica_metric_value(const AutoscalerObservation& observation, ScalingMetric metric);

// The inclusive replica range every autoscaler keeps its decisions in.
struct ReplicaBounds {
  int min_replicas = 1;
  int max_replicas = 10;
  int clamp(int replicas) const;
};

// The `min_replicas` and `max_replicas` parameters every autoscaler declares.
std::vector<PolicyParameter> replica_bound_parameters();

// Reads min/max replicas; throws PolicyError when not whole numbers or min > max.
ReplicaBounds read_replica_bounds(const PolicyParams& params, const std::string& policy);

// A parameter that must be a whole number (counts, encodings); throws PolicyError otherwise.
int read_integer_parameter(const PolicyParams& params, const std::string& name, const std::string& policy);

ScalingMetric read_scaling_metric(const PolicyParams& params, const std::string& policy);

// Simulated times closer than this count as equal (robust window edges when
// the simulator's clock accumulates rounding error).
inline constexpr double autoscaler_time_epsilon = 1e-6;

// True when `time` lies in the window of length `window` that ends at `now`,
// open at its old end: now - window < time <= now.
inline bool is_within_last(double now, double time, double window) {
  return now - time < window - autoscaler_time_epsilon;
}

// ceil(x), ignoring floating-point noise: values within 1e-9 (relative) above
// a whole number round down to it, so that 0.84 / 0.7 * 5 gives 6, not 7.
// NaN gives 0; the result is capped at +-1e9.
int ceil_ignoring_rounding_noise(double x);
// floor(x), with the same tolerance.
inline int floor_ignoring_rounding_noise(double x) { return -ceil_ignoring_rounding_noise(-x); }

}  // namespace leptonsim
