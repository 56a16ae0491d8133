// Random: an eligible replica drawn uniformly.
//
// The balancer draws from its own RandomStream. The registry's factory seeds it
// from the policy parameter `seed` (see random_balancer_seed_parameter()); the
// simulator can also construct it with a stream of its own.
#pragma once

#include "common/RandomStreams.hpp"
#include "load_balancing/LoadBalancer.hpp"

#include <vector>

namespace leptonsim {

// The `seed` parameter shared by the randomised balancers. Its value is mixed
// with the policy's name by derive_stream_seed(), so two policies given the same
// seed draw unrelated numbers. A double holds integers exactly up to 2^53.
PolicyParameter random_balancer_seed_parameter();

// Uniform index in [0, count), count > 0.
std::size_t uniform_index(RandomStream& stream, std::size_t count);

class RandomBalancer final : public LoadBalancer {
public:
  explicit RandomBalancer(RandomStream stream) : stream_(stream) {}
  // Seeded from the `seed` parameter: derive_stream_seed(seed, "load_balancer/random").
  static std::unique_ptr<RandomBalancer> from_params(const PolicyParams& params);
  int choose(const BalancerView& view) override;
  static PolicyInfo info();

private:
  RandomStream stream_;
  std::vector<int> eligible_;  // reused between calls
};

}  // namespace leptonsim
