#include "common/Distribution.hpp"

#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace leptonsim {

Distribution::Distribution(Kind kind, double mean, double sigma)
    : kind_(kind), mean_(mean), sigma_(sigma), log_mu_(std::log(mean) - 0.5 * sigma * sigma) {
  if (!(mean > 0.0) || !std::isfinite(mean))
    throw std::invalid_argument(fmt::format("distribution mean must be positive and finite, got {}", mean));
  if (sigma < 0.0) throw std::invalid_argument(fmt::format("lognormal sigma must be >= 0, got {}", sigma));
}

double Distribution::sample(RandomStream& stream) const {
  switch (kind_) {
    case Kind::deterministic: return mean_;
    case Kind::exponential: return stream.exponential(mean_);
    case Kind::lognormal: return std::exp(log_mu_ + sigma_ * stream.standard_normal());
  }
  return mean_;
}

double Distribution::second_moment() const {
  switch (kind_) {
    case Kind::deterministic: return mean_ * mean_;
    case Kind::exponential: return 2.0 * mean_ * mean_;
    case Kind::lognormal: return mean_ * mean_ * std::exp(sigma_ * sigma_);
  }
  return mean_ * mean_;
}

std::string Distribution::describe() const {
  switch (kind_) {
    case Kind::deterministic: return fmt::format("deterministic({})", mean_);
    case Kind::exponential: return fmt::format("exponential(mean={})", mean_);
    case Kind::lognormal: return fmt::format("lognormal(mean={}, sigma={})", mean_, sigma_);
  }
  return "?";
}

}  // namespace leptonsim
