#include "load_balancing/LeastOutstandingBalancer.hpp"

namespace leptonsim {

int LeastOutstandingBalancer::choose(const BalancerView& view) {
  const std::size_t n = view.replicas.size();
  int best = -1;
  double best_load = 0.0;
  for (std::size_t step = 0; step < n; ++step) {
    const std::size_t candidate = (start_ + step) % n;
    if (!view.is_eligible(candidate)) continue;
    const ReplicaLoad& r = view.replicas[candidate];
    const double load = static_cast<double>(r.outstanding) / r.slots;
    if (best < 0 || load < best_load) {
      best = static_cast<int>(candidate);
      best_load = load;
    }
  }
  if (best >= 0) start_ = (static_cast<std::size_t>(best) + 1) % n;
  return best;
}

PolicyInfo LeastOutstandingBalancer::info() {
  return {"load_balancer", "least_outstanding",
          "eligible replica with the fewest outstanding requests per slot (least connections)", {}};
}

}  // namespace leptonsim
