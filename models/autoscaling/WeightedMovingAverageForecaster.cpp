#include "autoscaling/WeightedMovingAverageForecaster.hpp"

#include <stdexcept>

namespace leptonsim {

WeightedMovingAverageForecaster::WeightedMovingAverageForecaster(int history) : history_(history) {
  if (history < 1) throw std::invalid_argument("weighted moving average needs history >= 1");
}

void WeightedMovingAverageForecaster::observe(double value) {
  values_.push_front(value);
  if (static_cast<int>(values_.size()) > history_) values_.pop_back();
}

double WeightedMovingAverageForecaster::forecast(int /*steps_ahead*/) const {
  double weighted_sum = 0.0;
  double weight_sum = 0.0;
  double weight = history_;
  for (double value : values_) {
    weighted_sum += weight * value;
    weight_sum += weight;
    weight -= 1.0;
  }
  return weight_sum > 0.0 ? weighted_sum / weight_sum : 0.0;
}

}  // namespace leptonsim
