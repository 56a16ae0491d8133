#include "common/Distribution.hpp"

#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace leptonsim {

Distribution::Distribution(Kind kind, double mean, double sigma)
    : kind_(kind), mean_(mean), sigma_(sigma), log_mu_(std::log(mean) - 0.5 * sigma * sigma), scale_(0.0) {
  // A deterministic zero is allowed (an instant repair); other forms need a positive mean.
  const bool is_valid_mean = kind == Kind::deterministic ? mean >= 0.0 : mean > 0.0;
  if (!is_valid_mean || !std::isfinite(mean))
    throw std::invalid_argument(fmt::format("distribution mean must be positive and finite, got {}", mean));
  if (kind == Kind::weibull) {
    if (!(sigma > 0.0) || !std::isfinite(sigma))
      throw std::invalid_argument(fmt::format("Weibull shape must be positive and finite, got {}", sigma));
    scale_ = mean / std::tgamma(1.0 + 1.0 / sigma);
  } else if (sigma < 0.0) {
    throw std::invalid_argument(fmt::format("lognormal sigma must be >= 0, got {}", sigma));
  }
}

double Distribution::sample(RandomStream& stream) const {
  switch (kind_) {
    case Kind::deterministic: return mean_;
    case Kind::exponential: return stream.exponential(mean_);
    case Kind::lognormal: return std::exp(log_mu_ + sigma_ * stream.standard_normal());
    // Inverse transform: F^-1(u) = scale (-ln(1 - u))^(1/k).
    case Kind::weibull: return scale_ * std::pow(-std::log(stream.uniform_open_zero()), 1.0 / sigma_);
  }
  return mean_;
}

double Distribution::survival(double x) const {
  if (x <= 0.0) return 1.0;
  switch (kind_) {
    case Kind::deterministic: return x < mean_ ? 1.0 : 0.0;
    case Kind::exponential: return std::exp(-x / mean_);
    case Kind::lognormal:
      if (sigma_ == 0.0) return x < mean_ ? 1.0 : 0.0;
      return 0.5 * std::erfc((std::log(x) - log_mu_) / (sigma_ * std::sqrt(2.0)));
    case Kind::weibull: return std::exp(-std::pow(x / scale_, sigma_));
  }
  return 0.0;
}

double Distribution::second_moment() const {
  switch (kind_) {
    case Kind::deterministic: return mean_ * mean_;
    case Kind::exponential: return 2.0 * mean_ * mean_;
    case Kind::lognormal: return mean_ * mean_ * std::exp(sigma_ * sigma_);
    case Kind::weibull: return scale_ * scale_ * std::tgamma(1.0 + 2.0 / sigma_);
  }
  return mean_ * mean_;
}

std::string Distribution::describe() const {
  switch (kind_) {
    case Kind::deterministic: return fmt::format("deterministic({})", mean_);
    case Kind::exponential: return fmt::format("exponential(mean={})", mean_);
    case Kind::lognormal: return fmt::format("lognormal(mean={}, sigma={})", mean_, sigma_);
    case Kind::weibull: return fmt::format("weibull(mean={}, shape={})", mean_, sigma_);
  }
  return "?";
}

}  // namespace leptonsim
