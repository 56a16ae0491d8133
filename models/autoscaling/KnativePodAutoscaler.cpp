#include "autoscaling/KnativePodAutoscaler.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace leptonsim {
namespace {
constexpr const char* policy_name = "kpa";
}

KnativePodAutoscaler::KnativePodAutoscaler(const PolicyParams& params)
    : bounds_(read_replica_bounds(params, policy_name)),
      container_concurrency_target_(params.get("container_concurrency_target")),
      target_utilization_(params.get("target_utilization")),
      stable_window_(params.get("stable_window")),
      panic_window_(params.get("stable_window") * params.get("panic_window_percentage") / 100.0),
      panic_threshold_(params.get("panic_threshold_percentage") / 100.0),
      tick_(params.get("tick")),
      max_scale_up_rate_(params.get("max_scale_up_rate")),
      max_scale_down_rate_(params.get("max_scale_down_rate")),
      scale_to_zero_grace_period_(params.get("scale_to_zero_grace_period")) {}

PolicyInfo KnativePodAutoscaler::info() {
  std::vector<PolicyParameter> parameters = replica_bound_parameters();
  const std::vector<PolicyParameter> own = {
      {"container_concurrency_target", 100, 0.01, 1e6, "concurrent requests per replica the target is a share of"},
      {"target_utilization", 0.7, 0.01, 1, "share of container_concurrency_target to aim for"},
      {"stable_window", 60, 6, 3600, "seconds averaged in stable mode"},
      {"panic_window_percentage", 10, 1, 100, "panic window as a percentage of the stable window"},
      {"panic_threshold_percentage", 200, 110, 1000,
       "enter panic when the panic-window demand is this % of the ready replicas"},
      {"tick", 2, 1, 600, "seconds between decisions (tick interval)"},
      {"max_scale_up_rate", 1000, 1, 1e6, "at most ready x this replicas per decision"},
      {"max_scale_down_rate", 2, 1, 1e6, "at least ready / this replicas per decision"},
      {"scale_to_zero_grace_period", 30, 6, 3600, "seconds the last replica stays after the decision to go to zero"},
  };
  parameters.insert(parameters.end(), own.begin(), own.end());
  return {"autoscaler", policy_name,
          "Knative KPA: concurrency over a 60 s stable and a 6 s panic window, no scale-down in panic, scale to zero",
          parameters};
}

double KnativePodAutoscaler::window_mean(double now, double window) const {
  double sum = 0.0;
  int count = 0;
  for (const Sample& sample : history_)
    if (is_within_last(now, sample.time, window)) {
      sum += sample.total_concurrency;
      ++count;
    }
  return count > 0 ? sum / count : 0.0;
}

ScalingDecision KnativePodAutoscaler::decide(const AutoscalerObservation& observation) {
  const double now = observation.now;
  const int current = observation.desired_replicas;
  history_.push_back({now, observation.total_concurrency});
  if (!first_sample_time_) first_sample_time_ = now;
  while (!history_.empty() && !is_within_last(now, history_.front().time, stable_window_)) history_.pop_front();

  const double target = container_concurrency_target_ * target_utilization_;
  const double stable_mean = window_mean(now, stable_window_);
  const double panic_mean = window_mean(now, panic_window_);
  const int ready = std::max(1, observation.ready_replicas);
  const int max_up = ceil_ignoring_rounding_noise(max_scale_up_rate_ * ready);
  const int max_down = floor_ignoring_rounding_noise(ready / max_scale_down_rate_);
  const int stable_raw = ceil_ignoring_rounding_noise(stable_mean / target);
  const int panic_raw = ceil_ignoring_rounding_noise(panic_mean / target);
  const int stable = std::clamp(stable_raw, max_down, max_up);
  const int panic = std::clamp(panic_raw, max_down, max_up);
  const double panic_ratio = static_cast<double>(panic_raw) / ready;

  std::string reason = fmt::format("kpa: stable {:.1f}/{:g} = {}, panic {:.1f}/{:g} = {} ({:.2f}x of {} ready)",
                                   stable_mean, target, stable, panic_mean, target, panic, panic_ratio, ready);
  if (panic_ratio >= panic_threshold_ - 1e-12) {
    if (!is_in_panic()) {
      max_panic_replicas_ = current;
      reason += "; enter panic";
    }
    last_over_panic_threshold_ = now;
  } else if (is_in_panic() && now - *last_over_panic_threshold_ > stable_window_ + autoscaler_time_epsilon) {
    last_over_panic_threshold_.reset();
    max_panic_replicas_ = 0;
    reason += "; leave panic";
  }

  int desired = stable;
  if (is_in_panic()) {
    reason += fmt::format("; panic since the trigger at {:g} s", *last_over_panic_threshold_);
    const int wanted = std::max(stable, panic);
    if (wanted < max_panic_replicas_) reason += fmt::format("; panic: no scale-down below {}", max_panic_replicas_);
    max_panic_replicas_ = std::max(max_panic_replicas_, wanted);
    desired = max_panic_replicas_;
  }

  bool is_in_grace_period = false;
  if (desired == 0 && current > 0) {
    const bool has_full_window =
        *first_sample_time_ - tick_ <= now - stable_window_ + autoscaler_time_epsilon;
    if (!has_full_window) {
      desired = 1;
      reason += "; keep 1 until a full stable window without traffic";
    } else {
      if (!zero_since_) zero_since_ = now;
      if (now - *zero_since_ < scale_to_zero_grace_period_ - autoscaler_time_epsilon) {
        desired = 1;
        is_in_grace_period = true;
        reason += fmt::format("; keep 1 for the scale-to-zero grace period (since {:g} s)", *zero_since_);
      }
    }
  }
  if (desired > 0 && !is_in_grace_period) zero_since_.reset();

  const int clamped = bounds_.clamp(desired);
  if (clamped != desired) reason += fmt::format("; clamped to [{}, {}]", bounds_.min_replicas, bounds_.max_replicas);
  reason += fmt::format(" -> {}", clamped);
  return {clamped, reason};
}

}  // namespace leptonsim
