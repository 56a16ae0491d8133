#include "autoscaling/HoltWintersForecaster.hpp"

#include <numeric>
#include <stdexcept>

namespace leptonsim {

HoltWintersForecaster::HoltWintersForecaster(int season_length, double alpha, double beta, double gamma,
                                             int warm_up_history)
    : season_length_(season_length),
      alpha_(alpha),
      beta_(beta),
      gamma_(gamma),
      warm_up_forecaster_(warm_up_history) {
  if (season_length < 2) throw std::invalid_argument("Holt-Winters needs a season of at least 2 periods");
}

void HoltWintersForecaster::update(double value) {
  const std::size_t phase = static_cast<std::size_t>(observed_ % season_length_);
  const double previous_seasonal = seasonal_[phase];
  const double previous_level = level_;
  level_ = alpha_ * (value - previous_seasonal) + (1.0 - alpha_) * (previous_level + trend_);
  trend_ = beta_ * (level_ - previous_level) + (1.0 - beta_) * trend_;
  seasonal_[phase] = gamma_ * (value - level_) + (1.0 - gamma_) * previous_seasonal;
  ++observed_;
}

void HoltWintersForecaster::observe(double value) {
  if (is_warmed_up_) {
    update(value);
    return;
  }
  warm_up_forecaster_.observe(value);
  warm_up_values_.push_back(value);
  const std::size_t m = static_cast<std::size_t>(season_length_);
  if (warm_up_values_.size() < 2 * m) return;

  const auto first = warm_up_values_.begin();
  const double first_mean = std::accumulate(first, first + m, 0.0) / m;
  const double second_mean = std::accumulate(first + m, first + 2 * m, 0.0) / m;
  level_ = first_mean;
  trend_ = (second_mean - first_mean) / season_length_;
  seasonal_.resize(m);
  for (std::size_t j = 0; j < m; ++j) seasonal_[j] = warm_up_values_[j] - level_;
  observed_ = season_length_;
  for (std::size_t t = m; t < 2 * m; ++t) update(warm_up_values_[t]);
  is_warmed_up_ = true;
  warm_up_values_.clear();
  warm_up_values_.shrink_to_fit();
}

double HoltWintersForecaster::forecast(int steps_ahead) const {
  if (!is_warmed_up_) return warm_up_forecaster_.forecast(steps_ahead);
  const long long last = observed_ - 1;
  const std::size_t phase = static_cast<std::size_t>((last + steps_ahead) % season_length_);
  return level_ + steps_ahead * trend_ + seasonal_[phase];
}

}  // namespace leptonsim
