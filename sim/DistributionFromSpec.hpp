// The sampler for a scenario's distribution description.
#pragma once

#include "ScenarioSpec.hpp"
#include "common/Distribution.hpp"

#include <stdexcept>

namespace leptonsim {

inline Distribution to_distribution(const DistributionSpec& spec) {
  switch (spec.kind) {
    case DistributionSpec::Kind::deterministic: return Distribution::deterministic(spec.mean);
    case DistributionSpec::Kind::exponential: return Distribution::exponential(spec.mean);
    case DistributionSpec::Kind::lognormal: return Distribution::lognormal(spec.mean, spec.sigma);
    case DistributionSpec::Kind::weibull: return Distribution::weibull(spec.mean, spec.shape);
  }
  throw std::logic_error("unknown distribution kind");
}

}  // namespace leptonsim
