#include "autoscaling/PredictiveAutoscaler.hpp"

#include "autoscaling/HoltWintersForecaster.hpp"
#include "autoscaling/WeightedMovingAverageForecaster.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace leptonsim {
namespace {
constexpr const char* policy_name = "predictive";
constexpr int weighted_moving_average = 0;
constexpr int most_lead_periods = 100000;  // bounds the forecast loop for absurd lead times

std::unique_ptr<DemandForecaster> make_forecaster(const PolicyParams& params) {
  const int method = read_integer_parameter(params, "method", policy_name);
  const int history = read_integer_parameter(params, "history", policy_name);
  if (method == weighted_moving_average) return std::make_unique<WeightedMovingAverageForecaster>(history);
  return std::make_unique<HoltWintersForecaster>(read_integer_parameter(params, "season_length", policy_name),
                                                 params.get("alpha"), params.get("beta"), params.get("gamma"),
                                                 history);
}
}  // namespace

PredictiveAutoscaler::PredictiveAutoscaler(const PolicyParams& params)
    : bounds_(read_replica_bounds(params, policy_name)),
      forecaster_(make_forecaster(params)),
      requests_per_replica_(params.get("requests_per_replica")),
      target_concurrency_per_replica_(params.get("target_concurrency_per_replica")),
      period_(params.get("period")) {}

PolicyInfo PredictiveAutoscaler::info() {
  std::vector<PolicyParameter> parameters = replica_bound_parameters();
  const std::vector<PolicyParameter> own = {
      {"method", 0, 0, 1, "forecast: 0 = weighted moving average, 1 = additive Holt-Winters"},
      {"history", 6, 1, 10000, "periods in the weighted moving average (also Holt-Winters' warm-up)"},
      {"season_length", 24, 2, 100000, "Holt-Winters: periods per season"},
      {"alpha", 0.5, 0, 1, "Holt-Winters: level smoothing"},
      {"beta", 0.1, 0, 1, "Holt-Winters: trend smoothing"},
      {"gamma", 0.3, 0, 1, "Holt-Winters: seasonal smoothing"},
      {"requests_per_replica", 10, 1e-6, 1e9, "requests per second one replica serves at the target"},
      {"target_concurrency_per_replica", 8, 1e-6, 1e9, "reactive floor: requests in the system per replica"},
      {"period", 60, 1, 86400, "seconds between decisions (one forecast step)"},
  };
  parameters.insert(parameters.end(), own.begin(), own.end());
  return {"autoscaler", policy_name,
          "predictive: forecast the request rate a cold start ahead (WMA or Holt-Winters), never below reactive",
          parameters};
}

ScalingDecision PredictiveAutoscaler::decide(const AutoscalerObservation& observation) {
  forecaster_->observe(observation.request_rate);
  const int lead = std::clamp(ceil_ignoring_rounding_noise(observation.cold_start_seconds / period_), 1,
                              most_lead_periods);
  double peak = 0.0;
  for (int step = 1; step <= lead; ++step) peak = std::max(peak, forecaster_->forecast(step));
  const int predicted = ceil_ignoring_rounding_noise(peak / requests_per_replica_);
  const int reactive = ceil_ignoring_rounding_noise(observation.total_concurrency / target_concurrency_per_replica_);
  const int desired = bounds_.clamp(std::max(predicted, reactive));
  return {desired,
          fmt::format("predictive: forecast {:.2f} req/s within {} period(s) / {:g} per replica = {}; reactive "
                      "{:.2f} / {:g} = {} -> {}",
                      peak, lead, requests_per_replica_, predicted, observation.total_concurrency,
                      target_concurrency_per_replica_, reactive, desired)};
}

}  // namespace leptonsim
