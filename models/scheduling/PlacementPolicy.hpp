// Placement policies: which GPUs a job gets, given a read-only cluster state.
//
// A policy returns a Placement (or nothing when the demand does not fit now);
// the caller checks it against the state and applies it. Every policy honours
// the demand's site, GPU type and locality (node: all GPUs on one node; rack:
// all in one rack; any) and fractional demands (shares of GPUs on one node).
// Shares come in ring order: node by node, GPUs by index, so a ring
// all-reduce over them crosses node boundaries as few times as the placement allows.
//
//   first_fit      the lowest-numbered nodes (racks) that fit
//   best_fit       the node with the fewest free GPUs that fits (keeps whole
//                  nodes free); a multi-node job takes the emptiest nodes first
//                  (fewest nodes) and its last part best fit
//   topology_pack  one node if any fits, else one rack (the fullest that fits),
//                  else the emptiest racks first: fewest racks, then fewest
//                  nodes, so the all-reduce's bottleneck is the fastest possible
//   spread         one GPU per node, round robin over racks, emptiest nodes
//                  first (failure isolation; the opposite of packing)
#pragma once

#include "common/PolicyRegistry.hpp"
#include "scheduling/ClusterState.hpp"

#include <memory>
#include <optional>

namespace leptonsim {

class PlacementPolicy {
public:
  virtual ~PlacementPolicy() = default;
  virtual std::optional<Placement> place(const JobDemand& demand, const ClusterState& state) const = 0;
};

using PlacementPolicyRegistry = PolicyRegistry<PlacementPolicy>;

void register_placement_policies(PlacementPolicyRegistry& registry);

}  // namespace leptonsim
