// Predictive autoscaling: forecast demand from weighted history (p = sum w_i h_i)
// and provision ahead by the cold-start lead time, never below the reactive need.
//
// Each period it feeds the observed request rate to a forecaster (method 0:
// weighted moving average over `history` periods, weights linearly decreasing
// with age; method 1: additive Holt-Winters with `season_length` periods and
// alpha/beta/gamma, a weighted moving average until two seasons are seen), then
//   lead      = max(1, ceil(cold_start_seconds / period)) periods
//   forecast  = the highest forecast rate 1 .. lead periods ahead (at least 0):
//               replicas kept now must serve every period until one started
//               now could be ready
//   predicted = ceil(forecast / requests_per_replica)
//   reactive  = ceil(total_concurrency / target_concurrency_per_replica)
//   desired   = clamp(max(predicted, reactive), min, max)
#pragma once

#include "autoscaling/DemandForecaster.hpp"
#include "autoscaling/ReplicaAutoscaler.hpp"

#include <memory>

namespace leptonsim {

class PredictiveAutoscaler final : public ReplicaAutoscaler {
 public:
  explicit PredictiveAutoscaler(const PolicyParams& params);
  double period() const override { return period_; }
  ScalingDecision decide(const AutoscalerObservation& observation) override;
  static PolicyInfo info();

  const DemandForecaster& forecaster() const { return *forecaster_; }

 private:
  ReplicaBounds bounds_;
  std::unique_ptr<DemandForecaster> forecaster_;
  double requests_per_replica_;
  double target_concurrency_per_replica_;
  double period_;
};

}  // namespace leptonsim
