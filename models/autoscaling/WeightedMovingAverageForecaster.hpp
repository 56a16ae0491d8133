// Weighted moving average, p = sum_i w_i h_i / sum_i w_i over the last
// `history` values, with weights decreasing linearly with age: the newest
// value weighs `history`, the one before `history - 1`, ..., the oldest kept 1.
// With fewer values observed, the ones present keep those weights. The
// forecast is the same for every horizon.
#pragma once

#include "autoscaling/DemandForecaster.hpp"

#include <deque>

namespace leptonsim {

class WeightedMovingAverageForecaster final : public DemandForecaster {
 public:
  explicit WeightedMovingAverageForecaster(int history);
  void observe(double value) override;
  double forecast(int steps_ahead) const override;

 private:
  int history_;
  std::deque<double> values_;  // newest first
};

}  // namespace leptonsim
