#include "load_balancing/PowerOfTwoChoicesBalancer.hpp"

#include "load_balancing/RandomBalancer.hpp"

#include <cstdint>

namespace leptonsim {

std::unique_ptr<PowerOfTwoChoicesBalancer> PowerOfTwoChoicesBalancer::from_params(const PolicyParams& params) {
  const auto seed = static_cast<std::uint64_t>(params.get("seed"));
  return std::make_unique<PowerOfTwoChoicesBalancer>(make_stream(seed, "load_balancer/power_of_two_choices"));
}

int PowerOfTwoChoicesBalancer::choose(const BalancerView& view) {
  eligible_.clear();
  for (std::size_t i = 0; i < view.replicas.size(); ++i)
    if (view.is_eligible(i)) eligible_.push_back(static_cast<int>(i));
  if (eligible_.empty()) return -1;
  if (eligible_.size() == 1) return eligible_.front();
  // Two distinct positions: the second is drawn among the other count - 1 and
  // moved past the first.
  const std::size_t first = uniform_index(stream_, eligible_.size());
  std::size_t second = uniform_index(stream_, eligible_.size() - 1);
  if (second >= first) ++second;
  const int a = eligible_[first];
  const int b = eligible_[second];
  const ReplicaLoad& load_a = view.replicas[static_cast<std::size_t>(a)];
  const ReplicaLoad& load_b = view.replicas[static_cast<std::size_t>(b)];
  // outstanding_a / slots_a <= outstanding_b / slots_b, without dividing.
  const auto lhs = static_cast<std::int64_t>(load_a.outstanding) * load_b.concurrency;
  const auto rhs = static_cast<std::int64_t>(load_b.outstanding) * load_a.concurrency;
  return lhs <= rhs ? a : b;
}

PolicyInfo PowerOfTwoChoicesBalancer::info() {
  return {"load_balancer", "power_of_two_choices",
          "the less loaded (outstanding per slot) of two eligible replicas drawn at random",
          {random_balancer_seed_parameter()}};
}

}  // namespace leptonsim
