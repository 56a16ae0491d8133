#include "workload/NonHomogeneousPoissonArrivals.hpp"

#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace leptonsim {

NonHomogeneousPoissonArrivals::NonHomogeneousPoissonArrivals(std::shared_ptr<const RateFunction> rate)
    : rate_(std::move(rate)) {
  if (!rate_) throw std::invalid_argument("a non-homogeneous Poisson process needs a rate function");
}

std::optional<Arrival> NonHomogeneousPoissonArrivals::next(RandomStream& stream) {
  for (;;) {
    const RateFunction::Bound bound = rate_->bound_from(time_);
    if (!(bound.valid_until > time_))
      throw std::logic_error(fmt::format("rate function '{}' returned a bound that ends at {} s, not after {} s",
                                         rate_->describe(), bound.valid_until, time_));
    if (!(bound.rate > 0.0)) {
      // No arrivals on this piece: skip to its end (or stop for ever).
      if (std::isinf(bound.valid_until)) return std::nullopt;
      time_ = bound.valid_until;
      continue;
    }
    double candidate = time_ + stream.exponential(1.0 / bound.rate);
    if (std::isinf(candidate)) return std::nullopt;  // past the end of representable time
    if (candidate >= bound.valid_until) {
      time_ = bound.valid_until;
      continue;
    }
    if (candidate <= time_) candidate = std::nextafter(time_, bound.valid_until);
    time_ = candidate;
    if (bound.is_exact || stream.uniform() * bound.rate < rate_->rate_at(candidate)) return Arrival{candidate};
  }
}

std::string NonHomogeneousPoissonArrivals::describe() const {
  return fmt::format("non-homogeneous Poisson, rate {}", rate_->describe());
}

}  // namespace leptonsim
