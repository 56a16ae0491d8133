// Power of two choices (Mitzenmacher, "The power of two choices in randomized
// load balancing", 2001): draw two distinct eligible replicas uniformly and send
// the request to the one with fewer outstanding requests per slot; on a tie the
// first drawn wins. Nearly as good as least outstanding, while looking at two
// replicas only (in a real system: two probes, no global view). With a single
// eligible replica that one is chosen.
//
// Randomness as for RandomBalancer: the factory seeds the stream from the
// `seed` parameter, derive_stream_seed(seed, "load_balancer/power_of_two_choices").
#pragma once

#include "common/RandomStreams.hpp"
#include "load_balancing/LoadBalancer.hpp"

#include <vector>

namespace leptonsim {

class PowerOfTwoChoicesBalancer final : public LoadBalancer {
public:
  explicit PowerOfTwoChoicesBalancer(RandomStream stream) : stream_(stream) {}
  static std::unique_ptr<PowerOfTwoChoicesBalancer> from_params(const PolicyParams& params);
  int choose(const BalancerView& view) override;
  static PolicyInfo info();

private:
  RandomStream stream_;
  std::vector<int> eligible_;  // reused between calls
};

}  // namespace leptonsim
