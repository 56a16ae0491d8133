// Load balancers choose the replica that serves the next request.
//
// A balancer sees a read-only view of the replicas' load and returns an index;
// the simulator checks that the index is eligible and routes the request.
#pragma once

#include "common/PolicyRegistry.hpp"

#include <span>

namespace leptonsim {

struct ReplicaLoad {
  int outstanding = 0;  // requests in service plus queued at the replica
  int in_service = 0;   // requests being served
  int concurrency = 1;  // requests the replica serves at once (its slots)
  double weight = 1.0;  // relative capacity (used by weighted policies)
  bool is_ready = true; // accepts requests
};

struct BalancerView {
  std::span<const ReplicaLoad> replicas;
  // True when the service queues at the balancer: only replicas with a free
  // slot may receive the request.
  bool needs_free_slot = false;

  bool is_eligible(std::size_t index) const {
    const ReplicaLoad& r = replicas[index];
    return r.is_ready && (!needs_free_slot || r.in_service < r.concurrency);
  }
};

class LoadBalancer {
public:
  virtual ~LoadBalancer() = default;
  // Index of the replica for the next request, or -1 when none is eligible.
  virtual int choose(const BalancerView& view) = 0;
};

using LoadBalancerRegistry = PolicyRegistry<LoadBalancer>;

}  // namespace leptonsim
