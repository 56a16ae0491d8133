#include "autoscaling/HorizontalPodAutoscaler.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace leptonsim {
namespace {
constexpr const char* policy_name = "hpa";
// Slack on the tolerance test so that a ratio exactly on the band's edge by
// hand (0.77 / 0.7 = 1.1) is not pushed out of it by floating-point rounding.
constexpr double tolerance_slack = 1e-9;
}

HorizontalPodAutoscaler::HorizontalPodAutoscaler(const PolicyParams& params)
    : bounds_(read_replica_bounds(params, policy_name)),
      metric_(read_scaling_metric(params, policy_name)),
      target_(params.get("target")),
      tolerance_(params.get("tolerance")),
      period_(params.get("period")),
      scale_down_stabilization_(params.get("scale_down_stabilization")),
      scale_up_stabilization_(params.get("scale_up_stabilization")),
      scale_up_limit_percent_(params.get("scale_up_limit_percent")),
      scale_up_limit_pods_(read_integer_parameter(params, "scale_up_limit_pods", policy_name)),
      scale_down_limit_percent_(params.get("scale_down_limit_percent")),
      scaling_policy_period_(params.get("scaling_policy_period")) {}

PolicyInfo HorizontalPodAutoscaler::info() {
  std::vector<PolicyParameter> parameters = replica_bound_parameters();
  const std::vector<PolicyParameter> own = {
      {"metric", 0, 0, 2, std::string(scaling_metric_description)},
      {"target", 0.7, 1e-6, 1e9, "target average of the metric per ready replica (a fraction for utilisation)"},
      {"tolerance", 0.1, 0, 1, "no change while |metric / target - 1| is at most this"},
      {"period", 15, 1, 3600, "seconds between decisions (controller sync period)"},
      {"scale_down_stabilization", 300, 0, 3600,
       "seconds: scale down only to the highest recommendation of this window"},
      {"scale_up_stabilization", 0, 0, 3600, "seconds: scale up only to the lowest recommendation of this window"},
      {"scale_up_limit_percent", 100, 0, 1e6, "scale-up policy: at most this % more replicas per policy period"},
      {"scale_up_limit_pods", 4, 0, 10000, "scale-up policy: at most this many more replicas per policy period"},
      {"scale_down_limit_percent", 100, 0, 100, "scale-down policy: at most this % fewer replicas per policy period"},
      {"scaling_policy_period", 15, 1, 1800, "seconds over which the scale-up and scale-down limits count"},
  };
  parameters.insert(parameters.end(), own.begin(), own.end());
  return {"autoscaler", policy_name,
          "Kubernetes HPA: ceil(current x metric / target), tolerance, stabilisation window, rate limits",
          parameters};
}

std::optional<HorizontalPodAutoscaler::Recommendation> HorizontalPodAutoscaler::recommend(
    const AutoscalerObservation& observation) const {
  const int current = observation.desired_replicas;
  const int ready = observation.ready_replicas;
  const int starting = observation.starting_replicas;
  const int pending = std::max(0, current - ready - starting);
  const std::string_view name = scaling_metric_name(metric_);

  if (ready == 0) {
    if (starting + pending > 0 || metric_ == ScalingMetric::gpu_utilization) return std::nullopt;
    const double total = metric_ == ScalingMetric::concurrency ? observation.total_concurrency
                                                                : observation.request_rate;
    const int replicas = ceil_ignoring_rounding_noise(total / target_);
    return Recommendation{replicas, fmt::format("no replicas: service-wide {} {:.2f} / target {:.2f} recommends {}",
                                                name, total, target_, replicas)};
  }

  const double value = per_replica_metric_value(observation, metric_);
  const double ratio = value / target_;
  const int unready = metric_ == ScalingMetric::gpu_utilization ? starting : 0;
  const int missing = pending + (metric_ == ScalingMetric::gpu_utilization ? 0 : starting);
  const std::string head =
      fmt::format("{} {:.2f} vs target {:.2f} (ratio {:.2f})", name, value, target_, ratio);

  const bool counts_unready = unready > 0 && ratio > 1.0;
  if (!counts_unready && missing == 0) {
    if (std::abs(ratio - 1.0) <= tolerance_ + tolerance_slack)
      return Recommendation{current, fmt::format("{} within tolerance {:.2f}: keep {}", head, tolerance_, current)};
    const int replicas = ceil_ignoring_rounding_noise(ready * ratio);
    return Recommendation{replicas, fmt::format("{} recommends {}", head, replicas)};
  }

  // Recompute conservatively with the set-aside (starting) and missing (not reporting) replicas.
  double sum = value * ready;
  int pods = ready;
  std::string adjustment;
  if (missing > 0) {
    pods += missing;
    if (ratio <= 1.0) sum += missing * target_;
    adjustment += fmt::format("; {} without metric counted at {}", missing, ratio <= 1.0 ? "target" : "0");
  }
  if (counts_unready) {
    pods += unready;
    adjustment += fmt::format("; {} starting counted at 0", unready);
  }
  const double new_ratio = sum / (pods * target_);
  const std::string adjusted = fmt::format("{}{}: ratio {:.2f}", head, adjustment, new_ratio);
  if (std::abs(new_ratio - 1.0) <= tolerance_ + tolerance_slack)
    return Recommendation{current, fmt::format("{} within tolerance {:.2f}: keep {}", adjusted, tolerance_, current)};
  if ((ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0))
    return Recommendation{current, fmt::format("{} reverses direction: keep {}", adjusted, current)};
  const int replicas = ceil_ignoring_rounding_noise(pods * new_ratio);
  if ((new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current))
    return Recommendation{current, fmt::format("{} gives {} against its direction: keep {}", adjusted, replicas,
                                               current)};
  return Recommendation{replicas, fmt::format("{} recommends {}", adjusted, replicas)};
}

int HorizontalPodAutoscaler::stabilize(double now, int current, int recommended) {
  int lowest_recent = recommended;   // bound from below (scale-up window)
  int highest_recent = recommended;  // bound from above (scale-down window)
  for (const TimedCount& past : recommendations_) {
    if (is_within_last(now, past.time, scale_up_stabilization_)) lowest_recent = std::min(lowest_recent, past.replicas);
    if (is_within_last(now, past.time, scale_down_stabilization_))
      highest_recent = std::max(highest_recent, past.replicas);
  }
  recommendations_.push_back({now, recommended});
  const double longest = std::max(scale_up_stabilization_, scale_down_stabilization_);
  while (!recommendations_.empty() && !is_within_last(now, recommendations_.front().time, longest))
    recommendations_.pop_front();
  return std::min(std::max(current, lowest_recent), highest_recent);
}

int HorizontalPodAutoscaler::replicas_changed_within_policy_period(const std::deque<TimedCount>& events,
                                                                   double now) const {
  int sum = 0;
  for (const TimedCount& event : events)
    if (is_within_last(now, event.time, scaling_policy_period_)) sum += event.replicas;
  return sum;
}

int HorizontalPodAutoscaler::limit_rate(double now, int current, int stabilized) const {
  const int added = replicas_changed_within_policy_period(scale_up_events_, now);
  const int removed = replicas_changed_within_policy_period(scale_down_events_, now);
  int lowest = bounds_.min_replicas;
  int highest = bounds_.max_replicas;
  if (stabilized > current) {
    const int start = current - added + removed;
    const int by_percent = ceil_ignoring_rounding_noise(start * (1.0 + scale_up_limit_percent_ / 100.0));
    const int by_pods = start + scale_up_limit_pods_;
    highest = std::min(highest, std::max({by_percent, by_pods, current}));
  } else if (stabilized < current) {
    const int start = current + removed - added;
    const int by_percent = floor_ignoring_rounding_noise(start * (1.0 - scale_down_limit_percent_ / 100.0));
    lowest = std::max(lowest, std::min(by_percent, current));
  }
  return std::clamp(stabilized, std::min(lowest, highest), highest);
}

void HorizontalPodAutoscaler::record_change(double now, int current, int desired) {
  if (desired > current) scale_up_events_.push_back({now, desired - current});
  if (desired < current) scale_down_events_.push_back({now, current - desired});
  for (auto* events : {&scale_up_events_, &scale_down_events_})
    while (!events->empty() && !is_within_last(now, events->front().time, scaling_policy_period_))
      events->pop_front();
}

ScalingDecision HorizontalPodAutoscaler::decide(const AutoscalerObservation& observation) {
  const double now = observation.now;
  const int current = observation.desired_replicas;
  if (current < bounds_.min_replicas || current > bounds_.max_replicas) {
    const int desired = bounds_.clamp(current);
    record_change(now, current, desired);
    return {desired, fmt::format("hpa: {} replicas outside [{}, {}] -> {}", current, bounds_.min_replicas,
                                 bounds_.max_replicas, desired)};
  }
  const std::optional<Recommendation> recommendation = recommend(observation);
  if (!recommendation) {
    record_change(now, current, current);
    return {current, fmt::format("hpa: no ready replica reports {}: keep {}", scaling_metric_name(metric_), current)};
  }
  const int stabilized = stabilize(now, current, recommendation->replicas);
  const int desired = limit_rate(now, current, stabilized);
  record_change(now, current, desired);

  std::string reason = "hpa: " + recommendation->explanation;
  if (stabilized != recommendation->replicas) {
    if (stabilized > recommendation->replicas)
      reason += fmt::format("; stabilised to {} (highest of the last {:g} s)", stabilized, scale_down_stabilization_);
    else
      reason += fmt::format("; stabilised to {} (lowest of the last {:g} s)", stabilized, scale_up_stabilization_);
  }
  if (desired != stabilized) reason += fmt::format("; limited to {}", desired);
  reason += fmt::format(" -> {}", desired);
  return {desired, reason};
}

}  // namespace leptonsim
