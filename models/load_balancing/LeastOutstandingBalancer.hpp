// Least outstanding requests (least connections): the eligible replica with
// the fewest requests in service plus queued, relative to its slots. Ties go
// to the first replica after the previous choice, so idle replicas share work.
#pragma once

#include "load_balancing/LoadBalancer.hpp"

namespace leptonsim {

class LeastOutstandingBalancer final : public LoadBalancer {
public:
  int choose(const BalancerView& view) override;
  static PolicyInfo info();

private:
  std::size_t start_ = 0;
};

}  // namespace leptonsim
