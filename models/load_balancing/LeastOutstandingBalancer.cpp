#include "load_balancing/LeastOutstandingBalancer.hpp"

namespace leptonsim {

int LeastOutstandingBalancer::choose(const BalancerView& view) {
  const std::size_t n = view.replicas.size();
  if (start_ >= n) start_ = 0;  // the replica list may have shrunk
  int best = -1;
  double best_load = 0.0;
  // Scan from start_ to the end, then from 0 to start_; an idle replica cannot be beaten.
  auto consider = [&](std::size_t candidate) {
    if (!view.is_eligible(candidate)) return false;
    const ReplicaLoad& r = view.replicas[candidate];
    const double load = static_cast<double>(r.outstanding) / r.concurrency;
    if (best < 0 || load < best_load) {
      best = static_cast<int>(candidate);
      best_load = load;
    }
    return load == 0.0;
  };
  bool found_idle = false;
  for (std::size_t i = start_; i < n && !found_idle; ++i) found_idle = consider(i);
  for (std::size_t i = 0; i < start_ && !found_idle; ++i) found_idle = consider(i);
  if (best >= 0) start_ = (static_cast<std::size_t>(best) + 1) % n;
  return best;
}

PolicyInfo LeastOutstandingBalancer::info() {
  return {"load_balancer", "least_outstanding",
          "eligible replica with the fewest outstanding requests per slot (least connections)", {}};
}

}  // namespace leptonsim
