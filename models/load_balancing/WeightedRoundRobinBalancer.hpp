// Smooth weighted round robin: each eligible replica gets a share of the
// requests proportional to its weight (ReplicaLoad::weight, the replica's
// capacity), and the picks of a heavy replica are spread out instead of coming
// in a block. This is the scheme nginx uses for its upstreams.
//
// Every replica keeps a running score, 0 at first. For each request, every
// eligible replica's score grows by its weight; the replica with the highest
// score gets the request (the lowest index on a tie) and its score drops by the
// sum of the weights just added. Over one cycle of Σw requests a replica of
// weight w is chosen exactly w times (integer weights, fixed eligible set); for
// weights {5, 1, 1} the cycle is a a b a c a a.
//
// Replicas that are not eligible are skipped and their scores left alone.
// Weights that are not positive count as 0: such a replica is chosen only when
// no eligible replica has a positive weight, and then all eligible replicas
// take turns as with weight 1. Scores are kept by index: a simulator that
// removes a replica from the middle of the list shifts the scores with it.
#pragma once

#include "load_balancing/LoadBalancer.hpp"

#include <vector>

namespace leptonsim {

class WeightedRoundRobinBalancer final : public LoadBalancer {
public:
  int choose(const BalancerView& view) override;
  static PolicyInfo info();

private:
  std::vector<double> scores_;
};

}  // namespace leptonsim
