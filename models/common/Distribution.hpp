// Sampling a DistributionSpec-like description (deterministic, exponential,
// lognormal, Weibull).
#pragma once

#include "common/RandomStreams.hpp"

#include <string>

namespace leptonsim {

class Distribution {
public:
  enum class Kind { deterministic, exponential, lognormal, weibull };

  static Distribution deterministic(double value) { return {Kind::deterministic, value, 0.0}; }
  static Distribution exponential(double mean) { return {Kind::exponential, mean, 0.0}; }
  // Lognormal with the given mean; sigma is the standard deviation of log(X).
  static Distribution lognormal(double mean, double sigma) { return {Kind::lognormal, mean, sigma}; }
  // Weibull with the given mean and shape k (k < 1: infant mortality, k = 1:
  // exponential, k > 1: wear-out); its scale is mean / Gamma(1 + 1/k).
  static Distribution weibull(double mean, double shape) { return {Kind::weibull, mean, shape}; }

  double sample(RandomStream& stream) const;
  double mean() const { return mean_; }
  // E[X^2]: the Pollaczek-Khinchine formula needs it.
  double second_moment() const;
  Kind kind() const { return kind_; }
  // Probability that a sample exceeds x (the survival function).
  double survival(double x) const;
  std::string describe() const;

private:
  Distribution(Kind kind, double mean, double sigma);
  Kind kind_;
  double mean_;
  double sigma_;   // lognormal: sigma of log(X); Weibull: shape k
  double log_mu_;  // lognormal: mu of the underlying normal
  double scale_;   // Weibull: scale lambda
};

}  // namespace leptonsim
