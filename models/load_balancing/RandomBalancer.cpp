#include "load_balancing/RandomBalancer.hpp"

#include <cstdint>

namespace leptonsim {

PolicyParameter random_balancer_seed_parameter() {
  return {"seed", 0.0, 0.0, 9007199254740992.0 /* 2^53 */,
          "seed of the balancer's random stream (an integer; the simulator may set it per service)"};
}

std::size_t uniform_index(RandomStream& stream, std::size_t count) {
  // Multiply-shift (Lemire): the top 32 random bits times count, divided by
  // 2^32. Its bias is below count / 2^32 (6e-8 for 256 replicas), far under
  // anything a simulation can detect; beyond 2^32 replicas, plain modulo.
  const std::uint64_t bits = stream.next_u64();
  if (count <= (std::uint64_t{1} << 32)) return static_cast<std::size_t>(((bits >> 32) * count) >> 32);
  return static_cast<std::size_t>(bits % count);
}

std::unique_ptr<RandomBalancer> RandomBalancer::from_params(const PolicyParams& params) {
  const auto seed = static_cast<std::uint64_t>(params.get("seed"));
  return std::make_unique<RandomBalancer>(make_stream(seed, "load_balancer/random"));
}

int RandomBalancer::choose(const BalancerView& view) {
  eligible_.clear();
  for (std::size_t i = 0; i < view.replicas.size(); ++i)
    if (view.is_eligible(i)) eligible_.push_back(static_cast<int>(i));
  if (eligible_.empty()) return -1;
  return eligible_[uniform_index(stream_, eligible_.size())];
}

PolicyInfo RandomBalancer::info() {
  return {"load_balancer", "random", "an eligible replica drawn uniformly at random", {random_balancer_seed_parameter()}};
}

}  // namespace leptonsim
