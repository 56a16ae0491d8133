#include "workload/MmppArrivals.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace leptonsim {

MmppArrivals::MmppArrivals(double rate0, double rate1, double mean_sojourn0, double mean_sojourn1,
                           int initial_state)
    : rate_{rate0, rate1}, sojourn_{mean_sojourn0, mean_sojourn1}, state_(initial_state) {
  for (int k = 0; k < 2; ++k) {
    if (!(rate_[k] >= 0.0) || !std::isfinite(rate_[k]))
      throw std::invalid_argument(fmt::format("MMPP rate{} must be >= 0 and finite, got {}/s", k, rate_[k]));
    if (!(sojourn_[k] > 0.0) || !std::isfinite(sojourn_[k]))
      throw std::invalid_argument(
          fmt::format("MMPP mean sojourn{} must be positive and finite, got {} s", k, sojourn_[k]));
  }
  if (rate0 == 0.0 && rate1 == 0.0) throw std::invalid_argument("MMPP needs a positive rate in at least one state");
  if (initial_state < -1 || initial_state > 1)
    throw std::invalid_argument(fmt::format("MMPP initial state must be 0, 1 or -1 (stationary), got {}", initial_state));
}

double MmppArrivals::stationary_probability(int state) const {
  return sojourn_[state == 0 ? 0 : 1] / (sojourn_[0] + sojourn_[1]);
}

double MmppArrivals::mean_rate() const {
  return rate_[0] * stationary_probability(0) + rate_[1] * stationary_probability(1);
}

double MmppArrivals::index_of_dispersion(double window) const {
  const double pi0 = stationary_probability(0), pi1 = stationary_probability(1);
  const double r = 1.0 / sojourn_[0] + 1.0 / sojourn_[1];
  const double diff = rate_[0] - rate_[1];
  const double rt = r * window;
  return 1.0 + 2.0 * pi0 * pi1 * diff * diff / (mean_rate() * r) * (1.0 - (1.0 - std::exp(-rt)) / rt);
}

std::optional<Arrival> MmppArrivals::next(RandomStream& stream) {
  if (!has_started_) {
    if (state_ < 0) state_ = stream.uniform() < stationary_probability(0) ? 0 : 1;
    next_switch_ = stream.exponential(sojourn_[state_]);
    has_started_ = true;
  }
  for (;;) {
    const double rate = rate_[state_];
    if (rate > 0.0) {
      double candidate = time_ + stream.exponential(1.0 / rate);
      if (candidate < next_switch_) {
        if (candidate <= time_) candidate = std::nextafter(time_, next_switch_);
        time_ = candidate;
        return Arrival{candidate};
      }
    }
    time_ = next_switch_;
    state_ = 1 - state_;
    next_switch_ = time_ + stream.exponential(sojourn_[state_]);
  }
}

std::string MmppArrivals::describe() const {
  return fmt::format("MMPP-2: {}/s for mean {} s, {}/s for mean {} s (mean {}/s)", rate_[0], sojourn_[0], rate_[1],
                     sojourn_[1], mean_rate());
}

}  // namespace leptonsim
