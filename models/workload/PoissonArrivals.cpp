#include "workload/PoissonArrivals.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace leptonsim {

PoissonArrivals::PoissonArrivals(double rate) : rate_(rate) {
  if (!(rate > 0.0) || !std::isfinite(rate))
    throw std::invalid_argument(fmt::format("Poisson arrival rate must be positive and finite, got {}/s", rate));
}

std::optional<Arrival> PoissonArrivals::next(RandomStream& stream) {
  double t = time_ + stream.exponential(1.0 / rate_);
  if (t <= time_) t = std::nextafter(time_, std::numeric_limits<double>::infinity());
  time_ = t;
  return Arrival{t};
}

std::string PoissonArrivals::describe() const { return fmt::format("Poisson {}/s", rate_); }

}  // namespace leptonsim
