#include "autoscaling/StepScalingAutoscaler.hpp"

#include <fmt/format.h>

namespace leptonsim {
namespace {
constexpr const char* policy_name = "step";

bool has_cooled_down(const std::optional<double>& last, double now, double cooldown) {
  return !last || now - *last >= cooldown - autoscaler_time_epsilon;
}
}  // namespace

StepScalingAutoscaler::StepScalingAutoscaler(const PolicyParams& params)
    : bounds_(read_replica_bounds(params, policy_name)),
      metric_(read_scaling_metric(params, policy_name)),
      upper_threshold_(params.get("upper_threshold")),
      lower_threshold_(params.get("lower_threshold")),
      step_up_(read_integer_parameter(params, "step_up", policy_name)),
      step_down_(read_integer_parameter(params, "step_down", policy_name)),
      cooldown_up_(params.get("cooldown_up")),
      cooldown_down_(params.get("cooldown_down")),
      period_(params.get("period")) {
  if (!(lower_threshold_ < upper_threshold_))
    throw PolicyError(fmt::format("autoscaler policy 'step': lower_threshold = {} must be below upper_threshold = {}",
                                  lower_threshold_, upper_threshold_));
}

PolicyInfo StepScalingAutoscaler::info() {
  std::vector<PolicyParameter> parameters = replica_bound_parameters();
  const std::vector<PolicyParameter> own = {
      {"metric", 0, 0, 2, std::string(scaling_metric_description)},
      {"upper_threshold", 0.8, 0, 1e9, "add step_up replicas while the metric is above this"},
      {"lower_threshold", 0.3, 0, 1e9, "remove step_down replicas while the metric is below this"},
      {"step_up", 2, 1, 10000, "replicas added per scale-up"},
      {"step_down", 1, 1, 10000, "replicas removed per scale-down"},
      {"cooldown_up", 60, 0, 86400, "seconds after a scale-up before the next scale-up"},
      {"cooldown_down", 300, 0, 86400, "seconds after any change before a scale-down"},
      {"period", 15, 1, 3600, "seconds between decisions"},
  };
  parameters.insert(parameters.end(), own.begin(), own.end());
  return {"autoscaler", policy_name, "threshold/step scaling: add or remove fixed steps, with cooldowns", parameters};
}

ScalingDecision StepScalingAutoscaler::decide(const AutoscalerObservation& observation) {
  const double now = observation.now;
  const int current = observation.desired_replicas;
  const std::string_view name = scaling_metric_name(metric_);

  auto finish = [&](int proposed, std::string reason) {
    const int desired = bounds_.clamp(proposed);
    if (desired != proposed) reason += fmt::format("; clamped to [{}, {}]", bounds_.min_replicas, bounds_.max_replicas);
    if (desired > current) last_scale_up_ = now;
    if (desired != current) last_change_ = now;
    return ScalingDecision{desired, fmt::format("step: {} -> {}", reason, desired)};
  };

  if (observation.ready_replicas == 0 && observation.starting_replicas > 0)
    return finish(current, fmt::format("no ready replica, {} starting: keep {}", observation.starting_replicas,
                                       current));
  const double value = per_replica_metric_value(observation, metric_);
  if (value > upper_threshold_) {
    if (!has_cooled_down(last_scale_up_, now, cooldown_up_))
      return finish(current, fmt::format("{} {:.2f} > {:.2f} but scale-up cooldown ({:g} s since {:g}): keep {}", name,
                                         value, upper_threshold_, cooldown_up_, *last_scale_up_, current));
    return finish(current + step_up_, fmt::format("{} {:.2f} > {:.2f}: {} + {}", name, value, upper_threshold_,
                                                  current, step_up_));
  }
  if (value < lower_threshold_) {
    if (!has_cooled_down(last_change_, now, cooldown_down_))
      return finish(current, fmt::format("{} {:.2f} < {:.2f} but scale-down cooldown ({:g} s since {:g}): keep {}",
                                         name, value, lower_threshold_, cooldown_down_, *last_change_, current));
    return finish(current - step_down_, fmt::format("{} {:.2f} < {:.2f}: {} - {}", name, value, lower_threshold_,
                                                    current, step_down_));
  }
  return finish(current, fmt::format("{} {:.2f} within [{:.2f}, {:.2f}]: keep {}", name, value, lower_threshold_,
                                     upper_threshold_, current));
}

}  // namespace leptonsim
