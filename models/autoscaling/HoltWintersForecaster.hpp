// Additive Holt-Winters (triple exponential smoothing) with season length m:
//   level_t  = alpha (y_t - s_{t-m}) + (1 - alpha)(level_{t-1} + trend_{t-1})
//   trend_t  = beta (level_t - level_{t-1}) + (1 - beta) trend_{t-1}
//   s_t      = gamma (y_t - level_t) + (1 - gamma) s_{t-m}
//   forecast(h) = level_T + h trend_T + s for the season phase of T + h
//                 (its latest estimate).
// Warm-up: the first 2m values are buffered; then level = mean of the first
// season, trend = (mean of the second season - mean of the first) / m,
// s_j = y_j - level for the first season, and the second season is run through
// the update equations. Until then the forecast is a weighted moving average
// of the values seen (`warm_up_history` periods).
#pragma once

#include "autoscaling/DemandForecaster.hpp"
#include "autoscaling/WeightedMovingAverageForecaster.hpp"

#include <vector>

namespace leptonsim {

class HoltWintersForecaster final : public DemandForecaster {
 public:
  HoltWintersForecaster(int season_length, double alpha, double beta, double gamma, int warm_up_history);
  void observe(double value) override;
  double forecast(int steps_ahead) const override;

  bool is_warmed_up() const { return is_warmed_up_; }

 private:
  void update(double value);

  int season_length_;
  double alpha_;
  double beta_;
  double gamma_;
  WeightedMovingAverageForecaster warm_up_forecaster_;
  std::vector<double> warm_up_values_;
  bool is_warmed_up_ = false;
  double level_ = 0.0;
  double trend_ = 0.0;
  std::vector<double> seasonal_;  // indexed by time mod season_length
  long long observed_ = 0;        // values folded into level/trend/seasonal (time of the next one)
};

}  // namespace leptonsim
