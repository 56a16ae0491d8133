#include "load_balancing/WeightedRoundRobinBalancer.hpp"

#include <cmath>

namespace leptonsim {

int WeightedRoundRobinBalancer::choose(const BalancerView& view) {
  const std::size_t n = view.replicas.size();
  scores_.resize(n, 0.0);
  bool any_positive = false;
  for (std::size_t i = 0; i < n && !any_positive; ++i) {
    const double weight = view.replicas[i].weight;
    any_positive = view.is_eligible(i) && std::isfinite(weight) && weight > 0.0;
  }
  int best = -1;
  double added = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!view.is_eligible(i)) continue;
    double weight = view.replicas[i].weight;
    if (!(std::isfinite(weight) && weight > 0.0)) weight = any_positive ? 0.0 : 1.0;
    scores_[i] += weight;
    added += weight;
    if (best < 0 || scores_[i] > scores_[static_cast<std::size_t>(best)]) best = static_cast<int>(i);
  }
  if (best >= 0) scores_[static_cast<std::size_t>(best)] -= added;
  return best;
}

PolicyInfo WeightedRoundRobinBalancer::info() {
  return {"load_balancer", "weighted_round_robin",
          "eligible replicas in turn, each in proportion to its capacity weight, spread evenly (smooth, as nginx)", {}};
}

}  // namespace leptonsim
