// Every policy registry, filled once by explicit registration.
#pragma once

#include "autoscaling/NodePoolAutoscaler.hpp"
#include "autoscaling/ReplicaAutoscaler.hpp"
#include "load_balancing/LoadBalancer.hpp"
#include "replication/DataPlacementPolicy.hpp"
#include "replication/RedundancyScheme.hpp"
#include "replication/WeightCache.hpp"
#include "routing/RoutingPolicy.hpp"
#include "scheduling/PlacementPolicy.hpp"
#include "scheduling/QueuePolicy.hpp"

namespace leptonsim {

struct PolicyRegistries {
  LoadBalancerRegistry load_balancers{"load_balancer"};
  ReplicaAutoscalerRegistry autoscalers{"autoscaler"};
  NodePoolAutoscalerRegistry node_autoscalers{"node_autoscaler"};
  QueuePolicyRegistry job_queues{"job_queue"};
  PlacementPolicyRegistry job_placements{"job_placement"};
  RedundancyRegistry redundancy{"redundancy"};
  DataPlacementRegistry data_placements{"data_placement"};
  CacheEvictionRegistry cache_evictions{"cache_eviction"};
  RoutingPolicyRegistry request_routers{"request_router"};
};

// The registries with every built-in policy registered (built on first use).
const PolicyRegistries& policy_registries();

// All policies of all kinds, in kind then name order (for `leptonsim policies`).
std::vector<PolicyInfo> all_policy_infos();

}  // namespace leptonsim
