// Sampling a DistributionSpec-like description (deterministic, exponential, lognormal).
#pragma once

#include "common/RandomStreams.hpp"

#include <string>

namespace leptonsim {

class Distribution {
public:
  enum class Kind { deterministic, exponential, lognormal };

  static Distribution deterministic(double value) { return {Kind::deterministic, value, 0.0}; }
  static Distribution exponential(double mean) { return {Kind::exponential, mean, 0.0}; }
  // Lognormal with the given mean; sigma is the standard deviation of log(X).
  static Distribution lognormal(double mean, double sigma) { return {Kind::lognormal, mean, sigma}; }

  double sample(RandomStream& stream) const;
  double mean() const { return mean_; }
  // E[X^2]: the Pollaczek-Khinchine formula needs it.
  double second_moment() const;
  Kind kind() const { return kind_; }
  std::string describe() const;

private:
  Distribution(Kind kind, double mean, double sigma);
  Kind kind_;
  double mean_;
  double sigma_;
  double log_mu_;  // lognormal: mu of the underlying normal
};

}  // namespace leptonsim
