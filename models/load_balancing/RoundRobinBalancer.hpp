// Round robin: replicas in turn, skipping those that are not eligible.
#pragma once

#include "load_balancing/LoadBalancer.hpp"

namespace leptonsim {

class RoundRobinBalancer final : public LoadBalancer {
public:
  int choose(const BalancerView& view) override;
  static PolicyInfo info();

private:
  std::size_t next_ = 0;
};

}  // namespace leptonsim
