#include "load_balancing/RoundRobinBalancer.hpp"

namespace leptonsim {

int RoundRobinBalancer::choose(const BalancerView& view) {
  const std::size_t n = view.replicas.size();
  for (std::size_t step = 0; step < n; ++step) {
    const std::size_t candidate = (next_ + step) % n;
    if (view.is_eligible(candidate)) {
      next_ = (candidate + 1) % n;
      return static_cast<int>(candidate);
    }
  }
  return -1;
}

PolicyInfo RoundRobinBalancer::info() {
  return {"load_balancer", "round_robin", "each eligible replica in turn", {}};
}

}  // namespace leptonsim
